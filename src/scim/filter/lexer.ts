import type { ScimError } from '../errors';

/**
 * The tokenizer for SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2).
 *
 * It scans each character once with hand-written loops (no backtracking
 * regular expressions), so its cost is linear in the input whatever the input.
 */
export type TokenKind =
  'word' | 'string' | 'number' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'end';

export interface Token {
  kind: TokenKind;
  /** The token as written in the source. */
  text: string;
  /** The decoded value of a string or number token. */
  value: string | number | null;
  /** 1-based character position of the token's first character. */
  position: number;
}

/** Builds the error the caller reports syntax problems with (invalidFilter or invalidPath). */
export type ErrorFactory = (detail: string) => ScimError;

const PUNCTUATION: Record<string, TokenKind> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
};

/** JSON number grammar (RFC 8259 §6); every quantifier is unambiguous, so matching is linear. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Characters of attribute paths and keywords. Schema URNs bring `:` and `.`
 * (`urn:ietf:params:scim:schemas:core:2.0:User:name.givenName`) and `$ref`
 * brings `$`; a PATCH path's `].value` arrives as a word starting with `.`.
 */
export function isWordChar(char: string): boolean {
  return (
    (char >= 'a' && char <= 'z') ||
    (char >= 'A' && char <= 'Z') ||
    (char >= '0' && char <= '9') ||
    char === ':' ||
    char === '.' ||
    char === '$' ||
    char === '-' ||
    char === '_'
  );
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isHexDigit(char: string): boolean {
  return isDigit(char) || (char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F');
}

/** Shortens user text quoted back in an error so a huge token cannot flood the response. */
export function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Describes a token for an error detail: what was found. */
export function describeToken(token: Token, endName: string): string {
  switch (token.kind) {
    case 'end':
      return `the end of the ${endName}`;
    case 'string':
      return `the string ${excerpt(token.text)}`;
    case 'number':
      return `the number ${excerpt(token.text)}`;
    default:
      return `"${excerpt(token.text)}"`;
  }
}

/**
 * Splits `text` into tokens, ending with an `end` token. Throws `fail(...)`
 * on a character no token can start with, an unterminated or malformed
 * string, or a malformed number.
 */
export function tokenize(text: string, fail: ErrorFactory): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (isWhitespace(char)) {
      index += 1;
      continue;
    }

    const punctuation = PUNCTUATION[char];
    if (punctuation !== undefined) {
      tokens.push({ kind: punctuation, text: char, value: null, position: index + 1 });
      index += 1;
    } else if (char === '"') {
      const { token, next } = scanString(text, index, fail);
      tokens.push(token);
      index = next;
    } else if (isDigit(char) || char === '-') {
      const { token, next } = scanNumber(text, index, fail);
      tokens.push(token);
      index = next;
    } else if (isWordChar(char)) {
      let end = index;
      while (end < text.length && isWordChar(text.charAt(end))) end += 1;
      const word = text.slice(index, end);
      tokens.push({ kind: 'word', text: word, value: null, position: index + 1 });
      index = end;
    } else {
      throw fail(unexpectedCharacter(text, index));
    }
  }
  tokens.push({ kind: 'end', text: '', value: null, position: text.length + 1 });

  return tokens;
}

function unexpectedCharacter(text: string, index: number): string {
  const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
  const hint =
    char === "'"
      ? ' String values must be in double quotes, e.g. userName eq "bjensen".'
      : char === '\u201c' || char === '\u201d'
        ? ' Use plain double quotes (") around strings, not typographic quotes.'
        : '';

  return `Unexpected character ${JSON.stringify(char)} at position ${index + 1}.${hint}`;
}

/** Decodes a JSON string literal (RFC 8259 §7) starting at the opening quote. */
function scanString(
  text: string,
  start: number,
  fail: ErrorFactory,
): { token: Token; next: number } {
  const parts: string[] = [];
  let index = start + 1;
  let runStart = index;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '"') {
      parts.push(text.slice(runStart, index));
      const token: Token = {
        kind: 'string',
        text: text.slice(start, index + 1),
        value: parts.join(''),
        position: start + 1,
      };

      return { token, next: index + 1 };
    }
    if (char < ' ') {
      throw fail(
        `The string starting at position ${start + 1} contains a raw control character at ` +
          `position ${index + 1}; write it as a JSON escape such as \\n or \\u0009.`,
      );
    }
    if (char !== '\\') {
      index += 1;
      continue;
    }

    parts.push(text.slice(runStart, index));
    const escape = text.charAt(index + 1);
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      parts.push(simple);
      index += 2;
    } else if (escape === 'u') {
      const hex = text.slice(index + 2, index + 6);
      if (hex.length !== 4 || ![...hex].every(isHexDigit)) {
        throw fail(
          `Invalid escape sequence at position ${index + 1}: \\u must be followed by ` +
            `four hexadecimal digits, e.g. \\u00e9.`,
        );
      }
      const code = parseInt(hex, 16);
      if (code === 0) {
        // PostgreSQL text cannot hold NUL, so no stored value could ever match it.
        throw fail(
          `The string starting at position ${start + 1} contains \\u0000, which is not allowed.`,
        );
      }
      parts.push(String.fromCharCode(code));
      index += 6;
    } else if (escape === '') {
      break;
    } else {
      throw fail(
        `Invalid escape sequence "\\${escape}" at position ${index + 1}; JSON strings allow ` +
          `\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX.`,
      );
    }
    runStart = index;
  }

  throw fail(
    `The string starting at position ${start + 1} is not closed; add a double quote (") ` +
      `at its end.`,
  );
}

/**
 * Reads a JSON number. The run is taken as wide as a word would be, so
 * `12abc` is reported whole as a malformed number rather than as `12`
 * followed by an attribute name.
 */
function scanNumber(
  text: string,
  start: number,
  fail: ErrorFactory,
): { token: Token; next: number } {
  let end = start + 1;
  while (end < text.length) {
    const char = text.charAt(end);
    const isExponentSign =
      char === '+' && (text.charAt(end - 1) === 'e' || text.charAt(end - 1) === 'E');
    if (!isWordChar(char) && !isExponentSign) break;
    end += 1;
  }
  const raw = text.slice(start, end);
  if (!JSON_NUMBER.test(raw)) {
    throw fail(
      `"${excerpt(raw)}" at position ${start + 1} is not a valid number; numbers are written ` +
        `as in JSON, e.g. 42, -1.5 or 2e3 (attribute names cannot start with a digit or "-").`,
    );
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw fail(`The number at position ${start + 1} is too large.`);
  }

  return { token: { kind: 'number', text: raw, value, position: start + 1 }, next: end };
}
