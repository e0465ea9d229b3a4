import fc from 'fast-check';
import { ScimError } from '../../src/scim/errors';
import { normalizeResource } from '../../src/scim/resource/normalize';
import { PATCH_OP_SCHEMA, applyPatch } from '../../src/scim/resource/patch';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  groupResourceType,
  userResourceType,
} from '../../src/scim/schemas/resource-types';
import { expectRefusal, scimErrorOf } from '../support/scim-errors';
import { unitFixture } from '../support/unit-fixture';

type Json = Record<string, unknown>;

function storedUser(): Json {
  return unitFixture('stored-user.json');
}

function storedGroup(): Json {
  return { schemas: [GROUP_SCHEMA], displayName: 'Survey Team', externalId: 'team-ext' };
}

function patchOf(...operations: unknown[]): Json {
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}

const USER_ID = 'usr_patched';
const GROUP_ID = 'grp_patched';

function patchUser(body: unknown, current: Json = storedUser()) {
  return applyPatch(userResourceType, USER_ID, current, body);
}

function patchGroup(body: unknown, current: Json = storedGroup()) {
  return applyPatch(groupResourceType, GROUP_ID, current, body);
}

const enterprise = (resource: Json) => resource[ENTERPRISE_USER_SCHEMA] as Json | undefined;

describe('applyPatch - the PatchOp message', () => {
  it('refuses a body whose schemas do not name the PatchOp message', () => {
    expectRefusal(
      () => patchUser({ schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title' }] }),
      'invalidSyntax',
      /must include "urn:ietf:params:scim:api:messages:2\.0:PatchOp"/,
    );
  });

  it('refuses a body without operations', () => {
    expectRefusal(() => patchUser(patchOf()), 'invalidSyntax', /non-empty "Operations"/);
    expectRefusal(() => patchUser('replace'), 'invalidSyntax', /must be a JSON object/);
  });

  it('refuses an op other than add, remove or replace', () => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'merge', path: 'title', value: 'x' })),
      'invalidSyntax',
      /Operations\[0\]\.op must be "add", "remove" or "replace", not "merge"/,
    );
  });

  it('refuses more than 10,000 operations', () => {
    const operations = Array.from({ length: 10_001 }, () => ({
      op: 'replace',
      path: 'title',
      value: 'x',
    }));

    expectRefusal(
      () => patchUser(patchOf(...operations)),
      'invalidValue',
      /10001 operations; at most 10000/,
    );
  });

  it('accepts the capitalised op names Entra sends', () => {
    const { resource } = patchUser(unitFixture('patch/entra-capitalised-ops.json'));

    expect(resource.displayName).toBe('Priya Castellane-Vane');
    expect(resource.title).toBe('Surveyor');
    expect(resource.externalId).toBeUndefined();
  });

  it('refuses add or replace without a value, and remove without a path', () => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', path: 'title' })),
      'invalidValue',
      /Operations\[0\] \(replace\) needs a "value"/,
    );
    expectRefusal(
      () => patchUser(patchOf({ op: 'remove', value: { title: 'x' } })),
      'noTarget',
      /A remove operation needs a "path"/,
    );
  });

  it('names the failing operation in the error detail', () => {
    const body = patchOf(
      { op: 'replace', path: 'title', value: 'Planner' },
      { op: 'replace', path: 'nickName', value: 12 },
    );

    expectRefusal(
      () => patchUser(body),
      'invalidValue',
      /^Operations\[1\]: "nickName" must be a string, not a number\.$/,
    );
  });
});

describe('applyPatch on a User', () => {
  it('sets only the attributes named by a path-less replace (Okta deactivation)', () => {
    const { resource, changed } = patchUser(unitFixture('patch/okta-pathless-deactivate.json'));

    expect(resource).toEqual({ ...storedUser(), active: false });
    expect(changed).toBe(true);
  });

  it('stores Entra\'s "False" and "True" strings for active as booleans', () => {
    const disabled = patchUser(unitFixture('patch/entra-active-as-string.json')).resource;
    const enabled = patchUser(patchOf({ op: 'Replace', path: 'active', value: 'True' }), disabled);

    expect(disabled.active).toBe(false);
    expect(enabled.resource.active).toBe(true);
  });

  it('applies the dotted and URN-qualified keys of a path-less value to their attributes', () => {
    const { resource } = patchUser(unitFixture('patch/entra-pathless-dotted-keys.json'));

    expect(resource.displayName).toBe('Kiri Mahuta');
    expect(resource.title).toBe('Navigator');
    expect(resource.name).toEqual({ familyName: 'Mahuta', givenName: 'Kiri', middleName: 'Ora' });
    expect(enterprise(resource)?.employeeNumber).toBe('E1');
    expect(resource).not.toHaveProperty(['name.givenName']);
  });

  it('changes the matching email in place for a filtered replace', () => {
    const { resource } = patchUser(unitFixture('patch/entra-filtered-email-replace.json'));

    expect(resource.emails).toEqual([{ value: 'new@example.com', type: 'work', primary: true }]);
    expect(resource.name).toEqual({ familyName: 'Castellane-Roe', givenName: 'Priya' });
    expect(enterprise(resource)?.department).toBe('Retail');
  });

  it('adds a work email when a filtered replace finds none', () => {
    const current = { ...storedUser(), emails: [{ value: 'home@example.net', type: 'home' }] };

    const { resource } = patchUser(unitFixture('patch/entra-filtered-email-replace.json'), current);

    expect(resource.emails).toEqual([
      { value: 'home@example.net', type: 'home' },
      { value: 'new@example.com', type: 'work' },
    ]);
  });

  it('answers noTarget when a filter that is not a plain equality matches nothing', () => {
    expectRefusal(
      () =>
        patchUser(
          patchOf({ op: 'replace', path: 'emails[value co "nobody"].type', value: 'other' }),
        ),
      'noTarget',
      /No value of "emails" matches "emails\[value co "nobody"\]\.type"; nothing to change/,
    );
  });

  it('changes a sub-attribute of the matching address only', () => {
    const current = {
      ...storedUser(),
      addresses: [
        { locality: 'Oslo', type: 'home' },
        { locality: 'Bergen', type: 'work' },
      ],
    };

    const { resource } = patchUser(
      patchOf({ op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Tromsø' }),
      current,
    );

    expect(resource.addresses).toEqual([
      { locality: 'Oslo', type: 'home' },
      { locality: 'Tromsø', type: 'work' },
    ]);
  });

  it('takes the manager as a plain id or as an object, and removes it by URN path', () => {
    const path = `${ENTERPRISE_USER_SCHEMA}:manager`;
    const withoutManager = { ...storedUser(), [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'R1' } };
    const added = patchUser(patchOf({ op: 'Add', path, value: 'manager-1' }), withoutManager);
    const plain = patchUser(unitFixture('patch/entra-manager-plain-id.json')).resource;
    const object = patchUser(
      patchOf({ op: 'replace', path, value: { value: 'manager-3' } }),
      plain,
    );
    const byValuePath = patchUser(
      patchOf({ op: 'add', path: `${path}.value`, value: 'manager-4' }),
      object.resource,
    );
    const removed = patchUser(patchOf({ op: 'remove', path }), byValuePath.resource);

    expect(enterprise(added.resource)).toEqual({
      employeeNumber: 'R1',
      manager: { value: 'manager-1' },
    });
    expect(enterprise(plain)?.manager).toEqual({ value: 'manager-2' });
    expect(enterprise(object.resource)?.manager).toEqual({ value: 'manager-3' });
    expect(enterprise(byValuePath.resource)?.manager).toEqual({ value: 'manager-4' });
    expect(enterprise(removed.resource)).not.toHaveProperty('manager');
    expect(enterprise(removed.resource)?.department).toBe('Survey');
  });

  it('follows URN-qualified paths into the extension and the core schema', () => {
    const { resource } = patchUser(unitFixture('patch/urn-qualified-paths.json'));

    expect(enterprise(resource)).toEqual({
      employeeNumber: 'E0',
      costCenter: 'CC-200',
      department: 'Survey',
    });
    expect(resource.name).toEqual({ familyName: 'Ferreira-Lund', givenName: 'Priya' });
  });

  it('drops the extension and its schema when its last attribute is removed', () => {
    const current = { ...storedUser(), [ENTERPRISE_USER_SCHEMA]: { department: 'Survey' } };

    const { resource } = patchUser(
      patchOf({ op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:department` }),
      current,
    );

    expect(resource).not.toHaveProperty([ENTERPRISE_USER_SCHEMA]);
    expect(resource.schemas).toEqual([USER_SCHEMA]);
  });

  it('sets extension attributes given as an object under the extension URN', () => {
    const { resource } = patchUser(
      patchOf({ op: 'add', value: { [ENTERPRISE_USER_SCHEMA]: { division: 'Ops' } } }),
    );

    expect(enterprise(resource)?.division).toBe('Ops');
    expect(enterprise(resource)?.costCenter).toBe('CC-100');
  });

  it('sets externalId from a path-less add', () => {
    const { resource } = patchUser(patchOf({ op: 'add', value: { externalId: 'ExtB' } }));

    expect(resource.externalId).toBe('ExtB');
  });

  it('lets userName change, but not be removed', () => {
    const renamed = patchUser(
      patchOf({ op: 'replace', path: 'userName', value: 'p.c@example.com' }),
    );

    expect(renamed.resource.userName).toBe('p.c@example.com');
    expectRefusal(
      () => patchUser(patchOf({ op: 'remove', path: 'userName' })),
      'invalidValue',
      /"userName" is required and must not be empty in the User this PATCH would leave/,
    );
  });

  it('appends to a multi-valued attribute, ignoring values already there', () => {
    const { resource } = patchUser(
      patchOf({
        op: 'add',
        path: 'emails',
        value: [
          { value: 'old@example.com', type: 'work', primary: true },
          { value: 'home@example.net', type: 'home' },
        ],
      }),
    );

    expect(resource.emails).toEqual([
      { value: 'old@example.com', type: 'work', primary: true },
      { value: 'home@example.net', type: 'home' },
    ]);
  });

  it('takes primary away from the other values when a new primary value arrives', () => {
    const { resource } = patchUser(
      patchOf({ op: 'add', path: 'emails', value: { value: 'new@example.com', primary: 'True' } }),
    );

    expect(resource.emails).toEqual([
      { value: 'old@example.com', type: 'work' },
      { value: 'new@example.com', primary: true },
    ]);
  });

  it('refuses a replace that would leave two primary values', () => {
    expectRefusal(
      () =>
        patchUser(
          patchOf({
            op: 'replace',
            path: 'emails',
            value: [
              { value: 'a@example.com', primary: true },
              { value: 'b@example.com', primary: true },
            ],
          }),
        ),
      'invalidValue',
      /"emails" has 2 values with "primary": true/,
    );
  });

  it('replaces the whole list of a multi-valued attribute', () => {
    const { resource } = patchUser(
      patchOf({ op: 'replace', path: 'emails', value: [{ value: 'only@example.com' }] }),
    );

    expect(resource.emails).toEqual([{ value: 'only@example.com' }]);
  });

  it('removes only the values a filter matches', () => {
    const current = {
      ...storedUser(),
      phoneNumbers: [
        { value: '+47 1', type: 'work' },
        { value: '+47 2', type: 'mobile' },
      ],
    };

    const { resource } = patchUser(
      patchOf({ op: 'remove', path: 'phoneNumbers[type eq "WORK"]' }),
      current,
    );

    expect(resource.phoneNumbers).toEqual([{ value: '+47 2', type: 'mobile' }]);
  });

  it('removes only the listed values when remove carries a value list', () => {
    const current = {
      ...storedUser(),
      emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }],
    };

    const { resource } = patchUser(
      patchOf({ op: 'remove', path: 'emails', value: [{ value: 'A@example.com' }] }),
      current,
    );

    expect(resource.emails).toEqual([{ value: 'b@example.com' }]);
  });

  it('removes a whole multi-valued attribute when remove has neither filter nor value', () => {
    const { resource } = patchUser(patchOf({ op: 'remove', path: 'emails' }));

    expect(resource).not.toHaveProperty('emails');
  });

  it('treats removing an absent attribute as done', () => {
    const { resource, changed } = patchUser(patchOf({ op: 'remove', path: 'title' }));

    expect(resource).toEqual(storedUser());
    expect(changed).toBe(false);
  });

  it('reports no change when the patch leaves the user as it was', () => {
    const sameEmail = { value: 'old@example.com', type: 'work', primary: true };

    const { changed } = patchUser(
      patchOf(
        { op: 'replace', path: 'displayName', value: 'Priya Castellane' },
        { op: 'add', path: 'emails', value: [sameEmail] },
      ),
    );

    expect(changed).toBe(false);
  });

  it.each([
    ['id', 'abc'],
    ['meta.lastModified', '2024-01-01T00:00:00Z'],
    ['groups', [{ value: 'group-1' }]],
    [`${ENTERPRISE_USER_SCHEMA}:manager.displayName`, 'Boss'],
  ])('refuses to change the read-only attribute %s', (path, value) => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', path, value })),
      'mutability',
      /is read-only and cannot be changed by PATCH/,
    );
  });

  it('refuses a read-only attribute named in a path-less value', () => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', value: { active: false, id: 'other' } })),
      'mutability',
      /"id" is read-only/,
    );
  });

  it.each([
    [{ active: false, 'urn:ietf:params:scim:schemas:core:2.0:User:active': true }],
    [{ active: false, Active: true }],
    [{ 'name.givenName': 'Ann', name: { givenName: 'Bea' } }],
    [{ name: { givenName: 'Bea' }, 'NAME.givenName': 'Ann' }],
  ])('refuses a path-less value that names one attribute twice: %j', (value) => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', value })),
      'invalidValue',
      /name the same attribute; give it once/,
    );
  });

  it('applies a path-less value naming two sub-attributes of one attribute', () => {
    const { resource } = patchUser(
      patchOf({ op: 'replace', value: { 'name.givenName': 'Ann', 'name.familyName': 'Lee' } }),
    );

    expect(resource.name).toMatchObject({ givenName: 'Ann', familyName: 'Lee' });
  });

  it('applies a path-less replace that repeats the resource id (Okta group rename)', () => {
    const { resource, changed } = patchGroup(
      patchOf({ op: 'replace', value: { id: GROUP_ID, displayName: 'Survey Team (renamed)' } }),
    );

    expect(changed).toBe(true);
    expect(resource).toEqual({ ...storedGroup(), displayName: 'Survey Team (renamed)' });
  });

  it.each([
    ['replace', 'id'],
    ['add', 'ID'],
  ])('treats %s of path %s with the resource id as no change', (op, path) => {
    const { resource, changed } = patchUser(patchOf({ op, path, value: USER_ID }));

    expect(changed).toBe(false);
    expect(resource).toEqual(storedUser());
  });

  it('refuses another resource\'s id even beside a rename', () => {
    expectRefusal(
      () => patchGroup(patchOf({ op: 'replace', value: { id: USER_ID, displayName: 'Renamed' } })),
      'mutability',
      /"id" is read-only/,
    );
    expectRefusal(
      () => patchGroup(patchOf({ op: 'remove', path: 'id' })),
      'mutability',
      /"id" is read-only/,
    );
  });

  it('refuses an unknown attribute or sub-attribute, naming the path', () => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'add', path: 'favouriteColour', value: 'teal' })),
      'invalidPath',
      /"favouriteColour" is not an attribute of the User resource/,
    );
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', path: 'emails[type eq "work"].label', value: 'x' })),
      'invalidPath',
      /"label" is not a sub-attribute of "emails"/,
    );
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', value: { 'name.nickname': 'x' } })),
      'invalidPath',
      /"name\.nickname" is not an attribute of the User resource/,
    );
  });

  it('refuses a value filter on an attribute that is not multi-valued', () => {
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', path: 'name[givenName eq "Priya"]', value: {} })),
      'invalidPath',
      /"name" is not multi-valued/,
    );
  });

  it('refuses a filter naming an unknown sub-attribute, even with nothing to match', () => {
    const current = { ...storedUser(), emails: undefined };

    expectRefusal(
      () => patchUser(patchOf({ op: 'remove', path: 'emails[colour eq "red"]' }), current),
      'invalidFilter',
      /Unknown attribute "colour"/,
    );
  });

  it('accepts a password but never keeps it', () => {
    const { resource, changed } = patchUser(
      patchOf({ op: 'replace', value: { password: 'n3w-s3cret' } }),
    );

    expect(JSON.stringify(resource)).not.toContain('n3w-s3cret');
    expect(changed).toBe(false);
    expectRefusal(
      () => patchUser(patchOf({ op: 'replace', path: 'password', value: 1234 })),
      'invalidValue',
      /"password" must be a string/,
    );
  });

  it('ignores attributes of extension schemas that are not this service\'s', () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

    const { changed } = patchUser(
      patchOf(
        { op: 'replace', path: `${custom}:badge`, value: '12' },
        { op: 'add', value: { [`${custom}:shoeSize`]: 44 } },
      ),
    );

    expect(changed).toBe(false);
  });

  it('refuses prototype keys anywhere in the body and leaves Object.prototype alone', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const pathless = JSON.parse(`{"op": "add", "value": {"${key}": {"polluted": true}}}`);
      const nested = JSON.parse(`{"op": "add", "path": "name", "value": {"${key}": {"x": 1}}}`);

      expectRefusal(() => patchUser(patchOf(pathless)), 'invalidValue', /is not allowed/);
      expectRefusal(() => patchUser(patchOf(nested)), 'invalidValue', /is not allowed/);
      expectRefusal(
        () => patchUser(patchOf({ op: 'add', path: key, value: { polluted: true } })),
        'invalidPath',
        /is not a valid attribute path|is not an attribute of the User resource/,
      );
    }

    expect(({} as Json).polluted).toBeUndefined();
  });

  it('applies all operations or none: a failing third operation changes nothing', () => {
    const current = storedUser();
    const before = JSON.stringify(current);
    const body = patchOf(
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'remove', path: 'emails' },
      { op: 'replace', path: 'active', value: 'maybe' },
    );

    expectRefusal(() => patchUser(body, current), 'invalidValue', /^Operations\[2\]: "active"/);
    expect(JSON.stringify(current)).toBe(before);
  });
});

describe('applyPatch on a Group', () => {
  it('turns an add of members into a member operation, never into the resource', () => {
    const { resource, memberOperations, changed } = patchGroup(
      unitFixture('patch/entra-add-members.json'),
    );

    expect(memberOperations).toEqual([{ op: 'add', ids: ['user-1', 'user-2'] }]);
    expect(resource).toEqual(storedGroup());
    expect(changed).toBe(false);
  });

  it('removes only the members in an Entra value list', () => {
    const { memberOperations } = patchGroup(unitFixture('patch/entra-remove-member-by-value.json'));

    expect(memberOperations).toEqual([{ op: 'remove', ids: ['user-1'] }]);
  });

  it('removes the member a value filter names', () => {
    const { memberOperations } = patchGroup(unitFixture('patch/remove-member-by-filter.json'));

    expect(memberOperations).toEqual([{ op: 'remove', ids: ['user-1'] }]);
  });

  it('removes the members several value filters joined by or name', () => {
    const { memberOperations } = patchGroup(
      patchOf({ op: 'remove', path: 'members[value eq "user-1" or value eq "user-2"]' }),
    );

    expect(memberOperations).toEqual([{ op: 'remove', ids: ['user-1', 'user-2'] }]);
  });

  it('removes every member for remove on members with neither filter nor value', () => {
    const { memberOperations } = patchGroup(unitFixture('patch/remove-all-members.json'));

    expect(memberOperations).toEqual([{ op: 'removeAll' }]);
  });

  it('passes on every shape of adding an existing member as an add for the caller to skip', () => {
    const pathless = patchGroup(unitFixture('patch/add-existing-member-pathless.json'));
    const withDisplay = patchGroup(
      patchOf({ op: 'add', path: 'members', value: [{ value: 'user-1', display: 'Anouk' }] }),
    );

    expect(pathless.memberOperations).toEqual([{ op: 'add', ids: ['user-1'] }]);
    expect(withDisplay.memberOperations).toEqual([{ op: 'add', ids: ['user-1'] }]);
    expect(pathless.changed).toBe(false);
  });

  it('adds a large group push in one operation, without a cap at 100 members', () => {
    const members = Array.from({ length: 137 }, (_, index) => ({ value: `user-${index}` }));

    const body = patchOf({ op: 'add', path: 'members', value: members });

    const { memberOperations } = patchGroup(body);

    expect(memberOperations).toEqual([{ op: 'add', ids: members.map((member) => member.value) }]);
  });

  it('replaces the members with exactly those given', () => {
    const { memberOperations } = patchGroup(unitFixture('patch/replace-members.json'));
    const emptied = patchGroup(patchOf({ op: 'replace', path: 'members', value: [] }));

    expect(memberOperations).toEqual([{ op: 'replace', ids: ['user-2', 'user-3'] }]);
    expect(emptied.memberOperations).toEqual([{ op: 'removeAll' }]);
  });

  it('keeps member operations in request order beside attribute changes', () => {
    const body = unitFixture('patch/okta-group-push-delta.json');
    (body.Operations as unknown[]).push({ op: 'Replace', path: 'displayName', value: 'Renamed' });

    const { resource, memberOperations, changed } = patchGroup(body);

    expect(memberOperations).toEqual([
      { op: 'remove', ids: ['user-1'] },
      { op: 'add', ids: ['user-3'] },
    ]);
    expect(resource.displayName).toBe('Renamed');
    expect(changed).toBe(true);
  });

  it('refuses member filters other than value eq', () => {
    expectRefusal(
      () => patchGroup(patchOf({ op: 'remove', path: 'members[display eq "Ada"]' })),
      'invalidFilter',
      /members\[value eq "<id>"\]/,
    );
    expectRefusal(
      () => patchGroup(patchOf({ op: 'add', path: 'members[value eq "u"]', value: [] })),
      'invalidPath',
      /add on "members" takes no value filter/,
    );
  });

  it('refuses member sub-attribute paths', () => {
    expectRefusal(
      () => patchGroup(patchOf({ op: 'replace', path: 'members.value', value: 'user-1' })),
      'invalidPath',
      /members are added, replaced or removed whole/,
    );
    expectRefusal(
      () =>
        patchGroup(patchOf({ op: 'replace', path: 'members[value eq "u"].display', value: 'x' })),
      'mutability',
      /is read-only/,
    );
  });

  it('refuses a member without a string id', () => {
    expectRefusal(
      () => patchGroup(patchOf({ op: 'add', path: 'members', value: [{ value: 42 }] })),
      'invalidValue',
      /^Operations\[0\]: "members\[0\]\.value" must be the id of a user, not a number\.$/,
    );
  });

  it('refuses more than 100,000 member ids in one request', () => {
    const half = Array.from({ length: 60_000 }, (_, index) => ({ value: `user-${index}` }));

    expectRefusal(
      () =>
        patchGroup(
          patchOf(
            { op: 'add', path: 'members', value: half },
            { op: 'add', path: 'members', value: half },
          ),
        ),
      'invalidValue',
      /more than 100000 members/,
    );
  });

  it('refuses to remove the displayName', () => {
    expectRefusal(
      () => patchGroup(patchOf({ op: 'remove', path: 'displayName' })),
      'invalidValue',
      /"displayName" is required/,
    );
  });
});

describe('applyPatch properties', () => {
  const paths = [
    'title',
    'active',
    'userName',
    'displayName',
    'name',
    'name.givenName',
    'emails',
    'emails[type eq "work"]',
    'emails[type eq "work"].value',
    'emails[value co "x" or primary eq true].primary',
    'addresses[type eq "home"].locality',
    'members',
    'members[value eq "user-1"]',
    ENTERPRISE_USER_SCHEMA,
    `${ENTERPRISE_USER_SCHEMA}:manager`,
    `${ENTERPRISE_USER_SCHEMA}:manager.value`,
    `${USER_SCHEMA}:name.familyName`,
    'urn:example:custom:1.0:User:x',
    'password',
  ];
  const plausibleValues = fc.constantFrom<unknown>(
    'Planner',
    'False',
    true,
    null,
    'user-1',
    { givenName: 'Kiri' },
    [{ value: 'a@example.com', type: 'work', primary: true }, { value: 'b@example.com' }],
    [{ value: 'user-1' }, { value: 'user-2', display: 'Bea' }],
    { active: 'False', 'name.givenName': 'Kiri', [`${ENTERPRISE_USER_SCHEMA}:division`]: 'Ops' },
  );
  /** [path, value] pairs of the kinds IdPs send, so that most operations are valid. */
  const userChanges: [string | undefined, unknown][] = [
    ['title', 'Planner'],
    ['active', 'False'],
    ['active', true],
    ['userName', 'renamed@example.com'],
    ['name', { givenName: 'Kiri', middleName: null }],
    ['name.givenName', 'Kiri'],
    ['emails', [{ value: 'a@example.com', type: 'work', primary: true }, { value: 'b@x.org' }]],
    ['emails', { value: 'c@example.com', primary: 'True' }],
    ['emails[type eq "work"]', { value: 'w@example.com', display: 'Work' }],
    ['emails[type eq "work"].value', 'new@example.com'],
    ['emails[type eq "home"].primary', true],
    ['addresses[type eq "home"].locality', 'Oslo'],
    ['phoneNumbers', [{ value: '+47 1', type: 'mobile' }]],
    [ENTERPRISE_USER_SCHEMA, { department: 'Retail', manager: 'manager-9' }],
    [`${ENTERPRISE_USER_SCHEMA}:manager`, 'manager-2'],
    [`${ENTERPRISE_USER_SCHEMA}:manager`, { value: 'manager-3' }],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value`, 'manager-4'],
    [`${USER_SCHEMA}:name.familyName`, 'Lund'],
    ['urn:example:custom:1.0:User:badge', 12],
    ['password', 'n3w-s3cret'],
    [undefined, { active: 'False', 'name.givenName': 'Kiri', externalId: 'ext-2' }],
    [undefined, { [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Ops', title: null }],
  ];
  const groupChanges: [string | undefined, unknown][] = [
    ['displayName', 'Renamed'],
    ['externalId', 'ext-2'],
    ['members', [{ value: 'user-1' }, { value: 'user-2', display: 'Bea' }]],
    ['members', [{ $ref: null, value: 'user-3' }]],
    ['members', []],
    ['members[value eq "user-1"]', null],
    ['members[value eq "user-1" or value eq "user-2"]', null],
    [undefined, { displayName: 'Renamed', members: [{ value: 'user-4' }] }],
  ];
  const plausibleOperation = (changes: [string | undefined, unknown][], removable: string) =>
    fc
      .tuple(
        fc.constantFrom('add', 'Add', 'remove', 'Remove', 'replace', 'Replace'),
        fc.constantFrom(...changes),
      )
      .map(([op, [path, value]]) =>
        op.toLowerCase() === 'remove'
          ? { op, path: path ?? removable }
          : { op, ...(path === undefined ? {} : { path }), value },
      );
  const anyOperation = fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'remove', 'replace'), fc.jsonValue()),
      path: fc.oneof(
        fc.constantFrom(...paths, 'id', 'meta.created', '__proto__', 'emails[type eq', ']', ''),
        fc.string(),
      ),
      value: fc.oneof(
        plausibleValues,
        fc.jsonValue({ maxDepth: 3 }),
        fc.dictionary(fc.constantFrom(...paths, '__proto__'), fc.jsonValue({ maxDepth: 2 })),
      ),
    },
    { requiredKeys: [] },
  );
  const patchBody = (operation: fc.Arbitrary<unknown>) =>
    fc.record({
      schemas: fc.constant([PATCH_OP_SCHEMA]),
      Operations: fc.array(operation, { minLength: 1, maxLength: 6 }),
    });

  /** Applies `body`: the result must be one PUT accepts unchanged, or a ScimError 400 is thrown. */
  function checkOutcome(body: unknown, onGroup: boolean): boolean {
    const current = onGroup ? storedGroup() : storedUser();
    const before = JSON.stringify(current);
    const resourceType = onGroup ? groupResourceType : userResourceType;
    let succeeded = false;
    try {
      const { resource } = applyPatch(resourceType, onGroup ? GROUP_ID : USER_ID, current, body);
      expect(normalizeResource(resourceType, resource, 'replace')).toEqual(resource);
      succeeded = true;
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(400);
    }
    expect(JSON.stringify(current)).toBe(before);

    return succeeded;
  }

  it('never throws anything but a ScimError 400 for arbitrary bodies, nor changes current', () => {
    const bodies = fc.oneof(fc.anything(), patchBody(anyOperation));

    fc.assert(
      fc.property(bodies, fc.boolean(), (body, onGroup) => {
        checkOutcome(body, onGroup);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['User', false],
    ['Group', true],
  ])('leaves only states a PUT would accept for plausible operations on a %s', (_, onGroup) => {
    const operation = onGroup
      ? plausibleOperation(groupChanges, 'externalId')
      : plausibleOperation(userChanges, 'title');
    let successes = 0;

    fc.assert(
      fc.property(patchBody(operation), (body) => {
        if (checkOutcome(body, onGroup)) successes += 1;
      }),
      { numRuns: 1_000 },
    );

    // Guards the generator: the property means little if nearly every body is refused.
    expect(successes).toBeGreaterThan(400);
  });
});
