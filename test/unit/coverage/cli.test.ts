import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/coverage.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { fleet } from './helpers.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  process.exitCode = undefined;
  try {
    const program = new Command('socready').exitOverride();
    register(program);
    await program.parseAsync(['node', 'socready', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, out, err };
}

describe('socready coverage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'socready-cov-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('works on rules alone and writes the Navigator layer and DeTT&CT file', async () => {
    const nav = join(dir, 'layer.json');
    const det = join(dir, 'dettect.yaml');
    const r = await run(['coverage', '--rules', join(FIXTURES_DIR, 'rules', 'elastic'), '--navigator', nav, '--dettect', det]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ATT&CK 19\.1 .* 2 rules read/);
    expect(r.out).toContain('Visibility not measured');
    expect(JSON.parse(readFileSync(nav, 'utf8')).versions.layer).toBe('4.5');
    expect(readFileSync(det, 'utf8')).toContain('file_type: technique-administration');
  });

  it('joins a report\'s findings and the inventory\'s threat focus, answering JSON', async () => {
    const report = join(dir, 'report.json');
    writeFileSync(report, JSON.stringify({ findings: fleet('win.sysmon.event10', 4, 1, [{ product: 'windows', category: 'process_access' }]) }));
    const inv = join(dir, 'inventory.yaml');
    writeFileSync(inv, `rules:\n  - ${join(FIXTURES_DIR, 'rules', 'splunk')}\nthreat_focus: [G0016]\n`);
    const r = await run(['coverage', '--inventory', inv, '--report', report, '--format', 'json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.details.visibility_measured).toBe(true);
    expect(res.details.threat_focus[0].id).toBe('G0016');
    expect(res.details.blind_sources[0].blind_targets).toBe(3);
  });

  it('exits 2 with the file and field named on bad input', async () => {
    const report = join(dir, 'bad.json');
    writeFileSync(report, JSON.stringify({ nofindings: true }));
    const r = await run(['coverage', '--rules', join(FIXTURES_DIR, 'rules', 'elastic'), '--report', report]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.json');
    expect(r.err).toMatch(/findings/);
    const none = await run(['coverage', '--rules', join(dir, 'empty-nothing')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no rule files found \(cannot read: no such file or folder \(ENOENT\)\)/);
  });
});
