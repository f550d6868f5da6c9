import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../../src/model.js';
import {
  createPowerShellTransport,
  type PowerShellTransport,
  winrmErrorKind,
} from '../../../src/transport/powershell.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const FAKE = join(FIXTURES_DIR, 'pwsh', 'fake-pwsh.mjs');
const FIXTURE = join(FIXTURES_DIR, 'pwsh', 'windows-host.json');
let dir: string;
let logFile: string;
const opened: PowerShellTransport[] = [];

beforeAll(() => {
  chmodSync(FAKE, 0o755);
  dir = mkdtempSync(join(tmpdir(), 'socready-pwsh-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function windows(over: Partial<Target> = {}): Target {
  return { id: 'win-01', kind: 'windows', address: 'win-01.example.test', tags: [], transport: 'powershell', ...over };
}

function transport(target: Target, env: Record<string, string> = {}, batchTimeoutMs?: number): PowerShellTransport {
  logFile = join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  const t = createPowerShellTransport(target, {
    executable: FAKE,
    env: { PATH: process.env.PATH ?? '', FAKE_PWSH_FIXTURE: FIXTURE, FAKE_PWSH_LOG: logFile, ...env },
    ...(batchTimeoutMs ? { batchTimeoutMs } : {}),
  });
  opened.push(t);
  return t;
}

const log = () => {
  try {
    return readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
};
const starts = () =>
  log()
    .split('\n')
    .filter((l) => l.startsWith('START ')).length;

const PROBES = [
  { id: 'auditpol', script: 'auditpol /get /category:* /r' },
  { id: 'w32tm', script: 'w32tm /query /status' },
  { id: 'lsa', script: 'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa" /v SCENoApplyLegacyAuditPolicy' },
  { id: 'denied', script: "Get-ItemProperty 'HKLM:\\SECURITY\\Policy'" },
  { id: 'sysmon', script: 'sysmon64 -c' },
];

describe('powershell transport (fake pwsh speaking the node-powershell protocol)', () => {
  it('runs every probe of a host in one PowerShell start and returns one result per probe', async () => {
    const t = transport(windows({ address: 'localhost' }));
    expect(await t.open()).toBeUndefined();
    const results = await t.runBatch(PROBES);
    expect(Object.keys(results).sort()).toEqual(PROBES.map((p) => p.id).sort());
    expect(results.auditpol!.stdout).toContain('{0CCE923F-69AE-11D9-BED3-505054503030}');
    expect(results.auditpol!.stdout).toContain('資格情報の確認');
    expect(results.lsa!.stdout).toContain('SCENoApplyLegacyAuditPolicy    REG_DWORD    0x1');
    expect(results.denied!.error?.kind).toBe('permission-denied');
    expect(results.sysmon!.error?.kind).toBe('not-found');
    // More calls reuse the same PowerShell process.
    await t.run('w32tm /query /status');
    expect((await t.describe()).hostname).toBe('WIN-JP01');
    expect(starts()).toBe(1);
    expect(log().split('# socready-probes:').length - 1).toBe(2); // the batch and the run(), nothing per probe
  });

  it('reads a file through Get-Content with the path quoted for PowerShell', async () => {
    const path = join(dir, "it's ‘odd’ $name.txt");
    writeFileSync(path, '監査ログ\n');
    const t = transport(windows({ address: 'localhost' }));
    const r = await t.readFile(path);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('監査ログ\n');
    expect((await t.readFile(join(dir, 'missing.txt'))).error?.kind).toBe('not-found');
  });

  it('describes the host from the collection document', async () => {
    const t = transport(windows({ address: 'localhost' }));
    expect(await t.describe()).toEqual({
      platform: 'windows',
      hostname: 'WIN-JP01',
      os: 'Microsoft Windows Server 2022 Standard',
      kernel: '10.0.20348',
    });
  });

  it('reaches a remote host over WinRM HTTPS by default with credentials read from the named variable', async () => {
    const t = transport(windows({ winrm: { user: 'CORP\\audit', password_env: 'WINRM_PW' } }), {
      WINRM_PW: 'S3cr3t-value!',
    });
    const r = await t.runBatch(PROBES.slice(0, 2));
    expect(r.auditpol!.error).toBeUndefined();
    expect(t.connection).toEqual({ method: 'winrm', scheme: 'https', port: 5986 });
    const text = log();
    expect(text).toContain('UseSSL = $true');
    expect(text).toContain('Port = 5986');
    expect(text).toContain('$env:WINRM_PW');
    expect(text).toContain("'CORP\\audit'");
    expect(text).toContain('Invoke-Command -Session $global:socreadySession');
    expect(text).not.toContain('S3cr3t-value!'); // the secret never travels in a script
  });

  it('falls back to HTTP when no HTTPS listener answers, and says so', async () => {
    const t = transport(windows({ winrm: { user: 'audit', password_env: 'WINRM_PW' } }), {
      WINRM_PW: 'x',
      FAKE_PWSH_MODE: 'no-https',
    });
    const r = await t.runBatch(PROBES.slice(0, 1));
    expect(r.auditpol!.error).toBeUndefined();
    expect(t.connection.scheme).toBe('http');
    expect(t.connection.port).toBe(5985);
    expect(t.connection.httpsError).toContain('WinRM cannot complete the operation');
  });

  it('does not fall back to HTTP when HTTPS is required', async () => {
    const t = transport(windows({ winrm: { https: true } }), { FAKE_PWSH_MODE: 'no-https' });
    const r = await t.runBatch(PROBES.slice(0, 2));
    expect(r.auditpol!.error?.kind).toBe('unreachable');
    expect(r.w32tm!.error?.kind).toBe('unreachable');
    expect(log()).not.toMatch(/Port = 5985/);
  });

  it('maps access denied to auth-failed for every probe', async () => {
    const t = transport(windows({ winrm: { user: 'audit', password_env: 'WINRM_PW' } }), {
      WINRM_PW: 'x',
      FAKE_PWSH_MODE: 'auth-denied',
    });
    const r = await t.runBatch(PROBES);
    expect(Object.values(r).every((p) => p.error?.kind === 'auth-failed')).toBe(true);
    expect(r.auditpol!.error?.message).toContain('Access is denied');
  });

  it('reports an unset password variable as a config error without starting PowerShell', async () => {
    const t = transport(windows({ winrm: { user: 'audit', password_env: 'SOCREADY_NO_SUCH_PW' } }));
    const r = await t.runBatch(PROBES.slice(0, 1));
    expect(r.auditpol!.error).toEqual({ kind: 'config', message: expect.stringContaining('SOCREADY_NO_SUCH_PW') });
    expect(starts()).toBe(0);
  });

  it('stops a batch that hangs at the timeout and reports timeout', async () => {
    const t = transport(windows({ address: 'localhost' }), { FAKE_PWSH_MODE: 'hang' }, 800);
    const r = await t.runBatch(PROBES.slice(0, 2));
    expect(r.auditpol!.error?.kind).toBe('timeout');
    expect(r.w32tm!.error?.kind).toBe('timeout');
  });

  it('reports output without a collection document as an error, not a pass', async () => {
    const t = transport(windows({ address: 'localhost' }), { FAKE_PWSH_MODE: 'garbage' });
    const r = await t.runBatch(PROBES.slice(0, 1));
    expect(r.auditpol!.error?.kind).toBe('other');
    expect(r.auditpol!.error?.message).toContain('no collection document');
  });

  it('reports a missing PowerShell executable as unsupported', async () => {
    const t = createPowerShellTransport(windows({ address: 'localhost' }), { executable: join(dir, 'no-such-pwsh') });
    opened.push(t);
    const err = await t.open();
    expect(err?.kind).toBe('unsupported');
  });

  it('refuses a state-changing probe and still runs the others', async () => {
    const t = transport(windows({ address: 'localhost' }));
    const r = await t.runBatch([PROBES[0]!, { id: 'evil', script: 'auditpol /clear /y' }]);
    expect(r.evil!.error?.kind).toBe('config');
    expect(r.auditpol!.error).toBeUndefined();
    expect(log()).not.toContain('auditpol /clear');
  });
});

describe('winrmErrorKind', () => {
  it('classifies the usual New-PSSession failures', () => {
    expect(winrmErrorKind('PSSessionOpenFailed ... Access is denied.')).toBe('auth-failed');
    expect(winrmErrorKind('PSSessionOpenFailed ... The user name or password is incorrect.')).toBe('auth-failed');
    expect(
      winrmErrorKind('WinRM cannot complete the operation. Verify that the specified computer name is valid'),
    ).toBe('unreachable');
    expect(
      winrmErrorKind(
        'The server certificate on the destination computer (win-01:5986) has the following errors: The SSL ' +
          'certificate is signed by an unknown certificate authority.',
      ),
    ).toBe('other');
  });
});
