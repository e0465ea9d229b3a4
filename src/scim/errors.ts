/**
 * The one error type that reaches the wire (RFC 7644 §3.12).
 *
 * Everything a client can cause is thrown as a ScimError; the error middleware
 * turns it into an `urn:ietf:params:scim:api:messages:2.0:Error` body. Any
 * other error is an internal fault and becomes a generic 500.
 */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The `scimType` values RFC 7644 Table 9 and RFC 9865 define. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2: cursor pagination.
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly detail: string;
  /** Extra response headers, such as `Retry-After` on 429 and 503. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    scimType: ScimType | undefined,
    detail: string,
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
    this.headers = headers;
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      detail: this.detail,
    };
    if (this.scimType !== undefined) body.scimType = this.scimType;

    return body;
  }
}

export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);
export const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
export const unauthorized = (detail: string) =>
  new ScimError(401, undefined, detail, { 'WWW-Authenticate': 'Bearer realm="scim"' });
