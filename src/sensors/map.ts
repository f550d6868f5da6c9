// The blind-spot map: for each flow class in the estate (HTTP(S) to each web target, SSH to each Linux host, RDP to
// each Windows host, client connections to each database, east-west SMB to each Windows host), the network sensors on
// its path and what each records of it: content, metadata only, nothing (or unknown when the sensor was not
// measured). An IPS in front of TLS termination sees handshakes only; behind the terminator (decrypted_by in the
// inventory, proved by that target's TLS findings) it can see content. SSH and RDP are never content on the network:
// they need the endpoint record, whose status is read from the host's findings. Database and SMB sessions are
// content to a sensor only when they are not encrypted (database TLS declared or used by the inventory's connection;
// SMB 3 encryption measured by windows.smb.encryption or declared), and then only in the alerts of a sensor that
// logs payloads (or Zeek's files log for SMB); their endpoint record is the database audit log and share auditing
// (5140/5145). Beside it, the EDR dependency: an agent on a host whose OS audit policy is off is flagged.
import type { AnalysisSection, Finding, FindingStatus, Target } from '../model.js';

export type Sight = 'content' | 'metadata' | 'nothing' | 'unknown';
export type Measure = 'measured' | 'missing' | 'unknown';

export interface SensorOnPath {
  sensor: string;
  kind: string;
  sees: Sight;
  /** HTTP bodies reach the sensor's log (Suricata http-body in alerts). */
  body: boolean;
  /** Content is recorded only in the sensor's alerts (the payload of a matching packet), not per transaction. */
  alerts_only?: boolean;
  /** Database/SMB: the session is encrypted on this path (measured by the host's findings, or declared). */
  encrypted?: 'measured' | 'declared' | null;
  /** TLS was terminated before this sensor, by this target; `decryption` says whether its findings prove it. */
  decrypted_by: string | null;
  decryption: 'measured' | 'declared' | null;
  /** The findings the verdict was read from. */
  evidence: string[];
}

export interface FlowRow {
  flow: string;
  class: 'https' | 'http' | 'ssh' | 'rdp' | 'database' | 'smb';
  /** Database/SMB: the server port the flow goes to. */
  port?: number;
  target: string;
  sensors: SensorOnPath[];
  /**
   * The endpoint record: SSH/RDP (auditd execve + sshd logging; Windows logon/process/script-block auditing), database
   * (its audit log), SMB (share access auditing 5140/5145).
   */
  endpoint: { status: Measure; checks: { check: string; status: FindingStatus | 'not-run' }[] } | null;
  content_seen_by: string[];
  /** Nobody records this flow's content (SSH/RDP: the endpoint record is not measured; DB/SMB: neither is). */
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
  /** The check the dependency was read from. */
  dependency_check?: string;
  flagged: boolean;
}

export interface SensorsSummary {
  flows: number;
  content_gaps: number;
  endpoint_only_flows: number;
  endpoint_unmeasured: number;
  /** Database and SMB flows, and those of them that neither a sensor nor the endpoint records. */
  east_west_flows: number;
  east_west_gaps: number;
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
  /** The payload of packets that match a signature reaches the alert (content, in alerts only). */
  alert_payload: ['ips.suricata.eve-alert-payload', 'ips.snort.alert-packet'],
  /** SMB file names, shares and transferred files with hashes (Zeek's smb_files, smb_mapping and files logs). */
  smb_content: ['ndr.zeek.core-logs'],
} as const;
const ENDPOINT_CHECKS = {
  ssh: ['linux.auditd.running', 'linux.audit.rules.execve', 'linux.sshd.loglevel'],
  rdp: [
    'windows.auditpol.logon',
    'windows.auditpol.process-creation',
    'windows.audit.cmdline-4688',
    'windows.powershell.scriptblock-logging',
  ],
  smb: ['windows.auditpol.file-share', 'windows.auditpol.detailed-file-share'],
} as const;
/** A database's own audit log, per product: the endpoint record of its client sessions. */
const DATABASE_AUDIT_CHECKS: Record<string, string[]> = {
  postgresql: ['database.postgresql.pgaudit-loaded', 'database.postgresql.pgaudit-log-classes'],
  mariadb: ['database.mariadb.audit-plugin-loaded', 'database.mariadb.audit-logging-on'],
  mysql: ['database.mariadb.audit-plugin-loaded', 'database.mariadb.audit-logging-on'],
  mssql: ['database.mssql.server-audit-running', 'database.mssql.audit-action-groups'],
  oracle: ['database.oracle.unified-auditing'],
};
const DATABASE_PORTS: Record<string, number> = {
  postgresql: 5432,
  mariadb: 3306,
  mysql: 3306,
  mssql: 1433,
  oracle: 1521,
};
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
  database: [
    'T1213 data from information repositories (the queries run)',
    'T1078 use of valid database accounts',
    'T1190 SQL injection reaching the database',
  ],
  smb: [
    'T1021.002 lateral movement over admin shares',
    'T1570 lateral tool transfer',
    'T1486 ransomware encrypting shares',
  ],
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

  const view = (
    sensor: Target,
    cls: FlowRow['class'],
    decryptedBy: string | null,
    encrypted: SensorOnPath['encrypted'] = null,
  ): SensorOnPath => {
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
      ...(cls === 'database' || cls === 'smb' ? { encrypted } : {}),
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
    if (cls === 'database' || cls === 'smb') {
      // Cleartext sessions: content in the alerts of a sensor that logs payloads, or (SMB) in Zeek's files logs.
      const rich = cls === 'smb' && !encrypted ? proved(SENSOR_CAPABILITY_CHECKS.smb_content) : [];
      const payload = !encrypted ? proved(SENSOR_CAPABILITY_CHECKS.alert_payload) : [];
      if (rich.length || payload.length)
        return { ...base, sees: 'content', alerts_only: rich.length === 0, evidence: [...rich, ...payload] };
      return { ...base, sees: flow ? 'metadata' : 'nothing', evidence: proved(SENSOR_CAPABILITY_CHECKS.flow) };
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
    // A sensor that logs no HTTP transactions still records the payload of what its signatures match.
    const payload = clear ? proved(SENSOR_CAPABILITY_CHECKS.alert_payload) : [];
    if (payload.length) return { ...base, sees: 'content', alerts_only: true, evidence: payload };
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

  type Watch = { sensor: Target; decryptedBy: string | null; encrypted: boolean | undefined };
  const onPath = (...ids: string[]): Watch[] =>
    sensors.flatMap((s) => {
      // One entry per sensor: a sensor watching both a database and its host is on the path once.
      const w = (s.sensor?.watches ?? []).find((w) => ids.includes(typeof w === 'string' ? w : w.target));
      if (w === undefined) return [];
      return typeof w === 'string'
        ? [{ sensor: s, decryptedBy: null, encrypted: undefined }]
        : [{ sensor: s, decryptedBy: w.decrypted_by ?? null, encrypted: w.encrypted }];
    });
  const endpointOf = (ids: readonly string[], target: string): FlowRow['endpoint'] => {
    const checks = ids.map((check) => ({ check, status: status(check, target) ?? ('not-run' as const) }));
    return { status: endpointStatus(checks), checks };
  };
  /** Database TLS: the inventory's read-only connection requires it (declared for the server's clients). */
  const dbEncrypted = (t: Target, w: Watch): SensorOnPath['encrypted'] => {
    if (w.encrypted !== undefined) return w.encrypted ? 'declared' : null;
    return t.database?.tls && t.database.tls.mode !== 'disable' ? 'declared' : null;
  };
  /** SMB 3 encryption: measured on the host (windows.smb.encryption), else what the watch declares. */
  const smbEncrypted = (t: Target, w: Watch): SensorOnPath['encrypted'] => {
    const measuredStatus = status('windows.smb.encryption', t.id);
    if (measuredStatus === 'pass') return 'measured';
    if (measuredStatus === 'fail') return null;
    return w.encrypted ? 'declared' : null;
  };

  const flows: FlowRow[] = [];
  const push = (
    t: Target,
    cls: FlowRow['class'],
    path: SensorOnPath[],
    endpoint: FlowRow['endpoint'],
    port?: number,
  ) => {
    const contentBy = path.filter((p) => p.sees === 'content').map((p) => p.sensor);
    const remote = cls === 'ssh' || cls === 'rdp';
    flows.push({
      flow: `${cls === 'database' ? 'DB' : cls.toUpperCase()}${port ? `/${port}` : ''} → ${t.id}`,
      class: cls,
      ...(port ? { port } : {}),
      target: t.id,
      sensors: path,
      endpoint,
      content_seen_by: contentBy,
      gap: remote
        ? endpoint!.status !== 'measured'
        : endpoint
          ? endpoint.status !== 'measured' && contentBy.length === 0
          : contentBy.length === 0,
      blinds: BLINDS[cls],
    });
  };
  for (const t of targets) {
    const classes: FlowRow['class'][] = [];
    if (t.kind === 'web' || t.kind === 'waf') {
      const urls = t.web?.urls ?? [];
      if (urls.some((u) => u.startsWith('https:'))) classes.push('https');
      if (urls.some((u) => u.startsWith('http:'))) classes.push('http');
    } else if (t.kind === 'linux') classes.push('ssh');
    else if (t.kind === 'windows') classes.push('rdp');
    for (const cls of classes) {
      const path = onPath(t.id).map(({ sensor, decryptedBy }) => view(sensor, cls, decryptedBy));
      const endpoint = cls === 'ssh' || cls === 'rdp' ? endpointOf(ENDPOINT_CHECKS[cls], t.id) : null;
      push(t, cls, path, endpoint);
    }
  }
  // East-west: client connections to each database (a sensor watching the database or its host is on the path), and
  // SMB to each Windows host.
  for (const t of targets) {
    if (t.kind === 'database' && t.database) {
      const path = onPath(t.id, t.database.host).map((w) => view(w.sensor, 'database', null, dbEncrypted(t, w)));
      const port = t.database.port ?? DATABASE_PORTS[t.database.product];
      push(t, 'database', path, endpointOf(DATABASE_AUDIT_CHECKS[t.database.product] ?? [], t.id), port);
    } else if (t.kind === 'windows') {
      const path = onPath(t.id).map((w) => view(w.sensor, 'smb', null, smbEncrypted(t, w)));
      push(t, 'smb', path, endpointOf(ENDPOINT_CHECKS.smb, t.id), 445);
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
      ...(spec.dependency && dependency ? { dependency_check: spec.dependency } : {}),
      flagged: audit === 'missing' || dependency === 'fail',
    });
  }

  return {
    summary: {
      flows: flows.length,
      content_gaps: flows.filter((f) => (f.class === 'http' || f.class === 'https') && f.gap).length,
      endpoint_only_flows: flows.filter((f) => f.class === 'ssh' || f.class === 'rdp').length,
      endpoint_unmeasured: flows.filter(
        (f) => (f.class === 'ssh' || f.class === 'rdp') && f.endpoint!.status !== 'measured',
      ).length,
      east_west_flows: flows.filter((f) => f.class === 'database' || f.class === 'smb').length,
      east_west_gaps: flows.filter((f) => (f.class === 'database' || f.class === 'smb') && f.gap).length,
      edr_agents: edr.length,
      edr_audit_off: edr.filter((e) => e.flagged).length,
    },
    details: { flows, edr },
    problems: [],
  };
}
