#!/usr/bin/env node
import { runCli } from './program';

/** Entry point of the `bulwark-admin` CLI; everything else lives in program.ts. */
runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
