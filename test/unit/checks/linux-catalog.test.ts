import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../../src/checks/catalog.js';
import { factPaths, getFact } from '../../../src/checks/condition.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { CheckDef, ProbeDef } from '../../../src/checks/types.js';
import type { Finding } from '../../../src/model.js';
import { PARSERS } from '../../../src/parsers/index.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { fixtureHost } from '../../fixtures/linux/hosts.js';

let catalog: Catalog;
let linuxChecks: CheckDef[];
let linuxProbes: ProbeDef[];

function evaluateHost(outputs: Record<string, ProbeResult>, offline = false): Map<string, Finding> {
  const findings = new Map<string, Finding>();
  for (const check of linuxChecks)
    findings.set(check.id, evaluateCheck(check, outputs, { targetId: 'host', kind: 'linux', offline }));
  return findings;
}

const offlineResult: ProbeResult = {
  stdout: '',
  stderr: '',
  exitCode: null,
  truncated: false,
  durationMs: 0,
  error: { kind: 'offline', message: 'not run: the target is an image' },
};

beforeAll(() => {
  catalog = loadCatalog();
  // The live host canary (--active) is sent, not read from a host's files: its checks are proved against real rsyslog
  // daemons (test/integration/log-arrival.test.ts) and fakes (test/unit/collect/host-canary.test.ts), not fixtures.
  const live = (id: string) => catalog.probes.get(id)?.kind === 'live';
  linuxChecks = catalog.checks.filter((c) => c.file?.startsWith('linux/') && !c.probes.some(live));
  linuxProbes = [...catalog.probes.values()].filter((p) => p.platform === 'linux');
});

describe('linux check catalog', () => {
  it('loads the linux checks and probes with no problems', () => {
    const mine = catalog.problems.filter((p) => /(^|\/)(linux\/|probes\/linux\.yaml)/.test(p.file));
    expect(mine.map((p) => p.message)).toEqual([]);
    expect(linuxChecks.length).toBeGreaterThanOrEqual(28);
    expect(linuxProbes.length).toBeGreaterThanOrEqual(20);
  });

  it('targets linux hosts with linux probes (references resolve: catalog-contract.test.ts)', () => {
    for (const check of linuxChecks) {
      expect(check.id).toMatch(/^linux\./);
      expect(check.kinds).toEqual(['linux']);
      for (const p of check.probes) expect(catalog.probes.get(p)?.platform, `${check.id} -> ${p}`).toBe('linux');
    }
  });

  it('gives a concrete command in every remediation (both languages: catalog-contract.test.ts)', () => {
    for (const check of linuxChecks) {
      expect(check.remediation.en, check.id).toMatch(/`|^\s{2,}-[aw] /m);
    }
  });

  it('declares Sigma log sources only in the Sigma shape', () => {
    for (const check of linuxChecks) {
      for (const ls of check.provides ?? []) {
        expect(ls.product).toBe('linux');
        expect(ls.service ?? ls.category).toMatch(/^[a-z_]+$/);
      }
    }
    const provided = linuxChecks.flatMap((c) => (c.provides ?? []).map((p) => p.service ?? p.category));
    expect(new Set(provided)).toEqual(
      new Set(['auditd', 'process_creation', 'syslog', 'auth', 'sudo', 'cron', 'sshd']),
    );
  });

  it('reads only facts that its parser produces (no typos in fact paths)', () => {
    const outputs = fixtureHost('hardened', catalog.probes.values());
    for (const check of linuxChecks) {
      const facts = PARSERS[check.parser]!(outputs, { targetId: 'h', kind: 'linux' });
      for (const cond of [check.condition, check.applies_if, check.warn_if]) {
        if (!cond) continue;
        for (const path of [...factPaths(cond)].filter((p) => !p.includes('[]')))
          expect(getFact(facts, path), `${check.id}: ${path}`).not.toBeUndefined();
      }
    }
  });
});

describe('linux catalog on fixture hosts', () => {
  const KEY_CHECKS = [
    'linux.auditd.kernel-enabled',
    'linux.auditd.kernel-cmdline',
    'linux.auditd.immutable',
    'linux.audit.rules.execve',
    'linux.audit.rules.identity',
    'linux.audit.rules.sudoers',
    'linux.audit.rules.ssh',
    'linux.audit.rules.modules',
    'linux.audit.rules.bpf',
    'linux.audit.rules.memfd',
    'linux.audit.rules.ld-preload',
    'linux.logfwd.configured',
    'linux.logfwd.audit-events',
    'linux.sshd.loglevel',
  ];

  it('passes every check on the hardened host', () => {
    const findings = evaluateHost(fixtureHost('hardened', catalog.probes.values()));
    const notPassing = [...findings.values()]
      .filter((f) => f.status !== 'pass')
      .map((f) => `${f.check}: ${f.status} ${f.reason ?? JSON.stringify(f.observed)}`);
    // The hardened host forwards with rsyslog: the syslog-ng check does not apply to it, nor (no Splunk there) the
    // props.conf TRUNCATE check.
    expect(notPassing).toEqual([
      'linux.syslog-ng.log-msg-size: not-applicable does not apply: installed = false',
      'linux.splunk.truncate: not-applicable does not apply: applicable = false',
    ]);
  });

  it('fails the key checks on a default Debian host with auditd and rsyslog installed, and says why', () => {
    const findings = evaluateHost(fixtureHost('debian-default', catalog.probes.values()));
    const status = (id: string) => findings.get(id)!.status;
    for (const id of KEY_CHECKS.filter((k) => k !== 'linux.auditd.kernel-enabled')) expect(status(id), id).toBe('fail');
    // What a stock install gets right is not reported as a failure.
    for (const id of [
      'linux.auditd.installed',
      'linux.auditd.running',
      'linux.auditd.kernel-enabled',
      'linux.auditd.backlog-limit',
      'linux.time.sync',
      'linux.authlog.recent',
    ]) {
      expect(status(id), id).toBe('pass');
    }
    expect(status('linux.auditd.disk-full-action')).toBe('warn');
    expect(status('linux.logfwd.connected')).toBe('not-applicable');
    expect(findings.get('linux.audit.rules.execve')!.observed!['coverage.execve.missing']).toEqual([
      'execve (b64)',
      'execve (b32)',
    ]);
    expect(findings.get('linux.sshd.loglevel')!.observed).toMatchObject({ loglevel: 'INFO' });
  });

  it('fails, rather than skips, auditing on a minimal Debian host without auditd or rsyslog (journald only)', () => {
    const findings = evaluateHost(fixtureHost('debian-minimal', catalog.probes.values()));
    const status = (id: string) => findings.get(id)!.status;
    for (const id of [
      'linux.auditd.installed',
      'linux.auditd.kernel-enabled',
      'linux.audit.rules.execve',
      'linux.logfwd.configured',
      'linux.logfwd.audit-events',
    ]) {
      expect(status(id), id).toBe('fail');
    }
    // Checks about a daemon that is not there are not applicable: the missing daemon is reported once, above.
    for (const id of [
      'linux.auditd.running',
      'linux.auditd.backlog-limit',
      'linux.auditd.immutable',
      'linux.auditd.rules-persisted',
      'linux.auditd.disk-full-action',
      'linux.logfwd.connected',
    ]) {
      expect(status(id), id).toBe('not-applicable');
    }
    expect(status('linux.authlog.recent')).toBe('pass'); // the journal holds auth records from an hour ago
    expect(findings.get('linux.audit.rules.bpf')!.observed!['coverage.bpf.missing']).toEqual([
      'bpf (b64)',
      'bpf (b32)',
    ]);
  });

  it(
    'audits an offline image of the hardened host from its files: rules from disk, live-only checks ' + 'inconclusive',
    () => {
      const outputs = fixtureHost('hardened', catalog.probes.values());
      for (const probe of linuxProbes) if (probe.kind === 'command') outputs[probe.id] = offlineResult;
      const findings = evaluateHost(outputs, true);
      const status = (id: string) => findings.get(id)!.status;
      for (const id of KEY_CHECKS.filter((k) => k.startsWith('linux.audit.rules.')))
        expect(status(id), id).toBe('pass');
      expect(status('linux.auditd.kernel-cmdline')).toBe('pass'); // from /etc/default/grub
      expect(status('linux.sshd.loglevel')).toBe('pass'); // from sshd_config.d
      for (const id of [
        'linux.auditd.kernel-enabled',
        'linux.auditd.rules-persisted',
        'linux.logfwd.connected',
        'linux.time.sync',
        'linux.authlog.recent',
      ]) {
        expect(status(id), id).toBe('inconclusive');
      }
    },
  );

  it('reports checks that need root as inconclusive, never failed, when the account may not use the audit API', () => {
    const outputs = fixtureHost('hardened', catalog.probes.values());
    const refused: ProbeResult = {
      stdout: '',
      stderr: 'You must be root to run this program.\n',
      exitCode: 4,
      truncated: false,
      durationMs: 1,
    };
    outputs['auditctl-status'] = refused;
    outputs['auditctl-rules'] = refused;
    outputs['augenrules-check'] = {
      ...refused,
      stderr: '',
      stdout: '/usr/sbin/augenrules: No rules directory - /etc/audit/rules.d\n',
      exitCode: 1,
    };
    const findings = evaluateHost(outputs);
    for (const id of [
      'linux.auditd.kernel-enabled',
      'linux.auditd.immutable',
      'linux.audit.rules.execve',
      'linux.auditd.rules-persisted',
    ]) {
      expect(findings.get(id)!.status, id).toBe('inconclusive');
      expect(findings.get(id)!.reason, id).toMatch(/You must be root/);
    }
    // auditd's own state is still known from the service probe.
    expect(findings.get('linux.auditd.running')!.status).toBe('pass');
  });
});
