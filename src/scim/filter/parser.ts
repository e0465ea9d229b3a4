import type { CompareOperator, CompareValue, FilterNode, PatchPath } from './ast';
import type { ErrorFactory, Token } from './lexer';
import type { ScimError } from '../errors';
import { describeToken, excerpt, tokenize } from './lexer';
import { invalidFilter, invalidPath } from '../errors';

/**
 * Parsers for the filter grammar of RFC 7644 §3.4.2.2 and the PATCH path
 * grammar of RFC 7644 §3.5.2.
 *
 * Both are hand-written recursive descent over the tokens of lexer.ts. The
 * input is bounded in length and nesting depth, and chains of `and` / `or`
 * are built as balanced trees, so neither parsing nor the consumers that
 * walk the tree recurse deeply whatever a client sends.
 */

/** Longer filters are refused outright; real clients send a few hundred characters at most. */
export const MAX_FILTER_LENGTH = 10_000;

/** Deepest nesting of `(`, `not (` and `[` accepted. */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);

const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

/** ATTRNAME of RFC 7644 §3.10, plus a leading `$` for `$ref`; unambiguous, so linear. */
const ATTRIBUTE_NAME = /^[A-Za-z$][A-Za-z0-9$_-]*$/;

/** A schema URN as schemas spell them (`urn:ietf:params:scim:schemas:core:2.0:User`). */
const SCHEMA_URN = /^[A-Za-z][A-Za-z0-9:._-]*$/;

/**
 * Parses a `filter` query parameter (RFC 7644 §3.4.2.2) into its syntax
 * tree. Operators, `and` / `or` / `not` and `true` / `false` / `null` are
 * matched case-insensitively; `and` binds tighter than `or`.
 *
 * Attribute paths are only checked for shape here; whether they name real
 * attributes is for the consumer (to-sql.ts, evaluate.ts) to decide.
 *
 * @throws ScimError 400 `invalidFilter` describing what was expected, what
 *   was found and where (1-based character position).
 */
export function parseFilter(text: string): FilterNode {
  checkLength(text, 'filter', invalidFilter);
  const parser = new Parser(tokenize(text, invalidFilter), invalidFilter, 'filter');
  const node = parser.parseExpression();
  parser.expectEnd('"and", "or" or the end of the filter');

  return node;
}

/**
 * Parses a PATCH operation's `path` (RFC 7644 §3.5.2):
 * `attrPath` or `valuePath [ "." subAttr ]`, e.g. `name.givenName`,
 * `members[value eq "2819c223"]`, `emails[type eq "work"].value` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
 *
 * @throws ScimError 400 `invalidPath`, including for errors inside the value filter.
 */
export function parsePatchPath(text: string): PatchPath {
  checkLength(text, 'path', invalidPath);
  const parser = new Parser(tokenize(text, invalidPath), invalidPath, 'path');
  const attributePath = parser.attributePath('an attribute path such as name.givenName');
  const valueFilter = parser.peek().kind === 'lbracket' ? parser.valueFilter() : null;
  const subAttribute = valueFilter === null ? null : parser.subAttributeAfterFilter();
  parser.expectEnd(
    valueFilter === null
      ? 'the end of the path (a path is attribute[.subAttribute], optionally with a value filter ' +
          'such as emails[type eq "work"].value)'
      : 'the end of the path or ".subAttribute"',
  );

  return { attributePath, valueFilter, subAttribute };
}

function checkLength(text: string, what: string, fail: ErrorFactory): void {
  if (text.length > MAX_FILTER_LENGTH) {
    throw fail(`The ${what} is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
  }
  if (text.trim() === '') {
    throw fail(`The ${what} is empty.`);
  }
}

/** One parse: the token cursor and the nesting state. */
class Parser {
  private index = 0;
  private depth = 0;
  /** Set while parsing the inside of `[...]`, where RFC 7644 allows no further value path. */
  private insideValueFilter = false;

  constructor(
    private readonly tokens: Token[],
    private readonly fail: ErrorFactory,
    private readonly endName: string,
  ) {}

  peek(offset = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;

    return this.tokens[this.index + offset] ?? last;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;

    return token;
  }

  /** filter = andExpr *( "or" andExpr ) */
  parseExpression(): FilterNode {
    const operands = [this.parseConjunction()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.advance();
      operands.push(this.parseConjunction());
    }

    return balance('or', operands, 0, operands.length);
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === 'rparen') {
      throw this.fail(
        `Unexpected ")" at position ${token.position}: there is no "(" for it to close.`,
      );
    }
    if (token.kind === 'rbracket') {
      throw this.fail(
        `Unexpected "]" at position ${token.position}: there is no "[" for it to close.`,
      );
    }

    throw this.unexpected(expected, token);
  }

  /** Reads one attribute path token and checks its shape (RFC 7644 §3.10). */
  attributePath(expected: string): string {
    const token = this.peek();
    if (token.kind !== 'word') throw this.unexpected(expected, token);
    this.advance();
    const problem = attributePathProblem(token.text);
    if (problem !== null) {
      throw this.fail(
        `"${excerpt(token.text)}" at position ${token.position} is not a valid attribute path: ` +
          `${problem}. Attribute paths look like userName, name.givenName or ` +
          `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department.`,
      );
    }

    return token.text;
  }

  /** `"[" valFilter "]"`, with the cursor on the `[`. */
  valueFilter(): FilterNode {
    const open = this.advance();
    if (this.insideValueFilter) {
      throw this.fail(
        `Unexpected "[" at position ${open.position}: value filters cannot be nested ` +
          `(RFC 7644 §3.4.2.2).`,
      );
    }
    this.enter(open);
    this.insideValueFilter = true;
    const filter = this.parseExpression();
    this.insideValueFilter = false;
    this.close(open, 'rbracket', ']');

    return filter;
  }

  /** The `"." subAttr` a PATCH path may put after `]`. */
  subAttributeAfterFilter(): string | null {
    const token = this.peek();
    if (token.kind !== 'word' || !token.text.startsWith('.')) return null;
    this.advance();
    const name = token.text.slice(1);
    if (!ATTRIBUTE_NAME.test(name)) {
      throw this.fail(
        `"${excerpt(token.text)}" at position ${token.position} is not a valid sub-attribute; ` +
          `expected "." followed by one sub-attribute name, e.g. emails[type eq "work"].value.`,
      );
    }

    return name;
  }

  /** andExpr = unary *( "and" unary ) */
  private parseConjunction(): FilterNode {
    const operands = [this.parseUnary()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.advance();
      operands.push(this.parseUnary());
    }

    return balance('and', operands, 0, operands.length);
  }

  /** unary = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath */
  private parseUnary(): FilterNode {
    const token = this.peek();
    if (token.kind === 'lparen') return this.parenthesized();

    if (this.isKeyword(token, 'not') && !this.isOperatorWord(this.peek(1))) {
      this.advance();
      if (this.peek().kind !== 'lparen') {
        throw this.unexpected(
          `"(" after "not" at position ${token.position} (write not (userName eq "x"))`,
          this.peek(),
        );
      }

      return { kind: 'not', operand: this.parenthesized() };
    }

    if (token.kind === 'word') return this.attributeExpression();

    throw this.unexpected('an attribute path, "not" or "("', token);
  }

  private parenthesized(): FilterNode {
    const open = this.advance();
    this.enter(open);
    const node = this.parseExpression();
    this.close(open, 'rparen', ')');

    return node;
  }

  /** attrPath "pr" / attrPath compareOp compValue / attrPath "[" valFilter "]" */
  private attributeExpression(): FilterNode {
    const path = this.attributePath('an attribute path');
    const next = this.peek();

    if (next.kind === 'lbracket') {
      const filter = this.valueFilter();
      const after = this.peek();
      if (after.kind === 'word' && after.text.startsWith('.')) {
        return { kind: 'valuePath', path, filter: this.subAttributeCondition(filter, after) };
      }

      return { kind: 'valuePath', path, filter };
    }

    const operator = next.kind === 'word' ? next.text.toLowerCase() : '';
    if (operator === 'pr') {
      this.advance();

      return { kind: 'present', path };
    }
    if (!COMPARE_OPERATORS.has(operator)) {
      throw this.unexpected(`an operator (${OPERATOR_LIST}) after "${excerpt(path)}"`, next);
    }
    this.advance();
    const value = this.compareValue(next);

    return { kind: 'compare', path, op: operator as CompareOperator, value };
  }

  /**
   * Entra documents `emails[type eq "work"].value eq "x"`, which RFC 7644's
   * filter grammar lacks. It reads as one condition on the same element,
   * `emails[type eq "work" and value eq "x"]`, so it is accepted as that.
   */
  private subAttributeCondition(filter: FilterNode, subToken: Token): FilterNode {
    const subAttribute = subToken.text.slice(1);
    if (!/^[A-Za-z$][\w$-]*$/.test(subAttribute)) {
      throw this.fail(
        `Unexpected "${excerpt(subToken.text)}" at position ${subToken.position}: after "]" ` +
          `only a sub-attribute name such as ".value" may follow.`,
      );
    }
    this.advance();
    const next = this.peek();
    const operator = next.kind === 'word' ? next.text.toLowerCase() : '';
    let condition: FilterNode;
    if (operator === 'pr') {
      this.advance();
      condition = { kind: 'present', path: subAttribute };
    } else if (COMPARE_OPERATORS.has(operator)) {
      this.advance();
      condition = {
        kind: 'compare',
        path: subAttribute,
        op: operator as CompareOperator,
        value: this.compareValue(next),
      };
    } else {
      throw this.unexpected(`an operator (${OPERATOR_LIST}) after "${excerpt(subToken.text)}"`, next);
    }

    return { kind: 'and', left: filter, right: condition };
  }

  /** compValue = false / null / true / number / string (RFC 7644 §3.4.2.2) */
  private compareValue(operator: Token): CompareValue {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.advance();

      return token.value;
    }
    if (token.kind === 'word') {
      const literal = token.text.toLowerCase();
      if (literal === 'true' || literal === 'false' || literal === 'null') {
        this.advance();

        return literal === 'null' ? null : literal === 'true';
      }
    }

    const hint = token.kind === 'word' ? ' Strings must be in double quotes.' : '';
    throw this.fail(
      `Expected a value (a "double-quoted string", a number, true, false or null) after ` +
        `"${operator.text}" at position ${token.position}, but found ` +
        `${describeToken(token, this.endName)}.${hint}`,
    );
  }

  private enter(open: Token): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw this.fail(
        `The ${this.endName} nests parentheses and brackets more than ${MAX_FILTER_DEPTH} ` +
          `levels deep (at position ${open.position}).`,
      );
    }
  }

  private close(open: Token, kind: 'rparen' | 'rbracket', text: string): void {
    const token = this.peek();
    if (token.kind !== kind) {
      throw this.unexpected(
        `"and", "or" or "${text}" (closing the "${open.text}" at position ${open.position})`,
        token,
      );
    }
    this.advance();
    this.depth -= 1;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  /** Tells `not (...)` from an attribute that happens to be called "not" (`not eq 1`). */
  private isOperatorWord(token: Token): boolean {
    if (token.kind !== 'word') return false;
    const word = token.text.toLowerCase();

    return word === 'pr' || COMPARE_OPERATORS.has(word);
  }

  private unexpected(expected: string, token: Token): ScimError {
    return this.fail(
      `Expected ${expected} at position ${token.position}, but found ` +
        `${describeToken(token, this.endName)}.`,
    );
  }
}

/**
 * Builds `a and b and c ...` as a balanced tree. The operators are
 * associative, so the meaning is that of the left-to-right chain, while the
 * depth stays logarithmic for the recursive walkers downstream. Chains of up
 * to three keep the left-associative shape.
 */
function balance(kind: 'and' | 'or', operands: FilterNode[], from: number, to: number): FilterNode {
  if (to - from === 1) return operands[from] as FilterNode;
  const middle = from + Math.ceil((to - from) / 2);

  return {
    kind,
    left: balance(kind, operands, from, middle),
    right: balance(kind, operands, middle, to),
  };
}

/**
 * Returns why `text` is not `[URN ":"] ATTRNAME ["." subAttr]`, or null when
 * it is. The URN is everything before the last colon, so the dots of
 * `...:2.0:User` never count as sub-attribute separators.
 */
function attributePathProblem(text: string): string | null {
  const lastColon = text.lastIndexOf(':');
  const urn = lastColon === -1 ? null : text.slice(0, lastColon);
  const local = text.slice(lastColon + 1);
  if (urn !== null && !SCHEMA_URN.test(urn))
    return 'the schema URN before the last ":" is malformed';
  if (local === '') return 'it ends without an attribute name';

  const names = local.split('.');
  if (names.length > 2) return 'only one sub-attribute may follow the attribute name';
  if (!names.every((name) => ATTRIBUTE_NAME.test(name))) {
    return 'attribute names start with a letter and contain letters, digits, "-", "_" or "$"';
  }

  return null;
}
