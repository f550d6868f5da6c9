// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// The Wazuh agent and osquery on Linux, from fixtures built after their documented files and outputs
// (test/fixtures/products/edr/README.md: fixture-only), through the catalog's checks, and the EDR-on-audit-off join
// of the blind-spot map applied to them as to the vendor agents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import type { Finding, FindingStatus, Target } from '../../../../src/model.js';
import { linuxHostAgents } from '../../../../src/parsers/edr/host-agents.js';
import { analyseSensors } from '../../../../src/sensors/map.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const fx = (name: string) => readFileSync(join(FIXTURES_DIR, 'products', 'edr', name), 'utf8');
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const catalog = loadCatalog();
const ctx = { targetId: 'app1', kind: 'linux' as const };
const AUDIT_ON = 'enabled 1\nfailure 1\npid 812\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n';
const AUDIT_OFF = 'enabled 0\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n';

/** The linux-agent-status probe as its `run`/`show` wrappers print it; undefined parts are not installed. */
function probe(
  parts: {
    control?: string;
    conf?: string;
    state?: string;
    osqueryi?: string;
    osqueryd?: string;
    osqueryConf?: string;
    flags?: string;
  },
  audit = AUDIT_ON,
): Record<string, ProbeResult> {
  const run = (cmd: string, text: string | undefined, rc = 0) =>
    text === undefined ? `### ${cmd}\n### rc=127\n` : `### ${cmd}\n${text.trimEnd()}\n### rc=${rc}\n`;
  const show = (path: string, text: string | undefined) =>
    text === undefined ? `### ${path}\n### rc=1\n` : `### ${path}\n${text}\n### rc=0\n`;
  let out = '';
  if (parts.control !== undefined) out += run('wazuh-control status', parts.control);
  if (parts.conf !== undefined || parts.state !== undefined)
    out += show('/var/ossec/etc/ossec.conf', parts.conf) + show('/var/ossec/var/run/wazuh-agentd.state', parts.state);
  out += run('osqueryi --json select version, config_valid from osquery_info', parts.osqueryi);
  out += run('systemctl is-active osqueryd', parts.osqueryd ?? 'inactive', parts.osqueryd === 'active' ? 0 : 3);
  if (parts.osqueryConf !== undefined || parts.flags !== undefined)
    out += show('/etc/osquery/osquery.conf', parts.osqueryConf) + show('/etc/osquery/osquery.flags', parts.flags);
  return { 'linux-agent-status': ok(out), 'auditctl-status': ok(audit) };
}
const wazuh = {
  control: fx('wazuh-control-status.txt'),
  conf: fx('wazuh-ossec.conf'),
  state: fx('wazuh-agentd.state'),
};
const osquery = {
  osqueryi: '[\n  {"config_valid":"0","version":"5.12.1"}\n]',
  osqueryd: 'active',
  osqueryConf: fx('osquery.conf'),
  flags: fx('osquery.flags'),
};
const status = (id: string, outputs: Record<string, ProbeResult>) =>
  evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, ctx);

describe('Wazuh agent and osquery on Linux', () => {
  it('reads a connected Wazuh agent and a scheduled osquery: both checks pass, the audit dependency is met', () => {
    const outputs = probe({ ...wazuh, ...osquery });
    const facts = linuxHostAgents.parse(outputs, ctx) as any;
    expect(facts.wazuh).toMatchObject({ managers: ['10.20.0.40'], connection: 'connected', reads_audit_log: true });
    expect(facts.osquery).toMatchObject({ version: '5.12.1', scheduled_queries: 2, audit_events: true });
    expect(facts.osquery.packs).toEqual(['incident-response', 'ossec-rootkit']);
    expect(status('linux.edr.wazuh-agent', outputs).status).toBe('pass');
    expect(status('linux.edr.osquery', outputs).status).toBe('pass');
    expect(status('linux.edr.agents-audit-dependency', outputs).status).toBe('pass');
  });

  it('trap: the template MANAGER_IP, a disconnected state and a stopped logcollector fail the Wazuh check', () => {
    const outputs = probe({
      control: fx('wazuh-control-status.txt').replace(
        'wazuh-logcollector is running',
        'wazuh-logcollector not running',
      ),
      conf: fx('wazuh-ossec.conf').replace('10.20.0.40', 'MANAGER_IP'),
      state: fx('wazuh-agentd.state').replace("status='connected'", "status='disconnected'"),
    });
    const f = status('linux.edr.wazuh-agent', outputs);
    expect(f.status).toBe('fail');
    expect(f.reason).toContain('no manager address');
    expect(f.reason).toContain('agent state: disconnected');
    expect(f.reason).toContain('wazuh-logcollector is not running');
  });

  it('trap: osqueryd running on an empty configuration schedules nothing', () => {
    const outputs = probe({ ...osquery, osqueryConf: '{\n  "options": { "logger_plugin": "filesystem" }\n}\n' });
    expect(status('linux.edr.osquery', outputs).status).toBe('fail');
  });

  it('trap: with kernel auditing off both agents still run, and the dependency check fails naming them', () => {
    const outputs = probe({ ...wazuh, ...osquery }, AUDIT_OFF);
    expect(status('linux.edr.wazuh-agent', outputs).status).toBe('pass');
    const dep = status('linux.edr.agents-audit-dependency', outputs);
    expect(dep.status).toBe('fail');
    expect(dep.reason).toContain('wazuh (localfile log_format audit), osquery (process_events over kernel audit)');
  });

  it('osquery on BPF events does not depend on kernel audit', () => {
    const outputs = probe({ ...osquery, flags: `${fx('osquery.flags')}--enable_bpf_events=true\n` }, AUDIT_OFF);
    expect(status('linux.edr.agents-audit-dependency', outputs).status).toBe('not-applicable');
  });

  it('a host with neither agent: every check is not applicable', () => {
    const outputs = probe({});
    for (const id of ['linux.edr.wazuh-agent', 'linux.edr.osquery', 'linux.edr.agents-audit-dependency'])
      expect(status(id, outputs).status, id).toBe('not-applicable');
  });

  it('the blind-spot map flags a Wazuh agent and osquery on a host with the audit policy off', () => {
    const outputs = probe({ ...wazuh, ...osquery }, AUDIT_OFF);
    const mk = (check: string, s: FindingStatus): Finding => ({
      ...evaluateCheck(catalog.checks.find((c) => c.id === check)!, {}, ctx),
      status: s,
    });
    const findings = [
      status('linux.edr.wazuh-agent', outputs),
      status('linux.edr.osquery', outputs),
      status('linux.edr.agents-audit-dependency', outputs),
      mk('linux.auditd.running', 'fail'),
      mk('linux.audit.rules.execve', 'fail'),
    ];
    const targets: Target[] = [{ id: 'app1', kind: 'linux', address: 'app1', tags: [], transport: 'ssh' }];
    const edr = analyseSensors(targets, findings).details.edr;
    expect(edr.map((e) => [e.check, e.agent_status, e.audit_policy, e.dependency, e.flagged])).toEqual([
      ['linux.edr.wazuh-agent', 'pass', 'missing', 'fail', true],
      ['linux.edr.osquery', 'pass', 'missing', 'fail', true],
    ]);
  });
});
