import pino from 'pino';
import type { Logger } from 'pino';

/** A pino logger whose JSON lines are kept in memory, for tests that read the logs. */
export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, as written. */
  lines: string[];
  /** The lines parsed, for assertions on fields. */
  records: () => Array<Record<string, any>>;
}

export function captureLogs(level: pino.LevelWithSilent = 'trace'): CapturedLogs {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });

  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, any>),
  };
}
