import type { CliIo } from './cli-io';
import { writeOut } from './cli-io';

export type Column<T> = [header: string, value: (row: T) => unknown];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);

  // One line per row, whatever the value holds.
  return text.replace(/\s+/g, ' ');
}

/** Left-aligned columns sized to their widest cell. */
export async function printTable<T>(
  io: CliIo,
  rows: T[],
  columns: Array<Column<T>>,
): Promise<void> {
  if (rows.length === 0) {
    await writeOut(io.stdout, '(none)\n');

    return;
  }
  const cells = rows.map((row) => columns.map(([, value]) => cell(value(row))));
  const widths = columns.map(([header], index) =>
    Math.max(header.length, ...cells.map((line) => line[index]!.length)),
  );
  const format = (line: string[]) =>
    line
      .map((text, index) => text.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();

  await writeOut(io.stdout, `${format(columns.map(([header]) => header))}\n`);
  for (const line of cells) await writeOut(io.stdout, `${format(line)}\n`);
}

/** `name: value` lines, names aligned. */
export async function printFields(io: CliIo, fields: Array<[string, unknown]>): Promise<void> {
  const width = Math.max(...fields.map(([name]) => name.length));
  for (const [name, value] of fields)
    await writeOut(io.stdout, `${`${name}:`.padEnd(width + 2)}${cell(value)}\n`);
}

export async function printJson(io: CliIo, value: unknown): Promise<void> {
  await writeOut(io.stdout, `${JSON.stringify(value, null, 2)}\n`);
}

export function truncate(text: string | null | undefined, length: number): string | null {
  if (text === null || text === undefined) return null;

  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
