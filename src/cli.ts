#!/usr/bin/env node
import { buildProgram } from './program.js';
import { dropWritesOnceClosed } from './util/closed-output.js';
import { InputError } from './util/validate.js';

for (const stream of [process.stdout, process.stderr]) dropWritesOnceClosed(stream);

const program = buildProgram();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Errors thrown while commander parses options (before a command's own guard runs).
  const input = e instanceof InputError;
  process.stderr.write(`socready: ${input ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
  process.exitCode = input ? 2 : 3;
}
