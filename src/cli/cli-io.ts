/** Where the CLI reads its settings and writes its output; injected so tests run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** Reads a file (the admin key file); node:fs by default. */
  readFile?: (path: string) => Promise<string>;
}

export interface OutputStream {
  write(chunk: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Writes and, if the stream is backed up, waits for it to drain before going on. */
export async function writeOut(stream: OutputStream, chunk: string): Promise<void> {
  if (stream.write(chunk) || stream.once === undefined) return;

  await new Promise<void>((resolve) => stream.once?.('drain', resolve));
}
