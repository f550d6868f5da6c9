#!/usr/bin/env node
import { Command } from 'commander';
import { register as checks } from './commands/checks.js';
import { register as collectScript } from './commands/collect-script.js';
import { register as coverage } from './commands/coverage.js';
import { register as detect } from './commands/detect.js';
import { register as init } from './commands/init.js';
import { register as inventory } from './commands/inventory.js';
import { register as playbook } from './commands/playbook.js';
import { register as report } from './commands/report.js';
import { register as scan } from './commands/scan.js';
import { dropWritesOnceClosed } from './util/closed-output.js';
import { InputError } from './util/validate.js';
import { VERSION } from './version.js';

for (const stream of [process.stdout, process.stderr]) dropWritesOnceClosed(stream);

const program = new Command()
  .name('socready')
  .description('Tells an organisation, with evidence, whether its SIEM and SOAR can actually work.')
  .version(VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(`socready: ${s}`) })
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of [scan, report, coverage, detect, playbook, checks, inventory, init, collectScript])
  register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Errors thrown while commander parses options (before a command's own guard runs).
  const input = e instanceof InputError;
  process.stderr.write(`socready: ${input ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
  process.exitCode = input ? 2 : 3;
}
