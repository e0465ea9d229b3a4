import fc from 'fast-check';
import type { FilterNode } from '../../src/scim/filter/ast';
import { ScimError } from '../../src/scim/errors';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
  parsePatchPath,
} from '../../src/scim/filter/parser';
import { scimErrorOf } from '../support/scim-errors';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function depthOf(node: FilterNode): number {
  switch (node.kind) {
    case 'and':
    case 'or':
      return 1 + Math.max(depthOf(node.left), depthOf(node.right));
    case 'not':
      return 1 + depthOf(node.operand);
    case 'valuePath':
      return 1 + depthOf(node.filter);
    default:
      return 1;
  }
}

/** Writes a tree back as filter text, parenthesizing every operand so the shape is unambiguous. */
function print(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${node.path} ${node.op} ${JSON.stringify(node.value)}`;
    case 'present':
      return `${node.path} pr`;
    case 'and':
    case 'or':
      return `(${print(node.left)}) ${node.kind} (${print(node.right)})`;
    case 'not':
      return `not (${print(node.operand)})`;
    case 'valuePath':
      return `${node.path}[${print(node.filter)}]`;
  }
}

describe('parseFilter', () => {
  it('parses a comparison into path, operator and value', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({
      kind: 'compare',
      path: 'userName',
      op: 'eq',
      value: 'bjensen',
    });
  });

  it('accepts every comparison operator in any letter case', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
      for (const written of [op, op.toUpperCase(), op[0]?.toUpperCase() + op.slice(1)]) {
        expect(parseFilter(`title ${written} "x"`)).toEqual({
          kind: 'compare',
          path: 'title',
          op,
          value: 'x',
        });
      }
    }
  });

  it('parses pr, and, or and not case-insensitively', () => {
    expect(parseFilter('title PR AND NOT (userType Eq "Intern") Or active eq TRUE')).toEqual({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'present', path: 'title' },
        right: {
          kind: 'not',
          operand: { kind: 'compare', path: 'userType', op: 'eq', value: 'Intern' },
        },
      },
      right: { kind: 'compare', path: 'active', op: 'eq', value: true },
    });
  });

  it('binds "and" tighter than "or"', () => {
    expect(parseFilter('a pr or b pr and c pr')).toEqual({
      kind: 'or',
      left: { kind: 'present', path: 'a' },
      right: {
        kind: 'and',
        left: { kind: 'present', path: 'b' },
        right: { kind: 'present', path: 'c' },
      },
    });
    expect(parseFilter('a pr and b pr or c pr')).toEqual({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'present', path: 'a' },
        right: { kind: 'present', path: 'b' },
      },
      right: { kind: 'present', path: 'c' },
    });
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual({
      kind: 'and',
      left: {
        kind: 'or',
        left: { kind: 'present', path: 'a' },
        right: { kind: 'present', path: 'b' },
      },
      right: { kind: 'present', path: 'c' },
    });
  });

  it('keeps short chains left-associative', () => {
    expect(parseFilter('a pr and b pr and c pr')).toEqual({
      kind: 'and',
      left: {
        kind: 'and',
        left: { kind: 'present', path: 'a' },
        right: { kind: 'present', path: 'b' },
      },
      right: { kind: 'present', path: 'c' },
    });
  });

  it('parses a value path whose inner filter combines conditions', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      kind: 'valuePath',
      path: 'emails',
      filter: {
        kind: 'and',
        left: { kind: 'compare', path: 'type', op: 'eq', value: 'work' },
        right: { kind: 'compare', path: 'value', op: 'co', value: '@example.com' },
      },
    });
  });

  it("reads Entra's sub-attribute after a value filter as a condition on the same element", () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@example.com"')).toEqual({
      kind: 'valuePath',
      path: 'emails',
      filter: {
        kind: 'and',
        left: { kind: 'compare', path: 'type', op: 'eq', value: 'work' },
        right: { kind: 'compare', path: 'value', op: 'eq', value: 'a@example.com' },
      },
    });
    expect(parseFilter('emails[type eq "work"].value pr')).toMatchObject({
      filter: { right: { kind: 'present', path: 'value' } },
    });
  });

  it('keeps sub-attributes, URN-qualified names and $ref as written', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toMatchObject({
      path: 'name.familyName',
    });
    expect(parseFilter(`${ENTERPRISE}:department eq "Sales"`)).toMatchObject({
      path: `${ENTERPRISE}:department`,
    });
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915"`)).toMatchObject({
      path: `${ENTERPRISE}:manager.value`,
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toMatchObject(
      {
        path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName',
      },
    );
    expect(parseFilter('members[$ref eq "https://x/Users/1"]')).toMatchObject({
      filter: { path: '$ref' },
    });
    expect(parseFilter('x509Certificates.value pr')).toMatchObject({
      path: 'x509Certificates.value',
    });
  });

  it('decodes JSON string escapes', () => {
    const value = (text: string) => (parseFilter(`title eq ${text}`) as { value: unknown }).value;
    expect(value('"a\\"b"')).toBe('a"b');
    expect(value('"back\\\\slash"')).toBe('back\\slash');
    expect(value('"a\\/b\\n\\t\\r\\b\\f"')).toBe('a/b\n\t\r\b\f');
    expect(value('"caf\\u00e9"')).toBe('café');
    expect(value('"\\ud83d\\ude00"')).toBe('😀');
    expect(value('"100% ;-- \' _"')).toBe("100% ;-- ' _");
    expect(value('""')).toBe('');
  });

  it('reads numbers and the literals true, false and null in any case', () => {
    const value = (text: string) => (parseFilter(`x eq ${text}`) as { value: unknown }).value;
    expect(value('42')).toBe(42);
    expect(value('-1.5e3')).toBe(-1500);
    expect(value('2E+2')).toBe(200);
    expect(value('0.25')).toBe(0.25);
    expect(value('true')).toBe(true);
    expect(value('False')).toBe(false);
    expect(value('NULL')).toBeNull();
  });

  it('parses every example filter of RFC 7644 §3.4.2.2', () => {
    const examples = [
      'userName eq "bjensen"',
      'name.familyName co "O\'Malley"',
      'userName sw "J"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and (emails.type eq "work")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ];
    for (const example of examples) expect(() => parseFilter(example)).not.toThrow();
  });

  it('tolerates missing or extra whitespace around punctuation', () => {
    expect(parseFilter('  (title pr)and(userName eq"x")  ')).toEqual(
      parseFilter('(title pr) and (userName eq "x")'),
    );
  });

  it('treats "not" as an attribute name when an operator follows it', () => {
    expect(parseFilter('not eq "x"')).toEqual({
      kind: 'compare',
      path: 'not',
      op: 'eq',
      value: 'x',
    });
  });

  it('builds long chains as shallow balanced trees', () => {
    const node = parseFilter(Array.from({ length: 1000 }, () => 'a pr').join(' and '));
    expect(depthOf(node)).toBeLessThanOrEqual(12);
  });

  it('reads back the tree it was given, for random well-formed filters', () => {
    const path = fc.constantFrom(
      'userName',
      'name.givenName',
      'emails',
      `${ENTERPRISE}:manager.value`,
      '$ref',
    );
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
    const tree = fc.letrec<{ node: FilterNode; inner: FilterNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        tie('inner'),
        fc.record({ kind: fc.constant('valuePath' as const), path, filter: tie('inner') }),
        fc.record({ kind: fc.constant('not' as const), operand: tie('node') }),
        fc.record({
          kind: fc.constantFrom('and' as const, 'or' as const),
          left: tie('node'),
          right: tie('node'),
        }),
      ),
      inner: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ kind: fc.constant('compare' as const), path, op, value }),
        fc.record({ kind: fc.constant('present' as const), path }),
        fc.record({ kind: fc.constant('not' as const), operand: tie('inner') }),
        fc.record({
          kind: fc.constantFrom('and' as const, 'or' as const),
          left: tie('inner'),
          right: tie('inner'),
        }),
      ),
    })).node;

    fc.assert(
      fc.property(tree, (node) => {
        const text = print(node);
        fc.pre(text.length <= MAX_FILTER_LENGTH);
        expect(parseFilter(text)).toEqual(JSON.parse(JSON.stringify(node)));
      }),
      { numRuns: 300 },
    );
  });

  describe('refuses malformed filters with invalidFilter, saying what, where and what was found', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['an empty filter', '   ', /The filter is empty/],
      [
        'a missing operator',
        'userName',
        /Expected an operator \(eq, ne, .* or pr\) after "userName" at position 9, but found the end of the filter/,
      ],
      [
        'an unknown operator',
        'userName equals "x"',
        /Expected an operator .* at position 10, but found "equals"/,
      ],
      [
        'a missing value',
        'userName eq',
        /Expected a value .* after "eq" at position 12, but found the end of the filter/,
      ],
      [
        'an unquoted string',
        'userName eq bjensen',
        /at position 13, but found "bjensen"\. Strings must be in double quotes/,
      ],
      [
        'a single-quoted string',
        "userName eq 'bjensen'",
        /Unexpected character "'" at position 13\. String values must be in double quotes/,
      ],
      [
        'an unterminated string',
        'userName eq "bjensen',
        /string starting at position 13 is not closed/,
      ],
      ['a bad escape', 'userName eq "a\\qb"', /Invalid escape sequence "\\q" at position 15/],
      [
        'a short \\u escape',
        'userName eq "\\u12"',
        /\\u must be followed by four hexadecimal digits/,
      ],
      [
        'a raw control character in a string',
        'userName eq "a\u0001"',
        /raw control character at position 15/,
      ],
      ['a malformed number', 'age eq 12abc', /"12abc" at position 8 is not a valid number/],
      ['a number with a leading zero', 'age eq 012', /"012" at position 8 is not a valid number/],
      [
        'an unclosed parenthesis',
        '(userName eq "x"',
        /Expected "and", "or" or "\)" \(closing the "\(" at position 1\) at position 17, but found the end of the filter/,
      ],
      [
        'an unmatched closing parenthesis',
        'userName eq "x")',
        /Unexpected "\)" at position 16: there is no "\(" for it to close/,
      ],
      [
        '"not" without parentheses',
        'not userName eq "x"',
        /Expected "\(" after "not" at position 1 .* at position 5, but found "userName"/,
      ],
      [
        'an unclosed value filter',
        'emails[type eq "work"',
        /"]" \(closing the "\[" at position 7\) at position 22, but found the end of the filter/,
      ],
      [
        'a sub-attribute after a value filter without an operator',
        'emails[type eq "work"].value',
        /Expected an operator .* after "\.value"/,
      ],
      [
        'a nested value filter',
        'emails[type[value eq "x"] eq "y"]',
        /Unexpected "\[" at position 12: value filters cannot be nested/,
      ],
      [
        'a dangling "and"',
        'userName eq "x" and',
        /Expected an attribute path, "not" or "\(" at position 20, but found the end of the filter/,
      ],
      [
        'two expressions with no "and"/"or"',
        'userName eq "x" title pr',
        /Expected "and", "or" or the end of the filter at position 17, but found "title"/,
      ],
      [
        'a value in attribute position',
        '5 eq 5',
        /Expected an attribute path, "not" or "\(" at position 1, but found the number 5/,
      ],
      ['a string in attribute position', '"x" eq "y"', /at position 1, but found the string "x"/],
      [
        'an empty sub-attribute',
        'name..givenName pr',
        /"name\.\.givenName" at position 1 is not a valid attribute path/,
      ],
      ['two sub-attributes', 'name.givenName.x pr', /only one sub-attribute may follow/],
      ['a path ending in a colon', 'urn:x: pr', /ends without an attribute name/],
      ['a stray character', 'userName eq "x" # comment', /Unexpected character "#" at position 17/],
      [
        'an empty value filter',
        'emails[]',
        /Expected an attribute path, "not" or "\(" at position 8, but found "]"/,
      ],
      ['typographic quotes', 'userName eq \u201cx\u201d', /typographic quotes/],
    ];

    it.each(cases)('refuses %s', (_, filter, detail) => {
      const error = scimErrorOf(() => parseFilter(filter));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toMatch(detail);
    });
  });

  it('refuses nesting deeper than the limit, and accepts it up to the limit', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}title pr${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toEqual({ kind: 'present', path: 'title' });

    const error = scimErrorOf(() => parseFilter(nested(MAX_FILTER_DEPTH + 1)));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(
      `more than ${MAX_FILTER_DEPTH} levels deep (at position ${MAX_FILTER_DEPTH + 1})`,
    );

    const notChain = `${'not ('.repeat(5000)}title pr${')'.repeat(5000)}`.slice(
      0,
      MAX_FILTER_LENGTH,
    );
    expect(scimErrorOf(() => parseFilter(notChain)).detail).toMatch(/levels deep/);
  });

  it('refuses filters longer than the limit without parsing them', () => {
    const error = scimErrorOf(() => parseFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(`the limit is ${MAX_FILTER_LENGTH}`);
  });

  it('quotes at most a short excerpt of a huge token in errors', () => {
    const error = scimErrorOf(() => parseFilter(`userName ${'q'.repeat(5000)} "x"`));
    expect(error.detail.length).toBeLessThan(300);
  });

  it('handles hostile input of the maximum length quickly', () => {
    const started = Date.now();
    const inputs = [
      'a pr and '.repeat(1110) + 'a pr',
      '"'.repeat(MAX_FILTER_LENGTH),
      '\\'.repeat(MAX_FILTER_LENGTH),
      `title eq "${'\\u0041'.repeat(1600)}"`,
      `title eq 1${'0'.repeat(MAX_FILTER_LENGTH - 20)}`,
      'emails['.repeat(1400),
      'x'.repeat(MAX_FILTER_LENGTH),
      `title eq ${'-'.repeat(MAX_FILTER_LENGTH - 9)}`,
    ];
    for (const input of inputs) {
      try {
        parseFilter(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
      }
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('never throws anything but a 400 invalidFilter for random text', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom(...'()[]"\\.:$-_ aeqnotprd0129.+E\u0000\u00e9'.split('')),
        maxLength: 120,
      }),
      fc
        .array(
          fc.constantFrom(
            'userName',
            'eq',
            'pr',
            'and',
            'or',
            'not',
            '(',
            ')',
            '[',
            ']',
            '"x"',
            '"',
            '1',
            '-1.5e3',
            'true',
            'null',
            'emails',
            '.value',
            'type',
            `${ENTERPRISE}:manager.value`,
            ' ',
            '\\u00',
          ),
          { maxLength: 40 },
        )
        .map((tokens) => tokens.join(' ')),
    );
    fc.assert(
      fc.property(junk, (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).status).toBe(400);
          expect((error as ScimError).scimType).toBe('invalidFilter');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parsePatchPath', () => {
  it('parses a plain and a dotted attribute path', () => {
    expect(parsePatchPath('displayName')).toEqual({
      attributePath: 'displayName',
      valueFilter: null,
      subAttribute: null,
    });
    expect(parsePatchPath('name.givenName')).toEqual({
      attributePath: 'name.givenName',
      valueFilter: null,
      subAttribute: null,
    });
  });

  it('parses a value filter', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      attributePath: 'members',
      valueFilter: {
        kind: 'compare',
        path: 'value',
        op: 'eq',
        value: '2819c223-7f76-453a-919d-413861904646',
      },
      subAttribute: null,
    });
  });

  it('parses a value filter followed by a sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      attributePath: 'emails',
      valueFilter: { kind: 'compare', path: 'type', op: 'eq', value: 'work' },
      subAttribute: 'value',
    });
  });

  it('parses URN-qualified paths, with and without a sub-attribute', () => {
    expect(parsePatchPath(`${ENTERPRISE}:manager`).attributePath).toBe(`${ENTERPRISE}:manager`);
    expect(parsePatchPath(`${ENTERPRISE}:manager.value`).attributePath).toBe(
      `${ENTERPRISE}:manager.value`,
    );
    expect(parsePatchPath(ENTERPRISE).attributePath).toBe(ENTERPRISE);
    expect(
      parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]'),
    ).toMatchObject({
      attributePath: 'urn:ietf:params:scim:schemas:core:2.0:User:emails',
      valueFilter: { kind: 'compare', path: 'type' },
    });
  });

  it('accepts a complex value filter', () => {
    expect(
      parsePatchPath('emails[type eq "work" and not (primary eq false)].display').valueFilter,
    ).toEqual({
      kind: 'and',
      left: { kind: 'compare', path: 'type', op: 'eq', value: 'work' },
      right: { kind: 'not', operand: { kind: 'compare', path: 'primary', op: 'eq', value: false } },
    });
  });

  const badPaths: Array<[string, RegExp]> = [
    ['', /The path is empty/],
    [
      'emails[type eq "work"',
      /"]" \(closing the "\[" at position 7\) at position 22, but found the end of the path/,
    ],
    ['emails[type eq "work"].', /"\." at position 23 is not a valid sub-attribute/],
    ['emails[type eq "work"].value.display', /is not a valid sub-attribute/],
    [
      'emails[type eq "work"] extra',
      /Expected the end of the path or "\.subAttribute" at position 24, but found "extra"/,
    ],
    ['name.givenName extra', /Expected the end of the path .* at position 16, but found "extra"/],
    ['emails[type eq]', /Expected a value .* after "eq" at position 15, but found "]"/],
    [
      '[type eq "work"]',
      /Expected an attribute path such as name.givenName at position 1, but found "\["/,
    ],
    ['name..givenName', /not a valid attribute path/],
    ['"members"', /Expected an attribute path .* but found the string "members"/],
  ];

  it.each(badPaths)('refuses %j with invalidPath', (path, detail) => {
    const error = scimErrorOf(() => parsePatchPath(path));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toMatch(detail);
  });

  it('never throws anything but a 400 invalidPath for random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        try {
          parsePatchPath(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).scimType).toBe('invalidPath');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
