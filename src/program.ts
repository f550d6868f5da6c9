// The socready command line as a commander program, built without parsing anything: cli.ts runs it, and the tests
// check that the commands the examples (examples/) run are real commands and options of it.
import { Command } from 'commander';
import { register as checks } from './commands/checks.js';
import { register as collectScript } from './commands/collect-script.js';
import { register as coverage } from './commands/coverage.js';
import { register as detect } from './commands/detect.js';
import { register as init } from './commands/init.js';
import { register as inventory } from './commands/inventory.js';
import { register as merge } from './commands/merge.js';
import { register as playbook } from './commands/playbook.js';
import { register as report } from './commands/report.js';
import { register as scan } from './commands/scan.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
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
  for (const register of [scan, merge, report, coverage, detect, playbook, checks, inventory, init, collectScript])
    register(program);
  return program;
}
