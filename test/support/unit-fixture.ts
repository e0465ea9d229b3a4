import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON payload from test/unit/fixtures, parsed afresh so no test sees another's changes. */
export function unitFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'unit', 'fixtures', name), 'utf8'));
}
