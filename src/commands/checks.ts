import type { Command } from 'commander';
import { loadCatalog } from '../checks/catalog.js';
import { matchesAny } from '../util/glob.js';
import { collect, EXIT, guarded } from './errors.js';

export function register(program: Command): void {
  const checks = program.command('checks').description('the check catalog');
  checks
    .command('list')
    .description('list the checks (a table, or a JSON array with --json)')
    .option('--json', 'print a JSON array')
    .option('--only <glob>', 'only check ids matching this glob (repeatable, comma-separated)', collect)
    .option('--kind <kind>', 'only checks for this target kind (linux, windows, web, ...)')
    .action((opts: { json?: boolean; only?: string[]; kind?: string }) =>
      guarded(() => {
        const catalog = loadCatalog();
        for (const p of catalog.problems) process.stderr.write(`socready: check catalog: ${p.message}\n`);
        const list = catalog.checks.filter(
          (c) => matchesAny(c.id, opts.only) && (!opts.kind || c.kinds.includes(opts.kind as never)),
        );
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(
              // The parser's fact labels are shared catalog data (checks/labels), not part of one check.
              list.map(({ file, fact_labels: _labels, ...c }) => ({ ...c, file })),
              null,
              2,
            )}\n`,
          );
        } else {
          const width = Math.max(...list.map((c) => c.id.length), 8);
          process.stdout.write(`${'ID'.padEnd(width)}  ${'AREA'.padEnd(20)} ${'SEVERITY'.padEnd(8)}  TITLE\n`);
          for (const c of list)
            process.stdout.write(
              `${c.id.padEnd(width)}  ${c.area.padEnd(20)} ${c.severity.padEnd(8)}  ${c.title.en}\n`,
            );
          process.stdout.write(`${list.length} checks\n`);
        }
        return catalog.problems.length > 0 ? EXIT.input : EXIT.ok;
      }),
    );
}
