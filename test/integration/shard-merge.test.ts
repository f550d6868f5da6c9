// Issue 20, "Done when": merging any sharding of an estate gives the report the unsharded scan writes (same targets,
// findings, evidence, analyses, scores and verdict; run ids and times aside). The estate is evidence replay of Linux
// hosts (one with a PostgreSQL server, so a database target too) and Windows hosts, with an estate declaration and a
// questionnaire, so the source map, blind-spot map, coverage, sample detections and the SOAR gate all run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import type { Report } from '../../src/model.js';
import { inventoryDigest } from '../../src/shard/digest.js';
import { loadTrend } from '../../src/report/trend.js';
import { runMerge } from '../../src/shard/merge.js';
import { runScan } from '../../src/scan.js';
import { runCli } from '../helpers/cli.js';
import { writeEvidenceEstate } from '../helpers/evidence-estate.js';

const INVENTORY = `version: 1
organization: Shard Corp
targets: []
questionnaire: answers.yaml
estate:
  sources:
    linux-os-audit: { count: 3 }
    windows-os-audit: { count: 3 }
    sysmon: { count: 3 }
    database-audit: { count: 1, products: [PostgreSQL] }
  use_cases:
    detect: [lateral-movement-ssh, kernel-backdoor]
    automate: [lateral-movement-ssh]
`;

const ANSWERS = `version: 1
answers:
  staffing.analysts: 6
  staffing.analysts_per_shift: 2
  oncall.coverage: 24x7
  tuning.cadence: weekly
`;

/** Keys that read the clock: when the run, each probe and each playbook dry-run started, and how long they took. */
const CLOCK_KEYS = new Set(['started_at', 'finished_at', 'start_time', 'duration_ms']);

/** The report without what differs between any two runs of the same scan: the run's id and the clock. */
function comparable(r: Report): unknown {
  const copy = JSON.parse(JSON.stringify(r, (k, v) => (CLOCK_KEYS.has(k) ? undefined : v))) as Report;
  const { id: _i, ...run } = copy.run;
  return { ...copy, run };
}

describe('scan --shard i/n and merge', () => {
  let dir: string;
  let evidence: string;
  let inventoryFile: string;
  let whole: Report;

  const shardRun = async (index: number, count: number, out: string) =>
    runScan({
      inventory: loadInventory(inventoryFile),
      outDir: out,
      evidencePath: evidence,
      options: { lang: 'en' },
      shard: { spec: { index, count }, inventoryDigest: inventoryDigest(inventoryFile) },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'socready-shard-'));
    evidence = join(dir, 'evidence');
    mkdirSync(evidence);
    writeEvidenceEstate(evidence);
    writeFileSync(join(dir, 'answers.yaml'), ANSWERS);
    inventoryFile = join(dir, 'inventory.yaml');
    writeFileSync(inventoryFile, INVENTORY);
    whole = (
      await runScan({
        inventory: loadInventory(inventoryFile),
        outDir: join(dir, 'whole'),
        evidencePath: evidence,
        options: { lang: 'en' },
      })
    ).report;
  }, 120_000);

  it('starts from an estate of several kinds with every analysis the merge must recompute', () => {
    expect(new Set(whole.targets.map((t) => t.kind))).toEqual(new Set(['linux', 'windows', 'database']));
    expect(whole.targets.length).toBe(7);
    for (const a of ['sources', 'coverage', 'detections', 'playbooks'] as const)
      expect(whole.analyses[a], a).toBeDefined();
    expect(whole.score?.overall).not.toBeUndefined();
    expect(whole.score?.soar.verdict).toBeDefined();
  });

  for (const count of [1, 2, 3, 5]) {
    it(`merging ${count} shard${count > 1 ? 's' : ''} gives the unsharded report`, async () => {
      const out = join(dir, `n${count}`);
      const shards = [];
      for (let i = 1; i <= count; i++) shards.push(await shardRun(i, count, join(out, 'shards')));
      // Each shard assessed its own share only, and together every target once.
      const ids = shards.flatMap((s) => s.report.targets.map((t) => t.id));
      if (count > 1) expect(shards.filter((s) => s.report.targets.length > 0).length).toBeGreaterThan(1);
      expect(ids.sort()).toEqual(whole.targets.map((t) => t.id).sort());
      for (const s of shards) {
        expect(s.report.score).toBeUndefined();
        expect(s.report.analyses.coverage).toBeUndefined();
      }
      const merged = await runMerge({
        reports: shards.map((s) => s.runDir).reverse(),
        inventory: loadInventory(inventoryFile),
        inventoryDigest: inventoryDigest(inventoryFile),
        outDir: join(out, 'merged'),
      });
      expect(comparable(merged.report)).toEqual(comparable(whole));
      // The evidence index points at files that are really there, beside the merged report.
      for (const e of merged.report.evidence.filter((x) => x.file))
        expect(existsSync(join(merged.runDir, e.file!)), e.file).toBe(true);
      expect(JSON.parse(readFileSync(join(merged.runDir, 'report.json'), 'utf8')).run.shard).toBeUndefined();
    }, 120_000);
  }
});

describe('socready scan --shard and socready merge on the command line', () => {
  let dir: string;
  let inventoryFile: string;
  let shards: string[];

  const scanShard = (shard: string, inventory = inventoryFile, out = join(dir, 'shards')) =>
    runCli(['scan', '-i', inventory, '--evidence', join(dir, 'evidence'), '--shard', shard, '-o', out, '--json']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'socready-shard-cli-'));
    mkdirSync(join(dir, 'evidence'));
    writeEvidenceEstate(join(dir, 'evidence'));
    inventoryFile = join(dir, 'inventory.yaml');
    writeFileSync(inventoryFile, 'version: 1\norganization: Shard CLI Corp\ntargets: []\n');
    const runs = await Promise.all(['1/2', '2/2'].map((s) => scanShard(s)));
    shards = runs.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { run_dir: string }).run_dir;
    });
  }, 120_000);

  it('writes partial reports marked as shards, then merges them into a scored run (exit 0)', async () => {
    const partial = JSON.parse(readFileSync(join(shards[0]!, 'report.json'), 'utf8')) as Report;
    expect(partial.run.shard).toMatchObject({ index: 1, count: 2, plan_size: 7 });
    expect(partial.run.shard!.inventory_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(existsSync(join(shards[0]!, 'report.html'))).toBe(false);
    const r = await runCli(['merge', ...shards, '-i', inventoryFile, '-o', join(dir, 'merged'), '--json', '--no-html']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { run_dir: string; targets: unknown[]; soar: string | null };
    expect(summary.targets.length).toBe(7);
    expect(summary.soar).not.toBeNull();
  }, 60_000);

  it('names the missing shard and exits 2', async () => {
    const r = await runCli(['merge', shards[0]!, '-i', inventoryFile, '-o', join(dir, 'merged')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing shard 2/2');
  }, 60_000);

  it('names a shard given twice and exits 2', async () => {
    const r = await runCli(['merge', shards[0]!, shards[1]!, shards[0]!, '-i', inventoryFile, '-o', join(dir, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/duplicate shard 1\/2/);
  }, 60_000);

  it('refuses shards of another inventory, of another socready version and of another sharding (exit 2)', async () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'version: 1\norganization: Someone Else\ntargets: []\n');
    const wrongInventory = await runCli(['merge', ...shards, '-i', other, '-o', join(dir, 'm')]);
    expect(wrongInventory.code).toBe(2);
    expect(wrongInventory.stderr).toContain('scanned a different inventory');

    const otherShard = await scanShard('2/2', other, join(dir, 'other-shards'));
    const foreign = (JSON.parse(otherShard.stdout) as { run_dir: string }).run_dir;
    const mixed = await runCli(['merge', shards[0]!, foreign, '-i', inventoryFile, '-o', join(dir, 'm')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('scanned a different inventory');

    const old = join(dir, 'old-version');
    mkdirSync(old);
    const report = JSON.parse(readFileSync(join(shards[1]!, 'report.json'), 'utf8')) as Report;
    writeFileSync(
      join(old, 'report.json'),
      JSON.stringify({ ...report, tool: { name: 'socready', version: '0.0.1' } }),
    );
    const versions = await runCli(['merge', shards[0]!, old, '-i', inventoryFile, '-o', join(dir, 'm')]);
    expect(versions.code).toBe(2);
    expect(versions.stderr).toContain('written by socready 0.0.1');

    const three = await scanShard('3/3');
    const counts = await runCli([
      'merge',
      shards[0]!,
      (JSON.parse(three.stdout) as { run_dir: string }).run_dir,
      '-i',
      inventoryFile,
      '-o',
      join(dir, 'm'),
    ]);
    expect(counts.code).toBe(2);
    expect(counts.stderr).toContain('their shard count differ');
  }, 120_000);

  it('refuses a whole report as a shard, and score gates on a shard run (exit 2)', async () => {
    const whole = await runCli(['merge', ...shards, '-i', inventoryFile, '-o', join(dir, 'w'), '--json', '--no-html']);
    const notShard = await runCli(['merge', (JSON.parse(whole.stdout) as { run_dir: string }).run_dir, '-o', dir]);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain('not a shard report');
    const gated = await runCli(['scan', '-i', inventoryFile, '--shard', '1/2', '--fail-under', '3', '-o', dir]);
    expect(gated.code).toBe(2);
    expect(gated.stderr).toContain('--fail-under cannot be used with --shard');
    // A shard alone is no run: report and diff refuse it, trend leaves it out.
    const rendered = await runCli(['report', join(shards[0]!, 'report.json'), '--format', 'md']);
    expect(rendered.code).toBe(2);
    expect(rendered.stderr).toContain('a partial report of shard 1/2 (scan --shard): join every shard');
    expect(loadTrend(join(dir, 'shards'))).toEqual({ points: [], problems: [] });
    const bad = await runCli(['scan', '-i', inventoryFile, '--shard', '3/2', '-o', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard takes i/n');
  }, 120_000);
});
