import { randomUUID } from 'node:crypto';
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ScimError, invalidSyntax } from '../scim/errors';
import { SCIM_CONTENT_TYPE } from './scim-response';
import { SECURITY_HEADERS } from './security-headers';

/** What the http server passes to 'clientError': a parser error (`HPE_…`) or a socket error. */
interface ClientError extends Error {
  code?: string;
}

const HEADER_LIMIT_KIB = Math.floor(maxHeaderSize / 1024);

/** Node's statuses for what its parser refuses, each with a detail a person can act on. */
function toScimError(error: ClientError): ScimError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(
        431,
        undefined,
        `The request line and headers are larger than the ${HEADER_LIMIT_KIB} KiB this service ` +
          'reads. Send a long filter in a POST /.search body rather than in the URL, ' +
          'and drop large Cookie or custom headers.',
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ScimError(
        413,
        undefined,
        'The chunk extensions of the request body are larger than this service reads; ' +
          'send the body without them.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(
        408,
        undefined,
        'The request did not arrive in full in time; send it again.',
      );
    default:
      return invalidSyntax(
        'The request is not well-formed HTTP/1.1 (its request line, a header or its chunked ' +
          'body) and could not be read.',
      );
  }
}

/**
 * Whether bytes of a response are on the connection already: Node keeps the
 * response under way in `_httpMessage`, and its own default listener asks
 * the same. A response not yet started is most often the one of this very
 * request, whose body turned out malformed; the error answers it instead.
 */
function responseStarted(socket: Duplex): boolean {
  return (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
}

/**
 * How long a refused connection keeps reading what its peer still sends.
 * Closing a socket with unread bytes makes the kernel answer with a reset,
 * which discards the refusal before a client that is still writing (a
 * megabytes-long URL) has read it; draining first lets the answer arrive.
 */
const LINGER_MS = 5_000;

/** Connections already answered: Node's parser raises an error again for each later chunk. */
const answered = new WeakSet<Duplex>();

/**
 * The http server's 'clientError' listener. Node's HTTP parser refuses some
 * requests before express sees them (headers over `maxHeaderSize`, malformed
 * HTTP, a timeout) and would answer with a bare status line; this answers
 * with an RFC 7644 §3.12 error body instead, then closes the connection,
 * since after a parse error nobody knows where the next request starts.
 *
 * The refusal is logged by its parser code only: the request's bytes hold
 * bearer tokens.
 */
export function answerClientError(logger: Logger): (error: ClientError, socket: Duplex) => void {
  return (error, socket) => {
    if (answered.has(socket)) return;
    // A reset peer hears nothing, and an answer after another's first bytes would garble both.
    if (error.code === 'ECONNRESET' || !socket.writable || responseStarted(socket)) {
      socket.destroy();

      return;
    }

    const scimError = toScimError(error);
    const requestId = randomUUID();
    logger.info(
      { reqId: requestId, code: error.code, status: scimError.status },
      'unreadable request refused',
    );

    const payload = JSON.stringify(scimError);
    const head = [
      `HTTP/1.1 ${scimError.status} ${STATUS_CODES[scimError.status]}`,
      `Content-Type: ${SCIM_CONTENT_TYPE}; charset=utf-8`,
      `Content-Length: ${Buffer.byteLength(payload)}`,
      'Connection: close',
      `X-Request-Id: ${requestId}`,
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    ];
    answered.add(socket);
    socket.end(`${head.join('\r\n')}\r\n\r\n${payload}`);
    // Closed when the peer closes its side, or after LINGER_MS: a peer that never does must not keep the socket.
    const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(linger));
  };
}
