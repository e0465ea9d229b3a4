import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { createScimTenant, request } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { ERROR_SCHEMA } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';

/**
 * Requests Node's HTTP parser refuses before express sees them: headers over
 * Node's 16 KiB limit and malformed HTTP. They are answered with RFC 7644
 * §3.12 errors on the raw connection, which is then closed.
 */

const execFileAsync = promisify(execFile);
const logs = captureLogs('info');
let stack: TestStack;
let scimToken: string;
stackForFile((started) => (stack = started), {
  worker: false,
  dispatcher: false,
  env: { TEMPORAL_ADDRESS: '127.0.0.1:1' },
  logger: logs.logger,
});

beforeAll(async () => {
  ({ scimToken } = await createScimTenant(stack, 'Unreadable'));
});

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  text: string;
  body: any;
}

/**
 * Writes `bytes` on a connection of its own and reads until the server
 * closes it; never closing its own side, so that a server that keeps the
 * connection open fails the test by timing out.
 */
function exchange(bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(stack.api.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error('the server neither answered nor closed the connection within 5 s'));
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after the answer is the server closing with our bytes unread; the answer stands.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = answer.split('\r\n\r\n');
      const [statusLine = '', ...fields] = head.split('\r\n');
      const text = rest.join('\r\n\r\n');
      const headers = new Map(
        fields.map((field) => {
          const colon = field.indexOf(':');

          return [field.slice(0, colon).toLowerCase(), field.slice(colon + 1).trim()];
        }),
      );

      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        text,
        body: text === '' ? undefined : JSON.parse(text),
      });
    });
    socket.write(bytes);
  });
}

function expectRawScimError(answer: RawAnswer, status: number, scimType?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json(;|$)/);
  expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.text));
  expect(answer.headers.get('connection')).toBe('close');
  expect(answer.body).toEqual({
    schemas: [ERROR_SCHEMA],
    status: String(status),
    detail: expect.any(String),
    ...(scimType === undefined ? {} : { scimType }),
  });
  expect(answer.body.detail.length).toBeGreaterThan(20);
}

const CANARY = 'canary-padding-value';

/** A GET of /Users with the tenant token and `padding` bytes of one more header. */
function paddedRequest(padding: number): string {
  return (
    'GET /scim/v2/Users HTTP/1.1\r\n' +
    'Host: 127.0.0.1\r\n' +
    `Authorization: Bearer ${scimToken}\r\n` +
    `X-Padding: ${CANARY.repeat(Math.ceil(padding / CANARY.length))}\r\n\r\n`
  );
}

describe('headers over the limit', () => {
  it('are answered 431 with an RFC 7644 error that says what to send instead', async () => {
    const answer = await exchange(paddedRequest(20_000));

    expectRawScimError(answer, 431);
    expect(answer.body.detail).toMatch(/16 KiB/);
    expect(answer.body.detail).toMatch(/POST \/\.search/);
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('count the request line, so a filter too long for a URL is answered alike', async () => {
    const filter = encodeURIComponent(`userName eq "${'a'.repeat(20_000)}@example.com"`);

    const answer = await exchange(
      `GET /scim/v2/Users?filter=${filter} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );

    expectRawScimError(answer, 431);
  });

  it('reach a client still sending a URL megabytes long, which reads its 431 instead of a reset', async () => {
    // The server reads what still arrives before it closes: closing on unread
    // bytes resets the connection, and the client loses the answer. The client
    // runs in a process of its own, as IdPs do, so that its writes race the
    // server's close as they would on the wire.
    const client = `
      const url = process.argv[1] + '/scim/v2/Users?sortOrder=' + encodeURIComponent('é'.repeat(1100000));
      (async () => {
        const outcomes = [];
        for (let attempt = 0; attempt < 20; attempt += 1) {
          try {
            const answer = await fetch(url, { headers: { Authorization: 'Bearer ' + process.argv[2] } });
            outcomes.push(answer.status + ' ' + (await answer.json()).schemas[0]);
          } catch (error) {
            outcomes.push('no answer: ' + String(error.cause ?? error));
          }
        }
        process.stdout.write(JSON.stringify(outcomes));
      })();
    `;
    const { stdout } = await execFileAsync(process.execPath, ['-e', client, stack.baseUrl, scimToken]);

    expect(JSON.parse(stdout)).toEqual(Array.from({ length: 20 }, () => `431 ${ERROR_SCHEMA}`));
  });

  it('close a refused connection whose peer never closes its side, a few seconds after the answer', async () => {
    const socket = connect({ port: stack.api.port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.write(paddedRequest(20_000).slice(0, -2));
    // A half-open peer learns that the server closed only from its next write.
    const writing = setInterval(() => socket.write('x'), 250);

    const after = await closed;
    clearInterval(writing);

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(after).toBeGreaterThanOrEqual(4_000);
    expect(after).toBeLessThan(15_000);
  });

  it('are refused only past the limit: the same request a little smaller is served', async () => {
    // HTTP/1.0, so that the server closes the connection after its answer, as exchange waits for.
    const answer = await exchange(paddedRequest(12_000).replace('HTTP/1.1\r\n', 'HTTP/1.0\r\n'));

    expect(answer.status).toBe(200);
    expect(answer.body.totalResults).toBe(0);
  });

  it('are logged by parser code and request id, never with a header value', async () => {
    const before = logs.lines.length;

    const answer = await exchange(paddedRequest(20_000));

    expect(answer.status).toBe(431);
    const lines = logs.lines.slice(before);
    const refusals = lines
      .map((line) => JSON.parse(line))
      .filter((record) => record.msg === 'unreadable request refused');
    expect(refusals).toEqual([
      expect.objectContaining({
        level: 30,
        code: 'HPE_HEADER_OVERFLOW',
        status: 431,
        reqId: answer.headers.get('x-request-id'),
      }),
    ]);
    for (const line of lines) {
      expect(line).not.toContain(scimToken);
      expect(line).not.toContain(CANARY);
    }
  });
});

describe('malformed HTTP', () => {
  it.each([
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a header line without a colon', 'GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n'],
    [
      'a chunk size that is not hexadecimal',
      'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ],
    [
      'both Content-Length and chunked Transfer-Encoding',
      'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['a NUL byte in a header value', 'GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
  ])('is answered 400 invalidSyntax on %s', async (_, bytes) => {
    const answer = await exchange(bytes);

    expectRawScimError(answer, 400, 'invalidSyntax');
    expect(answer.body.detail).toMatch(/HTTP/);
  });
});

describe('after refusals', () => {
  it('the api keeps serving, on fresh connections, while refusals arrive at once', async () => {
    const refusals = Array.from({ length: 20 }, (_, n) =>
      exchange(n % 2 === 0 ? paddedRequest(40_000) : 'BROKEN\r\n\r\n'),
    );
    const served = request(stack, 'GET', '/scim/v2/Users', { token: scimToken });

    const answers = await Promise.all(refusals);
    expect(answers.map((answer) => answer.status)).toEqual(
      Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? 431 : 400)),
    );
    expect((await served).status).toBe(200);
    expect((await request(stack, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    // Client faults, each of them: none is logged as a failure of the service.
    expect(logs.records().filter((record) => record.level >= 50)).toEqual([]);
  });
});
