import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gate, register } from '../../../src/commands/report.js';
import { ACME_DIR, RUN_FILES, run } from './fixtures.js';

describe('gate', () => {
  it('passes when the overall level meets --fail-under', () => {
    expect(gate(run(2), { failUnder: 3 })).toEqual({ exitCode: 0, reasons: [] });
  });
  it('fails with exit 1 below --fail-under and says why', () => {
    const g = gate(run(2), { failUnder: 4 });
    expect(g.exitCode).toBe(1);
    expect(g.reasons).toEqual(['overall maturity 3 (defined) is below 4 (measured)']);
  });
  it('fails when nothing was assessed and a threshold is set', () => {
    const { score: _s, ...r } = run(2);
    const empty = { ...r, findings: [], analyses: {}, questionnaire: undefined };
    expect(gate(empty, { failUnder: 0 }).exitCode).toBe(1);
  });
  it('fails on any regression against the baseline: an area level and each check that passed before', () => {
    const g = gate(run(2), { baseline: run(1) });
    expect(g.exitCode).toBe(1);
    expect(g.reasons).toEqual([
      'OS audit policy regressed: 3 (defined) → 2 (managed)',
      'web.modsecurity.password-masking on web-02 passed in the baseline and now fails',
      'linux.audit.rules.bpf on db-01 passed in the baseline and now fails',
    ]);
  });
  it('passes against a baseline that was worse everywhere', () => {
    expect(gate(run(1), { baseline: run(0) }).exitCode).toBe(0);
  });
  it('explains in Japanese', () => {
    expect(gate(run(2), { failUnder: 5, lang: 'ja' }).reasons[0]).toBe(
      '総合成熟度 3（定義） が基準 5（最適化） を下回っています',
    );
  });
});

describe('socready report | trend | diff (CLI)', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    process.exitCode = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err += String(s);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  async function cli(...args: string[]): Promise<number> {
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(['node', 'socready', ...args]);
    return Number(process.exitCode ?? 0);
  }

  it('exits 0 and prints the format when no gate is set', async () => {
    expect(await cli('report', RUN_FILES[2]!, '--format', 'md', '--lang', 'en')).toBe(0);
    expect(out).toContain('**Overall maturity: 3 (defined)**');
  });

  it('exits 1 below --fail-under, which takes a level name too', async () => {
    expect(await cli('report', RUN_FILES[2]!, '--format', 'junit', '--fail-under', 'measured')).toBe(1);
    expect(err).toContain('gate: overall maturity 3 (defined) is below 4 (measured)');
  });

  it('exits 1 on a regression against --baseline and shows the change since the baseline', async () => {
    expect(await cli('report', RUN_FILES[2]!, '--format', 'md', '--lang', 'en', '--baseline', RUN_FILES[1]!)).toBe(1);
    expect(out).toContain('| OS audit policy | 2 (managed) | measured | ▼ -1 |');
  });

  it('exits 2 on a report that is not valid, naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-cli-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, readFileSync(RUN_FILES[0]!, 'utf8').replace('"mode": "live"', '"mode": "guess"'));
    expect(await cli('report', bad, '--format', 'md')).toBe(2);
    expect(err).toContain(`${bad}: run.mode: not a socready report: must be one of live, evidence, local`);
  });

  it('exits 2 on an unknown format, language or level', async () => {
    expect(await cli('report', RUN_FILES[2]!, '--format', 'docx')).toBe(2);
    expect(await cli('report', RUN_FILES[2]!, '--lang', 'fr')).toBe(2);
    expect(await cli('report', RUN_FILES[2]!, '--fail-under', 'excellent')).toBe(2);
  });

  it('writes -o files and the navigator layer from the coverage analysis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-cli-'));
    expect(await cli('report', RUN_FILES[2]!, '--format', 'navigator', '-o', join(dir, 'layer.json'))).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8')).domain).toBe('enterprise-attack');
    expect(await cli('report', RUN_FILES[2]!, '--format', 'sarif', '-o', join(dir, 'out', 'r.sarif'))).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'r.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('trend prints the table and writes the chart; diff prints better and worse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-cli-'));
    expect(await cli('trend', ACME_DIR, '-o', join(dir, 'trend.html'), '--lang', 'en')).toBe(0);
    expect(out).toContain('2026-09-01T0900Z-a1b2');
    expect(readFileSync(join(dir, 'trend.html'), 'utf8')).toContain('<svg');
    out = '';
    expect(await cli('diff', RUN_FILES[1]!, RUN_FILES[2]!, '--lang', 'en')).toBe(0);
    expect(out).toContain('Better: fixed findings (3)');
  });

  it('trend exits 2 on a folder without reports', async () => {
    expect(await cli('trend', mkdtempSync(join(tmpdir(), 'socready-empty-')))).toBe(2);
    expect(err).toContain('no valid report JSON found');
  });
});
