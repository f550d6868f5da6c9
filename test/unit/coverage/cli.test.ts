import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/coverage.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import YAML from 'yaml';
import { shippedSourceCatalog } from '../../../src/sources/catalog.js';
import { buildSourceMap } from '../../../src/sources/map.js';
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
    const r = await run([
      'coverage',
      '--rules',
      join(FIXTURES_DIR, 'rules', 'elastic'),
      '--navigator',
      nav,
      '--dettect',
      det,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ATT&CK 19\.1 .* 2 rules read/);
    expect(r.out).toContain('Visibility not measured');
    expect(JSON.parse(readFileSync(nav, 'utf8')).versions.layer).toBe('4.5');
    expect(readFileSync(det, 'utf8')).toContain('file_type: technique-administration');
  });

  it("joins a report's findings and the inventory's threat focus, answering JSON", async () => {
    const report = join(dir, 'report.json');
    writeFileSync(
      report,
      JSON.stringify({
        findings: fleet('win.sysmon.event10', 4, 1, [{ product: 'windows', category: 'process_access' }]),
      }),
    );
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

  it(
    "writes ATT&CK visibility by log-source class from a report's source map (Navigator layer and DeTT&CT data " +
      'sources)',
    async () => {
      const findings = ['linux.auditd.running', 'linux.audit.rules.execve', 'linux.logfwd.audit-events'].map(
        (check) => ({
          check,
          target: 'h1',
          status: 'pass',
          area: 'log-collection',
          severity: 'high',
          weight: 1,
          title: { en: check, ja: check },
          evidence: [],
          maps: {},
        }),
      );
      const targets = [
        { id: 'h1', kind: 'linux', address: 'h1', transport: 'ssh', status: 'ok', duration_ms: 1, checks_run: 3 },
      ] as const;
      const sources = buildSourceMap({
        catalog: shippedSourceCatalog(),
        findings: findings as never,
        targets: [...targets],
        estate: { sources: { edr: { products: ['CrowdStrike'] } } },
      });
      const report = join(dir, 'report.json');
      writeFileSync(report, JSON.stringify({ findings, analyses: { sources } }));
      const layer = join(dir, 'sources.layer.json');
      const ds = join(dir, 'data-sources.yaml');
      const r = await run([
        'coverage',
        '--rules',
        join(FIXTURES_DIR, 'rules', 'elastic'),
        '--report',
        report,
        '--source-layer',
        layer,
        '--dettect-data-sources',
        ds,
      ]);
      expect(r.code).toBe(0);
      const l = JSON.parse(readFileSync(layer, 'utf8'));
      // T1059 (Command and Scripting Interpreter) shows in process creation: Linux OS audit is measured, EDR missing.
      const t1059 = l.techniques.find((t: { techniqueID: string }) => t.techniqueID === 'T1059');
      expect(t1059.score).toBe(100);
      expect(t1059.comment).toContain('measured: Linux OS audit');
      expect(t1059.comment).toContain('missing: Endpoint detection and response (EDR)');
      const doc = YAML.parse(readFileSync(ds, 'utf8'));
      expect(doc.file_type).toBe('data-source-administration');
      const pc = doc.data_sources.find((d: { data_source_name: string }) => d.data_source_name === 'Process Creation')
        .data_source[0];
      expect(pc).toMatchObject({
        available_for_data_analytics: true,
        products: ['Linux OS audit'],
        data_quality: { device_completeness: 3 },
      });
      const cloud = doc.data_sources.find(
        (d: { data_source_name: string }) => d.data_source_name === 'Cloud Service Modification',
      ).data_source[0];
      expect(cloud).toMatchObject({
        available_for_data_analytics: false,
        date_connected: null,
        comment: 'Cloud control plane: unknown',
      });
      // Without a source map the exports say what is missing instead of writing an empty view.
      writeFileSync(report, JSON.stringify({ findings }));
      const none = await run([
        'coverage',
        '--rules',
        join(FIXTURES_DIR, 'rules', 'elastic'),
        '--report',
        report,
        '--source-layer',
        layer,
      ]);
      expect(none.code).toBe(2);
      expect(none.err).toContain('need a report with a source map');
    },
  );
});
