import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { Finding } from '../../../src/model.js';
import { hostOutputs } from '../../helpers/windows-hosts.js';

const catalog = loadCatalog();
// The live Windows canary (--active) is sent, not read from a host's files: its checks are proved against the
// PowerShell transport with fixture answers (test/integration/windows-canary.test.ts), not host fixtures.
const live = (id: string) => catalog.probes.get(id)?.kind === 'live';
const windowsChecks = catalog.checks.filter((c) => c.kinds.includes('windows') && !c.probes.some(live));

function evaluateHost(host: 'hardened' | 'default'): Map<string, Finding> {
  const outputs = hostOutputs(host);
  return new Map(windowsChecks.map((c) => [c.id, evaluateCheck(c, outputs, { targetId: host, kind: 'windows' })]));
}

describe('Windows check catalog', () => {
  it('loads its checks without problems (mappings and languages: catalog-contract.test.ts)', () => {
    expect(catalog.problems.map((p) => p.message)).toEqual([]);
    expect(windowsChecks.length).toBeGreaterThanOrEqual(30);
  });

  it(
    'passes every check on a hardened host (Japanese auditpol, sysmon-modular, Winlogbeat, domain time, HTTPS ' +
      'WinRM)',
    () => {
      const findings = evaluateHost('hardened');
      const notPassing = [...findings.values()].filter((f) => f.status !== 'pass' && f.status !== 'not-applicable');
      expect(notPassing.map((f) => `${f.check}: ${f.status} ${f.reason ?? JSON.stringify(f.observed)}`)).toEqual([]);
    },
  );

  it('fails the key checks on a default host with the SwiftOnSecurity Sysmon baseline', () => {
    const findings = evaluateHost('default');
    const status = (id: string) => findings.get(id)?.status;
    expect(status('windows.auditpol.process-creation')).toBe('fail');
    expect(status('windows.auditpol.credential-validation')).toBe('fail');
    expect(status('windows.auditpol.logon')).toBe('pass');
    expect(status('windows.auditpol.account-lockout')).toBe('fail');
    expect(status('windows.audit.cmdline-4688')).toBe('fail');
    // Not set explicitly: Microsoft's documented effective default is Enabled, so a warn, not a fail.
    expect(status('windows.audit.scenoapplylegacy')).toBe('warn');
    expect(status('windows.powershell.scriptblock-logging')).toBe('fail');
    expect(status('windows.powershell7.scriptblock-logging')).toBe('fail');
    expect(status('windows.sysmon.running')).toBe('pass');
    expect(status('windows.sysmon.event-1')).toBe('pass');
    expect(status('windows.sysmon.event-7')).toBe('fail');
    expect(status('windows.sysmon.event-10')).toBe('fail');
    expect(status('windows.sysmon.baseline')).toBe('fail');
    expect(status('windows.eventlog.security-size')).toBe('fail');
    expect(status('windows.forwarding.agent')).toBe('fail');
    expect(status('windows.forwarding.security-channel')).toBe('not-applicable');
    expect(status('windows.time.synchronised')).toBe('fail');
    expect(status('windows.winrm.https')).toBe('fail');
  });

  it('records what it saw: the process-access rules are blind because event 10 is off', () => {
    const f = evaluateHost('default').get('windows.sysmon.event-10')!;
    expect(f.provides).toEqual([{ product: 'windows', category: 'process_access' }]);
    expect(f.observed).toEqual({
      running: true,
      'event_config.10': 'ProcessAccess (10): onmatch include with no rules, so no event is written',
      'events.10': false,
    });
  });
});
