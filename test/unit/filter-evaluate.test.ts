import type { AttributeDefinition } from '../../src/scim/schemas/attribute';
import { ScimError, invalidPath } from '../../src/scim/errors';
import { compileMatcher, matchesFilter } from '../../src/scim/filter/evaluate';
import { parseFilter } from '../../src/scim/filter/parser';
import { bool, dateTime, str } from '../../src/scim/schemas/attribute';
import { commonAttributes } from '../../src/scim/schemas/common';
import { groupSchema } from '../../src/scim/schemas/group';
import { userSchema } from '../../src/scim/schemas/user';
import { scimErrorOf } from '../support/scim-errors';

const memberAttributes = groupSchema.attributes.find((attribute) => attribute.name === 'members')
  ?.subAttributes as AttributeDefinition[];
const emailAttributes = userSchema.attributes.find((attribute) => attribute.name === 'emails')
  ?.subAttributes as AttributeDefinition[];
const userAttributes = [...commonAttributes, ...userSchema.attributes];

const number = (name: string, type: 'integer' | 'decimal'): AttributeDefinition => ({
  ...str(name, 'A number.'),
  type,
});
const custom: AttributeDefinition[] = [
  str('code', 'Case-exact text.', { caseExact: true }),
  str('label', 'Case-insensitive text.'),
  bool('flag', 'A flag.'),
  dateTime('since', 'A moment.'),
  number('count', 'integer'),
  number('ratio', 'decimal'),
];

const matches = (filter: string, element: Record<string, unknown>, attributes = custom) =>
  matchesFilter(parseFilter(filter), element, attributes);

describe('matchesFilter', () => {
  it('selects a group member by value', () => {
    const member = { value: '2819c223', display: 'Babs Jensen', type: 'User' };
    expect(matchesFilter(parseFilter('value eq "2819c223"'), member, memberAttributes)).toBe(true);
    expect(matchesFilter(parseFilter('value eq "902c246b"'), member, memberAttributes)).toBe(false);
  });

  it('selects an email by type', () => {
    const work = { value: 'bjensen@example.com', type: 'work', primary: true };
    expect(matches('type eq "work"', work, emailAttributes)).toBe(true);
    expect(matches('type eq "home"', work, emailAttributes)).toBe(false);
    expect(matches('type eq "work" and primary eq true', work, emailAttributes)).toBe(true);
  });

  it('matches attribute names case-insensitively, in the filter and in the element', () => {
    expect(matches('VALUE eq "abc"', { value: 'abc' }, memberAttributes)).toBe(true);
    expect(matches('value eq "abc"', { Value: 'abc' }, memberAttributes)).toBe(true);
  });

  it('compares case-insensitively unless the attribute is caseExact', () => {
    expect(matches('label eq "HELLO"', { label: 'hello' })).toBe(true);
    expect(matches('label co "ELL"', { label: 'hello' })).toBe(true);
    expect(matches('code eq "HELLO"', { code: 'hello' })).toBe(false);
    expect(matches('code eq "hello"', { code: 'hello' })).toBe(true);
    expect(matches('code sw "H"', { code: 'hello' })).toBe(false);
  });

  it('implements co, sw and ew literally, with no wildcard characters', () => {
    const element = { label: '100%_real\\' };
    expect(matches('label co "0%_r"', element)).toBe(true);
    expect(matches('label sw "100%"', element)).toBe(true);
    expect(matches('label ew "real\\\\"', element)).toBe(true);
    expect(matches('label co "%"', { label: 'abc' })).toBe(false);
    expect(matches('label co "_"', { label: 'abc' })).toBe(false);
  });

  it('orders strings by code point, after case folding', () => {
    expect(matches('label gt "a"', { label: 'B' })).toBe(true);
    expect(matches('code gt "a"', { code: 'B' })).toBe(false);
    expect(matches('label ge "abc"', { label: 'ABC' })).toBe(true);
    expect(matches('label lt "b"', { label: 'abc' })).toBe(true);
    expect(matches('label le "ab"', { label: 'abc' })).toBe(false);
  });

  it('compares dateTimes chronologically, across time zones', () => {
    const element = { since: '2011-05-13T04:42:34Z' };
    expect(matches('since eq "2011-05-13T06:42:34+02:00"', element)).toBe(true);
    expect(matches('since gt "2011-05-13T04:42:33.999Z"', element)).toBe(true);
    expect(matches('since lt "2011-05-13T04:42:34Z"', element)).toBe(false);
    expect(matches('since le "2011-05-13T04:42:34Z"', element)).toBe(true);
    expect(
      matches('since gt "2010-01-01T00:00:00Z"', { since: new Date('2011-01-01T00:00:00Z') }),
    ).toBe(true);
    expect(matches('since gt "2010-01-01T00:00:00Z"', { since: 'not a date' })).toBe(false);
  });

  it('compares booleans with eq and ne', () => {
    expect(matches('flag eq true', { flag: true })).toBe(true);
    expect(matches('flag eq false', { flag: true })).toBe(false);
    expect(matches('flag ne false', { flag: true })).toBe(true);
    expect(matches('flag eq true', { flag: 'true' })).toBe(false);
    // Entra's string booleans in the filter; a stored string is still no boolean.
    expect(matches('flag eq "True"', { flag: true })).toBe(true);
    expect(matches('flag ne "FALSE"', { flag: false })).toBe(false);
    expect(matches('flag eq "true"', { flag: 'true' })).toBe(false);
  });

  it('compares integers and decimals as numbers', () => {
    expect(matches('count gt 9', { count: 10 })).toBe(true);
    expect(matches('count eq 10', { count: 10 })).toBe(true);
    expect(matches('ratio le 0.5', { ratio: 0.25 })).toBe(true);
    expect(matches('ratio lt 0.25', { ratio: 0.25 })).toBe(false);
    expect(matches('count gt 9', { count: '10' })).toBe(false);
  });

  it('makes ne the exact complement of eq, so ne matches an absent value', () => {
    expect(matches('label ne "x"', {})).toBe(true);
    expect(matches('label ne "x"', { label: null })).toBe(true);
    expect(matches('label ne "x"', { label: 'X' })).toBe(false);
    expect(matches('label eq "x"', {})).toBe(false);
  });

  it('matches no ordering or substring comparison against an absent value', () => {
    for (const filter of [
      'label gt "a"',
      'label lt "z"',
      'label co ""',
      'since lt "2100-01-01T00:00:00Z"',
    ]) {
      expect(matches(filter, {})).toBe(false);
      expect(matches(`not (${filter})`, {})).toBe(true);
    }
  });

  it('treats null, "", [] and {} as not present', () => {
    for (const value of [undefined, null, '', [], {}]) {
      expect(matches('label pr', { label: value })).toBe(false);
    }
    expect(matches('label pr', { label: 'x' })).toBe(true);
    expect(matches('flag pr', { flag: false })).toBe(true);
    expect(matches('count pr', { count: 0 })).toBe(true);
  });

  it('reads eq null as "not present" and ne null as "present"', () => {
    expect(matches('label eq null', {})).toBe(true);
    expect(matches('label eq null', { label: '' })).toBe(true);
    expect(matches('label eq null', { label: 'x' })).toBe(false);
    expect(matches('label ne null', { label: 'x' })).toBe(true);
    expect(matches('label ne null', {})).toBe(false);
  });

  it('honours and, or and not', () => {
    const element = { label: 'a', code: 'B' };
    expect(matches('label eq "a" and code eq "B"', element)).toBe(true);
    expect(matches('label eq "a" and code eq "b"', element)).toBe(false);
    expect(matches('label eq "z" or code eq "B"', element)).toBe(true);
    expect(matches('not (label eq "a")', element)).toBe(false);
    expect(matches('label eq "z" or label eq "a" and code eq "x"', element)).toBe(false);
    expect(matches('(label eq "z" or label eq "a") and code eq "B"', element)).toBe(true);
  });

  describe('on whole resources with multi-valued attributes', () => {
    const user = {
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: "O'Malley" },
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
    };

    it('matches when any value matches', () => {
      expect(matches('emails.type eq "home"', user, userAttributes)).toBe(true);
      expect(matches('emails.value ew "@jensen.org"', user, userAttributes)).toBe(true);
    });

    it('reads a comparison on a multi-valued attribute as one on its value', () => {
      expect(matches('emails co "jensen.org"', user, userAttributes)).toBe(true);
      expect(matches('emails eq "bjensen@example.com"', user, userAttributes)).toBe(true);
    });

    it('applies every condition of a value path to the same value', () => {
      expect(
        matches('emails[type eq "work" and value co "jensen.org"]', user, userAttributes),
      ).toBe(false);
      expect(
        matches('emails.type eq "work" and emails.value co "jensen.org"', user, userAttributes),
      ).toBe(true);
      expect(
        matches('emails[type eq "home" and value co "jensen.org"]', user, userAttributes),
      ).toBe(true);
    });

    it('lets ne match when there are no values', () => {
      expect(matches('emails.type ne "work"', { userName: 'x' }, userAttributes)).toBe(true);
      expect(matches('emails.type ne "work"', { emails: [] }, userAttributes)).toBe(true);
      expect(matches('emails[type ne "work"]', { emails: [] }, userAttributes)).toBe(false);
    });

    it('tests a multi-valued attribute for values with pr', () => {
      expect(matches('emails pr', user, userAttributes)).toBe(true);
      expect(matches('emails pr', { emails: [] }, userAttributes)).toBe(false);
      expect(matches('emails.display pr', user, userAttributes)).toBe(false);
    });

    it('reaches sub-attributes of a single complex attribute', () => {
      expect(matches('name.familyName co "o\'mal"', user, userAttributes)).toBe(true);
      expect(matches('name[givenName sw "bar"]', user, userAttributes)).toBe(true);
      expect(matches('name[givenName ne "x"]', { userName: 'x' }, userAttributes)).toBe(false);
      expect(matches('name pr', user, userAttributes)).toBe(true);
    });
  });

  describe('refuses filters that cannot mean anything, with invalidFilter', () => {
    const cases: Array<[string, string, AttributeDefinition[], RegExp]> = [
      [
        'an unknown sub-attribute',
        'colour eq "red"',
        memberAttributes,
        /Unknown attribute "colour"/,
      ],
      [
        'an unknown sub-sub-attribute',
        'name.nickname pr',
        userAttributes,
        /"name" has no sub-attribute "nickname"/,
      ],
      [
        'a URN-qualified name',
        'urn:x:value eq "a"',
        memberAttributes,
        /Unknown attribute "urn:x:value"/,
      ],
      [
        'a number against a string',
        'value eq 5',
        memberAttributes,
        /"value" is a string attribute; .* not 5/,
      ],
      [
        'a string against a boolean',
        'flag eq "on"',
        custom,
        /"flag" is a boolean attribute; compare it with true or false/,
      ],
      ['gt on a boolean', 'flag gt false', custom, /only "eq" and "ne" apply to it, not "gt"/],
      ['co on a number', 'count co 1', custom, /"count" is a number; "co" applies to strings only/],
      ['a string against a number', 'count eq "1"', custom, /compare it with a number/],
      [
        'a bad date',
        'since gt "yesterday"',
        custom,
        /"since" is a dateTime attribute; .* not "yesterday"/,
      ],
      ['an impossible date', 'since gt "2023-02-29T00:00:00Z"', custom, /dateTime attribute/],
      ['co on a date', 'since co "2023"', custom, /"co" applies to strings only/],
      ['null with gt', 'label gt null', custom, /null can only be used with eq .* or ne/],
      [
        'a comparison on a complex attribute',
        'name eq "x"',
        userAttributes,
        /"name" is a complex attribute/,
      ],
      [
        'a value path on a simple attribute',
        'userName[value eq "x"]',
        userAttributes,
        /applies to a complex attribute/,
      ],
      ['the password', 'password eq "secret"', userAttributes, /"password" cannot be used here/],
    ];

    it.each(cases)('refuses %s', (_, filter, attributes, detail) => {
      const error = scimErrorOf(() => matches(filter, {}, attributes));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toMatch(detail);
    });
  });
});

describe('compileMatcher', () => {
  it('refuses a bad filter before seeing any element', () => {
    expect(() => compileMatcher(parseFilter('colour eq "red"'), memberAttributes)).toThrow(
      ScimError,
    );
  });

  it('reports errors with the factory it is given', () => {
    const error = scimErrorOf(() =>
      compileMatcher(parseFilter('colour eq "red"'), memberAttributes, invalidPath),
    );
    expect(error.scimType).toBe('invalidPath');
  });

  it('returns a predicate to test many elements', () => {
    const isWork = compileMatcher(parseFilter('type eq "work"'), emailAttributes);
    const emails = [{ type: 'home' }, { type: 'WORK' }, { value: 'x' }];
    expect(emails.filter(isWork)).toEqual([{ type: 'WORK' }]);
  });
});
