// The blind-spot map: for each flow class in the estate (HTTP(S) to each web target, SSH to each Linux host, RDP to
// each Windows host), the network sensors on its path and what each records of it: content, metadata only, nothing
// (or unknown when the sensor was not measured). An IPS in front of TLS termination sees handshakes only; behind the
// terminator (decrypted_by in the inventory, proved by that target's TLS findings) it can see content. SSH and RDP
// are never content on the network: they need the endpoint record, whose status is read from the host's findings.
// Beside it, the EDR dependency: an agent on a host whose OS audit policy is off is flagged.
import type { AnalysisSection, Finding, FindingStatus, Target } from '../model.js';

export type Sight = 'content' | 'metadata' | 'nothing' | 'unknown';
export type Measure = 'measured' | 'missing' | 'unknown';

export interface SensorOnPath {
  sensor: string;
  kind: string;
  sees: Sight;
  /** HTTP bodies reach the sensor's log (Suricata http-body in alerts). */
  body: boolean;
  /** TLS was terminated before this sensor, by this target; `decryption` says whether its findings prove it. */
  decrypted_by: string | null;
  decryption: 'measured' | 'declared' | null;
  /** The findings the verdict was read from. */
  evidence: string[];
}

export interface FlowRow {
  flow: string;
  class: 'https' | 'http' | 'ssh' | 'rdp';
  target: string;
  sensors: SensorOnPath[];
  /** SSH/RDP: the endpoint record (auditd execve + sshd logging; Windows logon/process/script-block auditing). */
  endpoint: { status: Measure; checks: { check: string; status: FindingStatus | 'not-run' }[] } | null;
  content_seen_by: string[];
  /** Nobody records this flow's content (for SSH/RDP: the endpoint record is not measured). */
  gap: boolean;
  /** ATT&CK use-cases this flow's blindness hides. */
  blinds: string[];
}

export interface EdrRow {
  target: string;
  check: string;
  agent_status: FindingStatus;
  audit_policy: Measure;
  audit_checks: { check: string; status: FindingStatus | 'not-run' }[];
  /** linux.edr.auditd-dependency (mdatp) or linux.edr.agents-audit-dependency (Wazuh, osquery): fail = audit off. */
  dependency: FindingStatus | null;
  flagged: boolean;
}

export interface SensorsSummary {
  flows: number;
  content_gaps: number;
  endpoint_only_flows: number;
  endpoint_unmeasured: number;
  edr_agents: number;
  edr_audit_off: number;
}

export interface SensorsDetails {
  flows: FlowRow[];
  edr: EdrRow[];
}

const GOOD: readonly FindingStatus[] = ['pass', 'warn'];

/** Which check ids prove which capability of a sensor (listed in the report's check map). */
export const SENSOR_CAPABILITY_CHECKS = {
  http_content: ['ips.suricata.eve-http-headers', 'ips.suricata.http-body', 'ndr.zeek.core-logs'],
  body: ['ips.suricata.http-body'],
  tls_metadata: ['ips.suricata.eve-tls-extended', 'ndr.zeek.core-logs'],
  ssh_metadata: ['ips.suricata.eve-ssh', 'ndr.zeek.core-logs'],
  flow: ['ips.suricata.eve-flow', 'ndr.zeek.core-logs'],
} as const;
const ENDPOINT_CHECKS = {
  ssh: ['linux.auditd.running', 'linux.audit.rules.execve', 'linux.sshd.loglevel'],
  rdp: [
    'windows.auditpol.logon',
    'windows.auditpol.process-creation',
    'windows.audit.cmdline-4688',
    'windows.powershell.scriptblock-logging',
  ],
} as const;
const DECRYPTION_CHECKS = ['web.tls.nginx-termination', 'web.tls.squid-ssl-bump'];
const BLINDS = {
  https: [
    'T1190 exploitation of the web application (request bodies)',
    'T1505.003 web shell upload',
    'T1071.001 C2 over HTTPS',
  ],
  http: ['T1190 exploitation of the web application (request bodies)', 'T1505.003 web shell upload'],
  ssh: ['T1021.004 lateral movement over SSH', 'T1059.004 commands run in the session'],
  rdp: ['T1021.001 lateral movement over RDP', 'T1059.001 PowerShell run in the session'],
};
/** Per agent check: the OS audit checks it needs, and the check that says it reads its events from OS auditing. */
const LINUX_AUDIT = ['linux.auditd.running', 'linux.audit.rules.execve'];
const EDR_CHECKS: Record<string, { kind: 'linux' | 'windows'; audit: string[]; dependency?: string }> = {
  'linux.edr.healthy': { kind: 'linux', audit: LINUX_AUDIT, dependency: 'linux.edr.auditd-dependency' },
  'linux.edr.wazuh-agent': { kind: 'linux', audit: LINUX_AUDIT, dependency: 'linux.edr.agents-audit-dependency' },
  'linux.edr.osquery': { kind: 'linux', audit: LINUX_AUDIT, dependency: 'linux.edr.agents-audit-dependency' },
  'windows.defender.healthy': {
    kind: 'windows',
    audit: ['windows.auditpol.process-creation', 'windows.audit.cmdline-4688'],
  },
};

function statusIndex(findings: Finding[]): (check: string, target: string) => FindingStatus | undefined {
  const index = new Map(findings.map((f) => [`${f.check}\u0000${f.target}`, f.status]));
  return (check, target) => index.get(`${check}\u0000${target}`);
}

function endpointStatus(checks: { status: FindingStatus | 'not-run' }[]): Measure {
  if (checks.some((c) => c.status === 'fail')) return 'missing';
  if (checks.length > 0 && checks.every((c) => c.status === 'pass')) return 'measured';
  return 'unknown';
}

export function analyseSensors(
  targets: Target[],
  findings: Finding[],
): AnalysisSection<SensorsSummary, SensorsDetails> {
  const status = statusIndex(findings);
  const byId = new Map(targets.map((t) => [t.id, t]));
  const sensors = targets.filter((t) => t.sensor);
  const any = (ids: readonly string[], target: string) =>
    ids.some((id) => GOOD.includes(status(id, target) as FindingStatus));
  const measured = (target: string) =>
    findings.some(
      (f) =>
        f.target === target &&
        (f.check.startsWith('ips.') || f.check.startsWith('ndr.')) &&
        ['pass', 'warn', 'fail'].includes(f.status),
    );

  const view = (sensor: Target, target: string, cls: FlowRow['class'], decryptedBy: string | null): SensorOnPath => {
    const decryption: SensorOnPath['decryption'] = decryptedBy
      ? DECRYPTION_CHECKS.some((c) => status(c, decryptedBy) === 'pass')
        ? 'measured'
        : 'declared'
      : null;
    const base = {
      sensor: sensor.id,
      kind: sensor.kind,
      decrypted_by: decryptedBy,
      decryption,
      body: false,
      evidence: [] as string[],
    };
    if (!measured(sensor.id)) return { ...base, sees: 'unknown' };
    const proved = (ids: readonly string[]) =>
      ids.filter((id) => GOOD.includes(status(id, sensor.id) as FindingStatus)).map((id) => `${id}@${sensor.id}`);
    const flow = any(SENSOR_CAPABILITY_CHECKS.flow, sensor.id);
    if (cls === 'ssh' || cls === 'rdp') {
      // Encrypted remote sessions: the network never shows the commands, whatever the sensor logs.
      const meta = flow || (cls === 'ssh' && any(SENSOR_CAPABILITY_CHECKS.ssh_metadata, sensor.id));
      return {
        ...base,
        sees: meta ? 'metadata' : 'nothing',
        evidence: [
          ...proved(SENSOR_CAPABILITY_CHECKS.flow),
          ...(cls === 'ssh' ? proved(SENSOR_CAPABILITY_CHECKS.ssh_metadata) : []),
        ],
      };
    }
    const clear = cls === 'http' || decryptedBy !== null;
    if (clear && any(SENSOR_CAPABILITY_CHECKS.http_content, sensor.id)) {
      return {
        ...base,
        sees: 'content',
        body: any(SENSOR_CAPABILITY_CHECKS.body, sensor.id),
        evidence: proved(SENSOR_CAPABILITY_CHECKS.http_content),
      };
    }
    const tls = !clear && any(SENSOR_CAPABILITY_CHECKS.tls_metadata, sensor.id);
    return {
      ...base,
      sees: flow || tls ? 'metadata' : 'nothing',
      evidence: [
        ...proved(SENSOR_CAPABILITY_CHECKS.flow),
        ...(tls ? proved(SENSOR_CAPABILITY_CHECKS.tls_metadata) : []),
      ],
    };
  };

  const onPath = (target: string): { sensor: Target; decryptedBy: string | null }[] =>
    sensors.flatMap((s) =>
      (s.sensor?.watches ?? []).flatMap((w) => {
        const id = typeof w === 'string' ? w : w.target;
        return id === target
          ? [{ sensor: s, decryptedBy: typeof w === 'string' ? null : (w.decrypted_by ?? null) }]
          : [];
      }),
    );

  const flows: FlowRow[] = [];
  for (const t of targets) {
    const classes: FlowRow['class'][] = [];
    if (t.kind === 'web' || t.kind === 'waf') {
      const urls = t.web?.urls ?? [];
      if (urls.some((u) => u.startsWith('https:'))) classes.push('https');
      if (urls.some((u) => u.startsWith('http:'))) classes.push('http');
    } else if (t.kind === 'linux') classes.push('ssh');
    else if (t.kind === 'windows') classes.push('rdp');
    for (const cls of classes) {
      const path = onPath(t.id).map(({ sensor, decryptedBy }) => view(sensor, t.id, cls, decryptedBy));
      const endpointIds = cls === 'ssh' || cls === 'rdp' ? ENDPOINT_CHECKS[cls] : undefined;
      const endpointChecks = endpointIds?.map((check) => ({
        check,
        status: status(check, t.id) ?? ('not-run' as const),
      }));
      const endpoint = endpointChecks ? { status: endpointStatus(endpointChecks), checks: endpointChecks } : null;
      const contentBy = path.filter((p) => p.sees === 'content').map((p) => p.sensor);
      flows.push({
        flow: `${cls.toUpperCase()} → ${t.id}`,
        class: cls,
        target: t.id,
        sensors: path,
        endpoint,
        content_seen_by: contentBy,
        gap: endpoint ? endpoint.status !== 'measured' : contentBy.length === 0,
        blinds: BLINDS[cls],
      });
    }
  }

  const edr: EdrRow[] = [];
  for (const f of findings) {
    const spec = EDR_CHECKS[f.check];
    // The agent check applies only where an agent is installed; not-applicable means no agent, not a healthy one.
    if (!spec || !['pass', 'warn', 'fail'].includes(f.status) || byId.get(f.target)?.kind !== spec.kind) continue;
    const auditChecks = spec.audit.map((check) => ({ check, status: status(check, f.target) ?? ('not-run' as const) }));
    const sysmon = spec.kind === 'windows' && status('windows.sysmon.running', f.target) === 'pass';
    const audit = sysmon ? 'measured' : endpointStatus(auditChecks);
    const dependency = spec.dependency ? (status(spec.dependency, f.target) ?? null) : null;
    edr.push({
      target: f.target,
      check: f.check,
      agent_status: f.status,
      audit_policy: audit,
      audit_checks: auditChecks,
      dependency,
      flagged: audit === 'missing' || dependency === 'fail',
    });
  }

  return {
    summary: {
      flows: flows.length,
      content_gaps: flows.filter((f) => !f.endpoint && f.gap).length,
      endpoint_only_flows: flows.filter((f) => f.endpoint).length,
      endpoint_unmeasured: flows.filter((f) => f.endpoint && f.endpoint.status !== 'measured').length,
      edr_agents: edr.length,
      edr_audit_off: edr.filter((e) => e.flagged).length,
    },
    details: { flows, edr },
    problems: [],
  };
}
