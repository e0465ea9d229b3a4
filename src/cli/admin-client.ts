/** An error answer of the admin API, with the `detail` it gave. */
export class AdminApiError extends Error {
  readonly status: number;

  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'AdminApiError';
    this.status = status;
  }
}

export interface AdminClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Sent as X-Bulwark-Actor: the person the audit log names. */
  actor: string | undefined;
}

type Query = Record<string, string | number | undefined>;

/** The admin API over HTTP: the CLI never touches the database or Temporal itself. */
export class AdminClient {
  readonly #options: AdminClientOptions;

  constructor(options: AdminClientOptions) {
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  tenantPath(tenantId: string, rest: string): string {
    return `/admin/v1/tenants/${encodeURIComponent(tenantId)}/${rest}`;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.#json('GET', path, query, undefined);
  }

  post<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
    return this.#json('POST', path, {}, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.#json('DELETE', path, {}, undefined);
  }

  /** A streamed GET (JSON Lines export); the caller reads the body. */
  async stream(path: string, query: Query = {}): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send('GET', path, query, undefined);
    if (response.body === null) throw new AdminApiError(response.status, 'The API sent no body.');

    return response.body;
  }

  async #json<T>(method: string, path: string, query: Query, body: unknown): Promise<T> {
    const response = await this.#send(method, path, query, body);
    const text = await response.text();

    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async #send(method: string, path: string, query: Query, body: unknown): Promise<Response> {
    const url = new URL(`${this.#options.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#options.apiKey}` };
    if (this.#options.actor !== undefined) headers['X-Bulwark-Actor'] = this.#options.actor;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new AdminApiError(
        0,
        `Cannot reach the admin API at ${this.#options.baseUrl}${cause}; check --url.`,
      );
    }
    if (!response.ok) throw new AdminApiError(response.status, await errorDetail(response));

    return response;
  }
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // Not JSON: a proxy's page, say. Its status line is the best there is.
  }

  return `${response.status} ${response.statusText}`;
}
