/**
 * The admin API from the browser: same origin, the admin key as a bearer
 * token, the signed-in person's name as X-Bulwark-Actor for the audit log.
 * Every refusal becomes an ApiError carrying the API's own `detail`.
 */

export interface Session {
  adminKey: string;
  /** Who is at the keyboard, e.g. "jane.doe@acme"; recorded with the actions that take a name. */
  actor: string | null;
}

/** The API answered with an error (RFC 7644 §3.12 body: status, scimType, detail). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType: string | null,
    readonly requestId: string | null,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The API did not answer at all: the network, a proxy, or the api process is down. */
export class UnreachableError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'UnreachableError';
  }
}

export type Query = Record<string, string | number | undefined | null | false>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    query?: Query,
  ): Promise<T>;
}

/** `/admin/v1/tenants/<id>/<rest>`, with the id encoded as one segment. */
export function tenantPath(tenantId: string, rest = ''): string {
  return `/tenants/${encodeURIComponent(tenantId)}${rest}`;
}

function withQuery(path: string, query: Query | undefined): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== false && value !== '') {
      parameters.set(key, String(value));
    }
  }
  const text = parameters.toString();

  return text === '' ? `/admin/v1${path}` : `/admin/v1${path}?${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id');
  let detail = `The API answered ${response.status} ${response.statusText}.`;
  let scimType: string | null = null;
  try {
    const body = (await response.json()) as { detail?: unknown; scimType?: unknown };
    if (typeof body.detail === 'string' && body.detail !== '') detail = body.detail;
    if (typeof body.scimType === 'string') scimType = body.scimType;
  } catch {
    // Not JSON: a proxy's page, say. The status line is all there is to tell.
  }

  return new ApiError(response.status, detail, scimType, requestId);
}

export function createApiClient(session: Session): ApiClient {
  async function call<T>(method: string, url: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${session.adminKey}`,
      Accept: 'application/json',
    };
    if (session.actor !== null) headers['X-Bulwark-Actor'] = session.actor;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new UnreachableError(error);
    }
    if (!response.ok) throw await errorOf(response);
    const text = await response.text();

    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    get: (path, query) => call('GET', withQuery(path, query), undefined),
    send: (method, path, body, query) => call(method, withQuery(path, query), body),
  };
}
