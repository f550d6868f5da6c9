// Hostile and oversized inputs through the CLI, generated at test time at a scaled-down size (bench/hostile.ts runs
// the full sizes): refusals are exit 2 naming the file and the limit, everything else finishes with correct results.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bigInventory, cacaoPlaybook, evidenceFolder, gzipBomb, longLine, orRule } from '../../bench/hostile-inputs.js';
import { runCli } from '../helpers/cli.js';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'socready-hostile-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ndjson = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ EventID: 1, Image: `C:\\tools\\t${i}.exe` })).join('\n');
const good = join(dir, 'good.ndjson');
writeFileSync(good, `${ndjson(10)}\n`);

describe('hostile input sizes through the CLI', () => {
  it('refuses a 17 MB inventory with exit 2, naming the file, its size and the limit', {
    timeout: 120_000,
  }, async () => {
    const file = bigInventory(dir, 17 * MB, 'targets');
    const r = await runCli(['inventory', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/is 1\d MB, over the 16 MB limit for this input: refused/);
    const str = bigInventory(dir, 17 * MB, 'string');
    const s = await runCli(['scan', '-i', str, '-o', join(dir, 'out'), '--hosts-only', '--no-html']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('over the 16 MB limit for this input: refused');
  });

  it('reads ten valid NDJSON events after a lone "{" on line 1 and reports line 1', async () => {
    const file = join(dir, 'first-bad.ndjson');
    writeFileSync(file, `{\n${ndjson(10)}\n`);
    const r = await runCli(['detect', '--events', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toBe(10);
    expect(r.stderr).toContain(`${file}:1: not JSON`);
  });

  it('refuses gzip bombs of zeros and of newlines with the reason, and still reads the other file (detect and ' +
    '--estimate)', {
    timeout: 120_000,
  }, async () => {
    const zeros = await gzipBomb(dir, 64 * MB, 0);
    const newlines = await gzipBomb(dir, 64 * MB, 10);
    const r = await runCli(['detect', '--events', zeros, newlines, good, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.events).toBe(10);
    expect(out.files_refused.map((f: { file: string }) => f.file)).toEqual([zeros, newlines]);
    expect(r.stderr).toContain(`${newlines}: refused: gzip expands more than 200 times`);
    const e = await runCli(['detect', '--estimate', newlines, good, '--format', 'json']);
    expect(e.code).toBe(0);
    const est = JSON.parse(e.stdout);
    expect(est.events).toBe(10);
    expect(est.refused_files[0].file).toBe(newlines);
  });

  it('skips a line longer than the 8 MiB cap with a report, and reads the lines after it', async () => {
    const file = longLine(dir, 9 * MB);
    writeFileSync(file, `${readFileSync(file, 'utf8')}${ndjson(3)}\n`);
    const r = await runCli(['detect', '--events', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toBe(3);
    expect(r.stderr).toContain('longer than 8388608 characters (the limit); skipped');
  });

  it('loads a rule whose condition has 20,000 `or` terms and matches with it', { timeout: 120_000 }, async () => {
    const rule = orRule(dir, 20_000);
    const ev = join(dir, 'hit.ndjson');
    writeFileSync(ev, `${JSON.stringify({ Image: 'x19999.exe' })}\n${JSON.stringify({ Image: 'nothing.exe' })}\n`);
    const r = await runCli(['detect', '--rules', rule, '--events', ev, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rules_loaded).toBe(1);
    expect(out.matches[0].count).toBe(1);
  });

  it('dry-runs a CACAO playbook of 10,000 steps and reports every destructive action unguarded', {
    timeout: 240_000,
  }, async () => {
    const file = cacaoPlaybook(dir, 10_000);
    const r = await runCli(['playbook', 'dry-run', file, '--format', 'json']);
    expect(r.stderr).not.toContain('internal error');
    const doc = JSON.parse(r.stdout.split('\n')[0]!);
    const unguarded = doc.guardrail_findings.filter((f: { kind: string }) => f.kind === 'unguarded-destructive-action');
    expect(unguarded.length).toBe(4_999);
  });

  it('a dry-run whose dominator budget is too small says so and claims no guard; validate refuses as not established', {
    timeout: 240_000,
  }, async () => {
    const file = cacaoPlaybook(dir, 2_000);
    const r = await runCli(['playbook', 'dry-run', file, '--format', 'json', '--budget', 'dominators=1000']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout.split('\n')[0]!);
    expect(doc.analysis_cuts).toEqual([
      { analysis: 'dominators', reason: 'operations', limit: 1000, operations: expect.any(Number) },
    ]);
    expect(doc.counts.guards_unknown).toBe(999);
    expect(doc.guardrail_findings.some((f: { kind: string }) => f.kind === 'unguarded-destructive-action')).toBe(false);
    expect(doc.budgets.dominators).toEqual({ operations: 1000, seconds: 15 });
    const text = await runCli(['playbook', 'dry-run', file, '--budget', 'dominators=1000']);
    expect(text.stdout).toContain('cut: dominators stopped by its budget (1000 operations)');
    const v = await runCli(['playbook', 'validate', file, '--budget', 'validation=500']);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain('NOT ESTABLISHED (validation cut)');
    const bad = await runCli(['playbook', 'dry-run', file, '--budget', 'paths=3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--budget "paths=3"');
  });

  it('evaluates a folder of 300 evidence files into one report of 300 targets', { timeout: 120_000 }, async () => {
    const sample = JSON.stringify({
      format: 'socready-evidence',
      version: 1,
      platform: 'linux',
      collected_at: '2026-01-01T00:00:00Z',
      host: { hostname: '__HOST__' },
      probes: {},
    });
    const folder = evidenceFolder(dir, 300, sample);
    const r = await runCli([
      'scan',
      '--evidence',
      folder,
      '-o',
      join(dir, 'ev-out'),
      '--hosts-only',
      '--no-html',
      '--json',
    ]);
    expect(r.stderr).not.toContain('internal error');
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8'));
    expect(report.targets.length).toBe(300);
  });
});
