// EDR/AV status parsers and checks on fixtures built from the vendors' documented output (test/fixtures/products/edr,
// see its README: not captured live, none of these agents runs here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import {
  parseDefenderStatus,
  parseFalconctl,
  parseMdatpHealth,
  parseSentinelctl,
} from '../../../../src/parsers/edr/agents.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const fx = (name: string) => readFileSync(join(FIXTURES_DIR, 'products', 'edr', name), 'utf8');
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const catalog = loadCatalog();
const check = (id: string) => catalog.checks.find((c) => c.id === id)!;

/** The linux-edr-status probe's sections, as its `run` wrapper prints them (127: tool not installed). */
function sections(parts: {
  mdatp?: string;
  falcon?: string;
  falconService?: string;
  s1?: string;
}): Record<string, ProbeResult> {
  const sec = (cmd: string, text: string | undefined) =>
    text === undefined ? `### ${cmd}\n### rc=127\n` : `### ${cmd}\n${text.trimEnd()}\n### rc=0\n`;
  return {
    'linux-edr-status': ok(
      sec('mdatp health --output json', parts.mdatp) +
        sec('falconctl -g --rfm-state --aid', parts.falcon) +
        sec('systemctl is-active falcon-sensor', parts.falconService) +
        sec('sentinelctl control status', parts.s1),
    ),
  };
}
const linux = (outputs: Record<string, ProbeResult>) =>
  evaluateCheck(check('linux.edr.healthy'), outputs, { targetId: 'l1', kind: 'linux' });
const windows = (id: string, stdout: string) =>
  evaluateCheck(check(id), { 'win-defender-status': ok(stdout) }, { targetId: 'w1', kind: 'windows' });

describe('EDR agent status parsers', () => {
  it('reads mdatp health: healthy, with the auditd event subsystem it depends on', () => {
    expect(parseMdatpHealth(fx('mdatp-health.json'))).toMatchObject({
      name: 'mdatp',
      healthy: true,
      issues: [],
      event_source: 'auditd',
    });
  });

  it('reads an unhealthy mdatp: its own issues, real-time protection off, unlicensed, 14-day-old definitions', () => {
    const h = parseMdatpHealth(fx('mdatp-health-unhealthy.json'));
    expect(h.healthy).toBe(false);
    expect(h.issues).toEqual(
      expect.arrayContaining([
        'no active event provider',
        'real-time protection is off',
        'not licensed (not onboarded)',
        'definitions are 14 days old',
      ]),
    );
  });

  it('reads falconctl: registered and in full mode vs reduced functionality mode with no agent id', () => {
    expect(parseFalconctl(fx('falconctl-ok.txt'), true)).toMatchObject({ healthy: true });
    const rfm = parseFalconctl(fx('falconctl-rfm.txt'), true);
    expect(rfm.healthy).toBe(false);
    expect(rfm.issues.join(' ')).toMatch(/reduced functionality mode/);
    expect(rfm.issues.join(' ')).toMatch(/no agent id/);
    expect(parseFalconctl(fx('falconctl-ok.txt'), false).issues).toContain('falcon-sensor is not running');
  });

  it('reads sentinelctl: enabled and connected vs disabled by management and offline', () => {
    expect(parseSentinelctl(fx('sentinelctl-ok.txt')).healthy).toBe(true);
    const off = parseSentinelctl(fx('sentinelctl-disconnected.txt'));
    expect(off.healthy).toBe(false);
    expect(off.issues).toEqual([
      'agent state: Disabled by management',
      'protection: Disabled',
      'management connectivity: Off',
    ]);
  });

  it(
    'reads Get-MpComputerStatus: passive mode, real-time and tamper protection off, old signatures, not ' + 'onboarded',
    () => {
      expect(parseDefenderStatus(fx('defender-status-healthy.json'))).toMatchObject({
        healthy: true,
        details: { mde_onboarded: true, running_mode: 'Normal' },
      });
      const p = parseDefenderStatus(fx('defender-status-passive.json'));
      expect(p.issues).toEqual([
        'real-time protection is off',
        'tamper protection is off',
        'signatures are 12 days old',
        'running mode: Passive Mode',
      ]);
      expect(p.details.mde_onboarded).toBeNull();
    },
  );

  it('rejects output that is not the documented shape, with the command named', () => {
    expect(() => parseMdatpHealth('ERROR: daemon not running')).toThrow(/mdatp health/);
    expect(() => parseFalconctl('usage: falconctl ...', true)).toThrow(/falconctl/);
  });
});

describe('EDR checks', () => {
  it(
    'passes healthy mdatp and Falcon agents, fails an RFM Falcon naming why, and is not applicable with no ' + 'agent',
    () => {
      expect(
        linux(sections({ mdatp: fx('mdatp-health.json'), falcon: fx('falconctl-ok.txt'), falconService: 'active' }))
          .status,
      ).toBe('pass');
      const bad = linux(sections({ falcon: fx('falconctl-rfm.txt'), falconService: 'active' }));
      expect(bad.status).toBe('fail');
      expect(bad.reason).toMatch(/crowdstrike: reduced functionality mode/);
      expect(linux(sections({})).status).toBe('not-applicable');
    },
  );

  it('fails a disconnected SentinelOne agent', () => {
    expect(linux(sections({ s1: fx('sentinelctl-disconnected.txt') })).status).toBe('fail');
  });

  it(
    'grades Defender on Windows: healthy and onboarded pass; passive, unprotected and not onboarded fail; ' +
      'absent is not applicable',
    () => {
      expect(windows('windows.defender.healthy', fx('defender-status-healthy.json')).status).toBe('pass');
      expect(windows('windows.defender.mde-onboarded', fx('defender-status-healthy.json')).status).toBe('pass');
      expect(windows('windows.defender.healthy', fx('defender-status-passive.json')).status).toBe('fail');
      expect(windows('windows.defender.mde-onboarded', fx('defender-status-passive.json')).status).toBe('fail');
      expect(windows('windows.defender.healthy', '').status).toBe('not-applicable');
    },
  );
});

describe('EDR dependency on auditd', () => {
  const dep = (edr: Record<string, ProbeResult>, auditctl: string) =>
    evaluateCheck(
      check('linux.edr.auditd-dependency'),
      { ...edr, 'auditctl-status': ok(auditctl) },
      { targetId: 'l1', kind: 'linux' },
    );
  const RUNNING = 'enabled 1\nfailure 1\npid 812\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n';
  const OFF = 'enabled 0\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 64\nlost 0\nbacklog 0\n';

  it('fails mdatp in auditd mode on a host whose kernel audit is off, saying so', () => {
    const f = dep(sections({ mdatp: fx('mdatp-health.json') }), OFF);
    expect(f.status).toBe('fail');
    expect(f.reason).toBe('mdatp reads its events from auditd, but kernel auditing is off (enabled 0)');
  });

  it('passes it with auditd running, and does not apply to an agent on eBPF', () => {
    expect(dep(sections({ mdatp: fx('mdatp-health.json') }), RUNNING).status).toBe('pass');
    expect(dep(sections({ mdatp: fx('mdatp-health-unhealthy.json') }), OFF).status).toBe('not-applicable');
  });
});
