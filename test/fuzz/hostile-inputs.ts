import fc from 'fast-check';

/**
 * Generators of hostile HTTP requests for the SCIM surface: bodies for every
 * write route, filters and list parameters for every read route, and raw
 * bytes that are not even UTF-8. They build on the shapes IdPs really send
 * (most inputs are one or two mutations away from a valid request), so that
 * the fuzz reaches the handlers and not only the first guard.
 *
 * Bodies are built as JSON text by hand: a plain object cannot carry a
 * `__proto__` key or a key twice, and hostile clients send both.
 */

export interface HostileRequest {
  method: string;
  /** Relative to /scim/v2, or absolute when it starts with /admin or /auth. */
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
  /** What kind of input this is, for the statistics and for failure messages. */
  kind: string;
  /** Invalid UTF-8, which must be refused (400) whatever else the body says. */
  invalidUtf8?: boolean;
}

/** Ids the harness replaces with the fixture's real user and group of the current tenant. */
export const USER_ID = '{{user}}';
export const GROUP_ID = '{{group}}';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

// --- JSON text that objects cannot express -----------------------------------

/** A JSON value as a tree, so that keys may repeat and be named `__proto__`. */
export type Json =
  | string
  | number
  | boolean
  | null
  | { array: Json[] }
  | { object: Array<[string, Json]> }
  | { raw: string };

export function toJsonText(value: Json): string {
  if (value === null || typeof value !== 'object') {
    // JSON has no NaN or Infinity; a client that tries sends something like this.
    return typeof value === 'number' && !Number.isFinite(value) ? '1e400' : JSON.stringify(value);
  }
  if ('raw' in value) return value.raw;
  if ('array' in value) return `[${value.array.map(toJsonText).join(',')}]`;

  return `{${value.object.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
}

const obj = (...pairs: Array<[string, Json]>): Json => ({ object: pairs });
const arr = (...items: Json[]): Json => ({ array: items });

// --- hostile atoms -------------------------------------------------------------

const SQL_METACHARACTERS = [
  "'",
  "''",
  '"',
  '\\',
  '\\"',
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '$1',
  '$$',
  '::text',
  "' or '1'='1",
  "') or ('1'='1",
  '" or "1"="1',
  "'; drop table users; --",
  "x'); select pg_sleep(30); --",
  "' union select token_hash from scim_tokens --",
  "E'\\x00'",
  '`',
  '\\x27',
  '%27',
  "1' and 1=cast((select version()) as int) --",
];

const ODD_TEXT = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u202d',
  '\u200b\u200d\ufeff',
  '𝓊𝓈𝑒𝓇',
  'Zoë Ångström',
  '\u0130i\u0131I',
  'null',
  'undefined',
  'true',
  'NaN',
  '-0',
  '1e400',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
];

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQL_METACHARACTERS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_TEXT) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  {
    weight: 1,
    // Around the 64 KiB limit on one string value, and the 1 MiB limit on a body.
    arbitrary: fc
      .constantFrom(1024, 65_535, 65_536, 65_537, 300_000, 1_100_000)
      .chain((length) =>
        fc
          .constantFrom('x', 'é', '😀', "'")
          .map((unit) => unit.repeat(Math.ceil(length / unit.length))),
      ),
  },
  {
    weight: 1,
    // Text that does not compress, around the size of an index entry (about 2.7 KB) on the
    // columns resources are looked up by: a repeated letter compresses far below it.
    arbitrary: fc
      .tuple(fc.constantFrom(2_000, 2_100, 3_000, 10_000), fc.integer())
      .map(([length, seed]) => incompressible(length, seed)),
  },
);

/** Pseudo-random letters and digits from `seed`, so a failing input can be replayed. */
function incompressible(length: number, seed: number): string {
  let state = seed >>> 0 || 1;
  let text = '';
  while (text.length < length) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    text += state.toString(36);
  }

  return text.slice(0, length);
}

const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'schemas',
      'Schemas',
      'USERNAME',
      'userName',
      'id',
      'meta',
      'groups',
      'emails',
      'active',
      'password',
      'members',
      'externalId',
      `${ENTERPRISE}:manager`,
      'name.givenName',
      'emails[type eq "work"].value',
    ),
  },
  { weight: 2, arbitrary: hostileText },
);

/** A number where a string belongs, a string where a number or boolean belongs, and so on. */
const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    0,
    -1,
    1.5,
    1e308,
    -0,
    2 ** 53 + 1,
    true,
    false,
    null,
    { raw: '1e400' },
    { raw: '-1e-400' },
  ),
  fc.constantFrom<Json>('true', 'False', '1', '0', '', '[]', '{}', 'null'),
  fc.constant<Json>(arr()),
  fc.constant<Json>(obj()),
  fc.integer().map((n): Json => n),
  fc.double().map((n): Json => n),
);

/** Deep nesting, from just past the service's depth limit to far past any stack. */
const deepNesting: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(33, 64, 1_000, 20_000, 100_000), fc.constantFrom('array', 'object'))
  .map(
    ([depth, kind]): Json => ({
      raw:
        kind === 'array'
          ? '['.repeat(depth) + ']'.repeat(depth)
          : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    }),
  );

/** Arrays around the limits on values of one attribute (1,000) and members of one request (100,000). */
const hugeArray: fc.Arbitrary<Json> = fc
  .tuple(
    fc.constantFrom(1_001, 5_000, 70_000, 100_001),
    fc.constantFrom('{"value":"a@example.com"}', '"x"', '{"value":"usr_x"}', '0'),
  )
  .map(([length, item]): Json => ({ raw: `[${new Array(length).fill(item).join(',')}]` }));

export const hostileValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: hostileText },
    { weight: 3, arbitrary: wrongType },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: hugeArray },
    {
      weight: 2,
      arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items): Json => ({ array: items })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(hostileKey, tie('value')), { maxLength: 3 })
        .map((pairs): Json => ({ object: pairs })),
    },
  ),
})).value;

// --- resources that IdPs send, then broken --------------------------------------

function userTemplate(userName: string): Array<[string, Json]> {
  return [
    ['schemas', arr(USER_SCHEMA, ENTERPRISE)],
    ['userName', userName],
    ['externalId', `ext-${userName}`],
    ['active', true],
    ['name', obj(['givenName', 'Ada'], ['familyName', 'Nwosu'])],
    ['emails', arr(obj(['value', userName], ['type', 'work'], ['primary', true]))],
    ['displayName', 'Ada Nwosu'],
    [ENTERPRISE, obj(['department', 'Ops'], ['manager', obj(['value', 'usr_x'])])],
  ];
}

/** Replaces, adds, duplicates or removes members of an object template. */
function mutated(template: Array<[string, Json]>): fc.Arbitrary<Json> {
  const mutation = fc.oneof(
    fc.tuple(fc.constant('replace' as const), fc.nat(template.length - 1), hostileValue),
    fc.tuple(fc.constant('add' as const), hostileKey, hostileValue),
    fc.tuple(fc.constant('duplicate' as const), fc.nat(template.length - 1), hostileValue),
    fc.tuple(fc.constant('remove' as const), fc.nat(template.length - 1), fc.constant(null)),
    fc.tuple(fc.constant('retype' as const), fc.nat(template.length - 1), wrongType),
  );

  return fc.array(mutation, { maxLength: 3 }).map((mutations) => {
    const pairs = [...template];
    for (const [kind, where, value] of mutations) {
      const index = typeof where === 'number' ? where % pairs.length : 0;
      if (kind === 'add') pairs.push([where as string, value]);
      else if (kind === 'duplicate') pairs.push([pairs[index]![0], value]);
      else if (kind === 'remove') pairs.splice(index, 1);
      else pairs[index] = [pairs[index]![0], value];
      if (pairs.length === 0) break;
    }

    return { object: pairs };
  });
}

const userName = fc
  .tuple(fc.constantFrom('ada', "o'brien", 'zoë', 'x'), fc.nat(1_000_000))
  .map(([local, n]) => `${local}.${n}@example.com`);

const userBody = userName.chain((name) => mutated(userTemplate(name)));

const groupBody = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.array(fc.oneof(fc.constant(USER_ID), hostileText), { maxLength: 4 }),
  )
  .chain(([name, members]) =>
    mutated([
      ['schemas', arr(GROUP_SCHEMA)],
      ['displayName', `Team ${name}`],
      ['members', { array: members.map((value) => obj(['value', value])) }],
    ]),
  );

// --- filters, with SQL metacharacters in every position ----------------------

const attributePath = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'userName',
      'displayName',
      'externalId',
      'emails',
      'emails.value',
      'name.givenName',
      'active',
      'meta.lastModified',
      'members',
      'members.value',
      'id',
      'groups',
      `${ENTERPRISE}:department`,
      `${USER_SCHEMA}:userName`,
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...SQL_METACHARACTERS).map((meta) => `userName${meta}`) },
  { weight: 1, arbitrary: hostileText },
);

const operator = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Co'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...SQL_METACHARACTERS, 'like', 'ilike', '=', 'regex', 'in'),
  },
);

const comparisonValue = fc.oneof(
  fc.constantFrom(...SQL_METACHARACTERS).map((meta) => JSON.stringify(`a${meta}b`)),
  fc.constantFrom(...SQL_METACHARACTERS).map((meta) => `"${meta}"`),
  hostileText.map((text) => JSON.stringify(text)),
  fc.constantFrom(
    'true',
    'false',
    'null',
    '1',
    '-1.5e3',
    '1e400',
    '"2024-01-01T00:00:00Z"',
    '"\\u0000"',
    '"\\ud800"',
    "'single'",
    'unquoted',
  ),
  fc.double().map(String),
);

export const hostileFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    {
      weight: 5,
      arbitrary: fc.tuple(attributePath, operator, comparisonValue).map((parts) => parts.join(' ')),
    },
    { weight: 1, arbitrary: attributePath.map((path) => `${path} pr`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          attributePath,
          attributePath,
          operator,
          comparisonValue,
          fc.option(attributePath, { nil: undefined }),
        )
        .map(
          ([outer, inner, op, value, sub]) =>
            `${outer}[${inner} ${op} ${value}]${sub === undefined ? '' : `.${sub}`}`,
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', ';', '||', '--'), tie('filter'))
        .map((parts) => parts.join(' ')),
    },
    { weight: 1, arbitrary: tie('filter').map((inner) => `not (${inner})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('(', ')', '[', ']', '((((', '))))'), tie('filter'))
        .map(([paren, inner]) => `${paren}${inner}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .nat(3000)
        .map((depth) => `${'('.repeat(depth)}userName eq "x"${')'.repeat(depth)}`),
    },
    { weight: 1, arbitrary: hostileText },
  ),
})).filter;

const listParameter = fc.oneof(
  hostileFilter.map((filter) => ['filter', filter] as const),
  fc.tuple(
    fc.constantFrom('sortBy', 'attributes', 'excludedAttributes'),
    fc.oneof(attributePath, hostileText),
  ),
  fc.tuple(
    fc.constantFrom('startIndex', 'count'),
    fc.oneof(
      fc.constantFrom('0', '-1', '1e3', 'abc', '99999999999999999999', ' 1', '1.5', "1'", ''),
      fc.integer().map(String),
    ),
  ),
  fc.tuple(
    fc.constantFrom('sortOrder', 'cursor'),
    fc.oneof(fc.constantFrom('ascending', 'DESC', '', 'eyJ4IjoxfQ'), hostileText),
  ),
);

// --- requests --------------------------------------------------------------------

/** Percent-encodes text; a lone surrogate goes as its three WTF-8 bytes, which are not UTF-8. */
function encode(text: string): string {
  return text.replace(/[\ud800-\udfff]|[^\ud800-\udfff]+/g, (part) => {
    if (part.length > 1 || part.isWellFormed()) return encodeURIComponent(part);
    const unit = part.charCodeAt(0);
    const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];

    return bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  });
}

const listRequest: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom('/Users', '/Groups'),
    fc.array(listParameter, { minLength: 1, maxLength: 4 }),
  )
  .map(([collection, parameters]) => ({
    method: 'GET',
    path: `${collection}?${parameters.map(([name, value]) => `${name}=${encode(value)}`).join('&')}`,
    kind: 'list query',
  }));

const searchRequest: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom('/Users/.search', '/Groups/.search', '/.search'),
    fc.array(
      fc.oneof(
        hostileFilter.map((filter): [string, Json] => ['filter', filter]),
        fc.tuple(
          fc.constantFrom(
            'filter',
            'sortBy',
            'sortOrder',
            'attributes',
            'excludedAttributes',
            'startIndex',
            'count',
            'cursor',
          ),
          hostileValue,
        ),
        fc.tuple(hostileKey, hostileValue),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([path, pairs]) => ({
    method: 'POST',
    path,
    body: toJsonText({ object: [['schemas', arr(SEARCH)], ...pairs] }),
    kind: 'search body',
  }));

const patchPath = fc.oneof(
  fc.constantFrom(
    'title',
    'active',
    'userName',
    'displayName',
    'name.givenName',
    'emails',
    'emails[type eq "work"].value',
    'members',
    `${ENTERPRISE}:manager`,
    'id',
    'meta.created',
    '__proto__',
    'constructor.prototype',
    '__proto__.polluted',
  ),
  hostileFilter.map((filter) => `emails[${filter}].value`),
  hostileFilter.map((filter) => `members[${filter}]`),
  hostileText,
);

const patchOperation: fc.Arbitrary<Json> = fc
  .record(
    {
      op: fc.oneof(
        fc.constantFrom<Json>('add', 'Replace', 'remove', 'REPLACE'),
        wrongType,
        hostileText,
      ),
      path: fc.oneof(
        patchPath.map((path): Json => path),
        wrongType,
      ),
      value: hostileValue,
    },
    { requiredKeys: ['op'] },
  )
  .map((operation) => ({ object: Object.entries(operation) as Array<[string, Json]> }));

const patchBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(patchOperation, { minLength: 1, maxLength: 4 })
      .map(
        (operations): Json =>
          obj(['schemas', arr(PATCH_OP)], ['Operations', { array: operations }]),
      ),
  },
  {
    weight: 1,
    arbitrary: hostileValue.map(
      (operations): Json => obj(['schemas', arr(PATCH_OP)], ['Operations', operations]),
    ),
  },
  {
    weight: 1,
    arbitrary: mutated([
      ['schemas', arr(PATCH_OP)],
      ['Operations', arr(obj(['op', 'replace'], ['value', obj(['active', false])]))],
    ]),
  },
);

/** Mostly the fixture's own resource of the collection, so that the request reaches its handler. */
const resourceId = (own: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constantFrom(USER_ID, GROUP_ID) },
    { weight: 1, arbitrary: hostileText.map(encode) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%ZZ',
        '%00',
        '..%2F..%2Fadmin',
        'usr_01aaaaaaaaaaaaaaaaaaaaaaaa',
        'x'.repeat(10_000),
      ),
    },
  );
const resource = fc.oneof(
  resourceId(USER_ID).map((id) => `/Users/${id}`),
  resourceId(GROUP_ID).map((id) => `/Groups/${id}`),
);

/** Operations an IdP could send, carrying hostile text as data: most are stored. */
const plausiblePatch: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('replace', 'add', 'Replace'),
        fc.constantFrom(
          'title',
          'displayName',
          'nickName',
          'name.givenName',
          'emails[type eq "work"].value',
          `${ENTERPRISE}:department`,
          'addresses[type eq "work"].locality',
        ),
        fc.oneof(hostileText, fc.constantFrom(...SQL_METACHARACTERS)),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((operations) => ({
      method: 'PATCH',
      path: `/Users/${USER_ID}`,
      body: toJsonText(
        obj(
          ['schemas', arr(PATCH_OP)],
          [
            'Operations',
            {
              array: operations.map(([op, path, value]) =>
                obj(['op', op], ['path', path], ['value', value]),
              ),
            },
          ],
        ),
      ),
      kind: 'plausible patch',
    })),
  fc.tuple(fc.constantFrom(...SQL_METACHARACTERS), hostileText).map(([meta, text]) => ({
    method: 'PATCH',
    path: `/Groups/${GROUP_ID}`,
    body: toJsonText(
      obj(
        ['schemas', arr(PATCH_OP)],
        [
          'Operations',
          arr(
            obj(['op', 'replace'], ['path', 'displayName'], ['value', `${text}${meta}`]),
            obj(['op', 'remove'], ['path', `members[value eq "${meta}"]`]),
          ),
        ],
      ),
    ),
    kind: 'plausible patch',
  })),
);

const writeRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  userBody.map((body) => ({
    method: 'POST',
    path: '/Users',
    body: toJsonText(body),
    kind: 'user create',
  })),
  groupBody.map((body) => ({
    method: 'POST',
    path: '/Groups',
    body: toJsonText(body),
    kind: 'group create',
  })),
  fc
    .tuple(resourceId(USER_ID), userBody)
    .map(([id, body]) => ({
      method: 'PUT',
      path: `/Users/${id}`,
      body: toJsonText(body),
      kind: 'user replace',
    })),
  fc
    .tuple(resourceId(GROUP_ID), groupBody)
    .map(([id, body]) => ({
      method: 'PUT',
      path: `/Groups/${id}`,
      body: toJsonText(body),
      kind: 'group replace',
    })),
  fc
    .tuple(resource, patchBody)
    .map(([path, body]) => ({ method: 'PATCH', path, body: toJsonText(body), kind: 'patch' })),
  plausiblePatch,
  fc.tuple(fc.constantFrom('GET', 'GET', 'GET', 'DELETE'), resource).map(([method, path]) => ({
    method,
    path,
    kind: `${method.toLowerCase()} by id`,
  })),
);

const bulkRequest: fc.Arbitrary<HostileRequest> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom<Json>('POST', 'PATCH', 'PUT', 'DELETE'), wrongType),
      fc.oneof(
        fc.constantFrom<Json>(
          '/Users',
          '/Groups',
          `/Users/${USER_ID}`,
          `/Groups/${GROUP_ID}`,
          '/Users/bulkId:a',
        ),
        hostileValue,
      ),
      fc.oneof(userBody, patchBody, hostileValue),
      fc.oneof(fc.constant<Json>('a'), hostileValue),
    ),
    { maxLength: 4 },
  )
  .map((operations) => ({
    method: 'POST',
    path: '/Bulk',
    body: toJsonText(
      obj(
        ['schemas', arr(BULK)],
        [
          'Operations',
          {
            array: operations.map(([method, path, data, bulkId]) =>
              obj(['method', method], ['path', path], ['data', data], ['bulkId', bulkId]),
            ),
          },
        ],
      ),
    ),
    kind: 'bulk',
  }));

/** Bytes no UTF-8 decoder should accept, placed inside a string of an otherwise valid body. */
const INVALID_UTF8: number[][] = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xff],
  [0xe2, 0x82],
];

const invalidUtf8Request: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom(
      {
        method: 'POST',
        path: '/Users',
        body: () => toJsonText(obj(['schemas', arr(USER_SCHEMA)], ['userName', 'BYTES'])),
      },
      {
        method: 'PATCH',
        path: `/Users/${USER_ID}`,
        body: () =>
          toJsonText(
            obj(
              ['schemas', arr(PATCH_OP)],
              ['Operations', arr(obj(['op', 'replace'], ['path', 'title'], ['value', 'BYTES']))],
            ),
          ),
      },
      {
        method: 'POST',
        path: '/Bulk',
        body: () =>
          toJsonText(
            obj(
              ['schemas', arr(BULK)],
              [
                'Operations',
                arr(
                  obj(
                    ['method', 'POST'],
                    ['path', '/Users'],
                    ['bulkId', 'b'],
                    ['data', obj(['schemas', arr(USER_SCHEMA)], ['userName', 'BYTES'])],
                  ),
                ),
              ],
            ),
          ),
      },
      {
        method: 'POST',
        path: '/Users/.search',
        body: () => toJsonText(obj(['schemas', arr(SEARCH)], ['filter', 'userName eq "BYTES"'])),
      },
    ),
    fc.constantFrom(...INVALID_UTF8),
    fc.nat(1_000_000),
  )
  .map(([route, bytes, n]) => {
    const [before, after] = route.body().split('BYTES') as [string, string];
    const body = Buffer.concat([
      Buffer.from(`${before}u${n}`),
      Buffer.from(bytes),
      Buffer.from(`@example.com${after}`),
    ]);

    return {
      method: route.method,
      path: route.path,
      body,
      kind: 'invalid UTF-8',
      invalidUtf8: true,
    };
  });

const malformedBody: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom('/Users', `/Users/${USER_ID}`, '/Groups', '/Bulk', '/.search'),
    fc.oneof(
      fc.constantFrom(
        '',
        '{',
        '{"schemas":',
        'null',
        '[]',
        '"text"',
        '1',
        '\ufeff{}',
        '{"a":1}}',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
      ),
      fc.string({ unit: 'binary', maxLength: 64 }),
    ),
    fc.constantFrom(
      'application/scim+json',
      'application/json',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ),
  )
  .map(([path, body, contentType]) => ({
    method: path.startsWith(`/Users/`) ? 'PUT' : 'POST',
    path,
    body,
    contentType,
    kind: 'malformed body',
  }));

/** Platform and admin bodies that reach the same database. */
const adminRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  hostileValue.map((token) => ({
    method: 'POST',
    path: '/auth/v1/introspect',
    body: toJsonText(obj(['token', token])),
    kind: 'introspect',
  })),
  fc.tuple(hostileValue, hostileValue).map(([subject, email]) => ({
    method: 'POST',
    path: '/auth/v1/tenants/{{tenant}}/sso-logins',
    body: toJsonText(obj(['subject', subject], ['email', email])),
    kind: 'sso login',
  })),
  fc.tuple(hostileValue, hostileValue).map(([groupId, role]) => ({
    method: 'POST',
    path: '/admin/v1/tenants/{{tenant}}/scim/group-role-mapping:preview',
    body: toJsonText(
      obj(
        ['group_role_mapping', arr(obj(['group_id', groupId], ['role', role]))],
        ['default_role', role],
      ),
    ),
    kind: 'mapping preview',
  })),
);

/** Counterexamples are printed cut short: a 1 MiB body would drown the report. */
function printable(request: HostileRequest): HostileRequest {
  const cut = (text: string) =>
    text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? cut(request.body)
        : `<${request.body.length} bytes>`;

  return Object.defineProperty(request, fc.toStringMethod, {
    value: () => `${request.kind}: ${request.method} ${cut(request.path)} ${body}`,
    enumerable: false,
  });
}

/** Every kind of hostile request, weighted towards the SCIM write and read paths. */
export const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .oneof(
    { weight: 8, arbitrary: writeRequest },
    { weight: 4, arbitrary: listRequest },
    { weight: 3, arbitrary: searchRequest },
    { weight: 2, arbitrary: bulkRequest },
    { weight: 2, arbitrary: invalidUtf8Request },
    { weight: 2, arbitrary: malformedBody },
    { weight: 1, arbitrary: adminRequest },
  )
  .map(printable);
