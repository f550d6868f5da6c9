import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import type { Report } from '../../src/model.js';
import { readOnlyViolation } from '../../src/transport/pwsh-script.js';
import { runCli } from '../helpers/cli.js';
import { hostEvidenceFile, hostOutputs } from '../helpers/windows-hosts.js';

// PowerShell cannot be installed on this Debian machine, so the Windows path runs end to end through offline
// evidence in the exact formats Windows prints (see README: what was and was not run live).
describe('Windows through offline evidence (scan --evidence)', () => {
  it('prints a read-only PowerShell collection script that covers every Windows probe', async () => {
    const r = await runCli(['collect-script', '--platform', 'windows']);
    expect(r.code).toBe(0);
    // Command probes: a live probe (the --active canary) is never part of an offline collection script.
    const probes = [...loadCatalog().probes.values()].filter((p) => p.platform === 'windows' && p.kind === 'command');
    for (const p of probes) {
      expect(r.stdout).toContain(`$socreadyProbes['${p.id}']`);
      expect(readOnlyViolation(p.command!), p.id).toBeUndefined();
    }
    expect(r.stdout).toContain('param([string]$OutFile');
    expect(r.stdout).toContain('"format":"socready-evidence"');
  });

  it('evaluates a hardened and a default Windows host from evidence files, in both evidence forms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-win-'));
    writeFileSync(join(dir, 'dc01.json'), JSON.stringify(hostEvidenceFile('hardened', 'DC01')));
    // The form the PowerShell script writes: the collection document with plain-text outputs.
    const outputs = hostOutputs('default');
    const collection = {
      format: 'socready-evidence',
      version: 1,
      platform: 'windows',
      collected_at: '2026-11-23T09:00:00Z',
      collection: {
        host: {
          hostname: 'WS042',
          os: 'Microsoft Windows 11 Pro',
          ps_version: '5.1.22621.4391',
          culture: 'ja-JP',
          is_admin: true,
        },
        probes: Object.fromEntries(
          Object.entries(outputs).map(([id, o]) => [
            id,
            { stdout: o.stdout, stderr: '', exit_code: 0, duration_ms: 12 },
          ]),
        ),
      },
    };
    writeFileSync(join(dir, 'ws042.json'), `\uFEFF${JSON.stringify(collection)}`);
    const r = await runCli([
      'scan',
      '--evidence',
      dir,
      '-o',
      join(dir, 'reports'),
      '--json',
      '--hosts-only',
      '--no-html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    expect(report.targets.map((t) => [t.id, t.kind, t.transport])).toEqual([
      ['DC01', 'windows', 'evidence'],
      ['WS042', 'windows', 'evidence'],
    ]);
    const status = (target: string, check: string) =>
      report.findings.find((f) => f.target === target && f.check === check)?.status;
    expect(status('DC01', 'windows.sysmon.event-10')).toBe('pass');
    expect(status('WS042', 'windows.sysmon.event-10')).toBe('fail');
    expect(status('DC01', 'windows.auditpol.process-creation')).toBe('pass');
    expect(status('WS042', 'windows.auditpol.process-creation')).toBe('fail');
    expect(status('WS042', 'windows.forwarding.agent')).toBe('fail');
    expect(report.findings.filter((f) => f.target === 'DC01' && f.status === 'fail')).toEqual([]);
  });
});
