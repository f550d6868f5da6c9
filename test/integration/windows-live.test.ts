import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';

// Live Windows scan over WinRM. It needs pwsh on the machine running the tests and a reachable Windows host, neither
// of which the project's Debian machines have, so it runs only where SOCREADY_TEST_WINRM names a host
// (SOCREADY_TEST_WINRM_USER and the password in SOCREADY_TEST_WINRM_PASSWORD).
const host = process.env.SOCREADY_TEST_WINRM;

describe.skipIf(!host)('Windows scan over WinRM (live; set SOCREADY_TEST_WINRM to run)', () => {
  it('collects every Windows probe in one batch and decides the audit-policy checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-winrm-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: live\ntargets:\n  - id: win\n    kind: windows\n    address: ' +
        `${JSON.stringify(host)}\n    winrm: { user: ` +
        `${JSON.stringify(process.env.SOCREADY_TEST_WINRM_USER ?? 'Administrator')}, password_env: ` +
        'SOCREADY_TEST_WINRM_PASSWORD }\n',
    );
    const r = await runCli(
      ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json', '--hosts-only', '--no-html'],
      { timeoutMs: 300_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    expect(report.targets[0]!.error).toBeUndefined();
    const decided = report.findings.filter(
      (f) => f.check.startsWith('windows.auditpol.') && (f.status === 'pass' || f.status === 'fail'),
    );
    expect(decided.length).toBeGreaterThan(10);
  }, 320_000);
});
