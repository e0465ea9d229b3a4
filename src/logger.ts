import pino from 'pino';
import type { Logger } from 'pino';

/** One JSON line per event; secrets never reach a log line because no code passes them in. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', '*.token', '*.session_token'], censor: '[redacted]' },
  });
}
