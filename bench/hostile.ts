// The hostile-input harness at full size: generates each class in a temp folder, runs the built CLI on it, and
// prints per class the exit code, wall time and peak RSS. Run: npm run build && npx tsx bench/hostile.ts
// Options: --cli <path to cli.js> (compare another build), --only <substring>, --keep (leave the temp folder).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  bigInventory,
  cacaoPlaybook,
  evidenceFolder,
  evidenceSample,
  gzipBomb,
  longLine,
  orRule,
} from './hostile-inputs.js';
import { runMeasured } from './measure.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const CLI = resolve(arg('--cli') ?? join(import.meta.dirname, '..', 'dist', 'src', 'cli.js'));
const ONLY = arg('--only');
const TIMEOUT_MS = Number(arg('--timeout') ?? 120) * 1000;
const MB = 1024 * 1024;

/** Runs the CLI with its peak resident set measured; killed after the timeout. */
const run = (args: string[]) => runMeasured(process.execPath, [CLI, ...args], { timeoutMs: TIMEOUT_MS });

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'socready-hostile-'));
  const small = join(dir, 'one.ndjson');
  writeFileSync(small, `${JSON.stringify({ Image: 'C:\\x0.exe' })}\n`);
  const classes: { name: string; make: () => Promise<string[]> | string[]; expect: number }[] = [
    {
      name: 'inventory 50 MB (50k targets): inventory validate',
      make: () => ['inventory', 'validate', bigInventory(dir, 50 * MB, 'targets')],
      expect: 2,
    },
    {
      name: 'inventory 50 MB string field: scan -i',
      make: () => [
        'scan',
        '-i',
        bigInventory(dir, 50 * MB, 'string'),
        '-o',
        join(dir, 'out'),
        '--hosts-only',
        '--no-html',
      ],
      expect: 2,
    },
    // Memory bounded by the concurrency, not the estate: peak RSS should stay nearly flat from 500 to 5,000 files.
    ...[500, 1_000, 2_500, 5_000].map((n) => ({
      name: `evidence folder of ${n.toLocaleString('en')} files: scan --evidence`,
      make: () => [
        'scan',
        '--evidence',
        evidenceFolder(dir, n, evidenceSample(dir, CLI), '.json'),
        '-o',
        join(dir, 'out'),
        '--hosts-only',
        '--no-html',
        '--json',
      ],
      expect: 0,
    })),
    {
      name: 'gzip bomb, 1 GiB of zeros: detect --events',
      make: async () => ['detect', '--events', await gzipBomb(dir, 1024 * MB, 0), small],
      expect: 0,
    },
    {
      name: 'gzip bomb, 1 GiB of newlines: detect --events',
      make: async () => ['detect', '--events', await gzipBomb(dir, 1024 * MB, 10), small],
      expect: 0,
    },
    {
      name: 'gzip bomb, 1 GiB of newlines: detect --estimate',
      make: async () => ['detect', '--estimate', await gzipBomb(dir, 1024 * MB, 10), small],
      expect: 0,
    },
    ...[10, 20, 40].map((n) => ({
      name: `one line of ${n} MB: detect --events`,
      make: () => ['detect', '--events', longLine(dir, n * MB)],
      expect: 0,
    })),
    {
      name: 'Sigma condition of 100,000 `or` terms: detect',
      make: () => ['detect', '--rules', orRule(dir, 100_000), '--events', small],
      expect: 0,
    },
    {
      name: 'CACAO playbook of 50,000 steps: playbook validate',
      make: () => ['playbook', 'validate', cacaoPlaybook(dir, 50_000)],
      expect: 0,
    },
    // The growth series: roughly linear (the issue measured 0.65, 1.3, 4.2 s for 2.5k, 5k, 10k and no end at 50k).
    ...[2_500, 5_000, 10_000, 50_000].map((n) => ({
      name: `CACAO playbook of ${n.toLocaleString('en')} steps: playbook dry-run`,
      make: () => ['playbook', 'dry-run', cacaoPlaybook(dir, n)],
      expect: 0,
    })),
    {
      name: 'CACAO playbook of 50,000 steps, nested allow-list checks: playbook dry-run',
      make: () => ['playbook', 'dry-run', cacaoPlaybook(dir, 50_000, 'nested')],
      expect: 0,
    },
    {
      name: 'CACAO playbook of 50,000 steps, dominator budget of 10,000 operations: dry-run says it was cut',
      make: () => ['playbook', 'dry-run', cacaoPlaybook(dir, 50_000), '--budget', 'dominators=10000'],
      expect: 0,
    },
  ];
  console.log(`cli: ${CLI}\ntemp: ${dir}\n`);
  // Wall time swings with other load on the machine; CPU seconds (the child's user + system time) do not.
  console.log(['EXIT', 'WANT', 'SECONDS', 'CPU S', 'PEAK MB', 'CLASS'].join('\t'));
  try {
    for (const c of classes) {
      if (ONLY && !c.name.includes(ONLY)) continue;
      const args = await c.make();
      const o = await run(args);
      console.log(
        [
          String(o.code ?? 'killed'),
          String(c.expect),
          o.seconds.toFixed(1),
          o.cpuSeconds.toFixed(1),
          o.peakMb.toFixed(0),
          c.name,
        ].join('\t'),
      );
      const said = o.stderr.split('\n').find((l) => /refused|limit|error/i.test(l));
      if (said) console.log(`\t\t\t\t\t  ${said.slice(0, 200)}`);
      rmSync(join(dir, 'evidence'), { recursive: true, force: true });
      rmSync(join(dir, 'out'), { recursive: true, force: true });
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
