// Host agents that are not vendor EDRs but feed a SOC the same way: the Wazuh (or OSSEC) agent and osquery. Read on
// the Linux host through the linux-agent-status probe, as `### <command>` / `### rc=<n>` sections:
// - Wazuh: `wazuh-control status` (ossec-control on OSSEC: "<daemon> is running..." / "<daemon> not running..."),
//   ossec.conf (<client><server><address> of the manager; <localfile> with log_format audit = the agent ships auditd's
//   log), and the agent's state file var/run/wazuh-agentd.state (status='connected'|'disconnected'|'pending').
// - osquery: `systemctl is-active osqueryd`, `osqueryi --json` over osquery_info (version), osquery.conf (schedule,
//   packs) and osquery.flags (logger plugin, audit or BPF event sources).
// Their OS-audit dependency: Wazuh's command monitoring and whodata read auditd's log, osquery's process_events reads
// the kernel audit netlink (--disable_audit=false): with kernel audit off they record no process execution.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import { defineParser } from '../define.js';
import { parseXmlDocument, type XmlElement } from '../xml.js';
import { auditctlText, parseAuditStatus } from '../linux/auditd.js';
import { splitToolSections } from '../linux/timesync.js';
import { type Outputs, requireCommand, toolMissing } from '../linux/util.js';

export interface WazuhAgent {
  installed: boolean;
  flavour: 'wazuh' | 'ossec';
  daemons: Record<string, boolean>;
  agentd_running: boolean;
  logcollector_running: boolean;
  managers: string[];
  /** From the state file; null when it could not be read. */
  connection: string | null;
  last_keepalive: string | null;
  reads_audit_log: boolean;
  issues: string[];
}

export interface OsqueryAgent {
  installed: boolean;
  running: boolean | null;
  version: string | null;
  config_present: boolean;
  scheduled_queries: number;
  packs: string[];
  logger: string;
  audit_events: boolean;
  bpf_events: boolean;
  issues: string[];
}

const elements = (e: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] => {
  for (const c of e.children) {
    if (c.name === name) out.push(c);
    elements(c, name, out);
  }
  return out;
};

/** `wazuh-control status` lines: "wazuh-agentd is running..." / "wazuh-agentd not running...". */
export function parseControlStatus(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of text.matchAll(/^((?:wazuh|ossec)-[\w-]+)\s+(is running|not running)/gm))
    out[m[1]!] = m[2] === 'is running';
  return out;
}

/** The state file's `key='value'` lines. */
export function parseAgentState(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(\w+)='([^']*)'\s*$/gm)) out[m[1]!] = m[2]!;
  return out;
}

export function wazuhAgent(sections: { command: string; rc: number | null; text: string }[]): WazuhAgent | undefined {
  const control = sections.find((s) => /(wazuh|ossec)-control status/.test(s.command) && s.rc !== 127);
  const conf = sections.find((s) => /ossec\.conf$/.test(s.command) && s.rc === 0);
  if (!control && !conf) return undefined;
  const flavour = control?.command.includes('ossec-control') ? 'ossec' : 'wazuh';
  const daemons = parseControlStatus(control?.text ?? '');
  const d = (name: string) => daemons[`${flavour}-${name}`] === true;
  let managers: string[] = [];
  let readsAudit = false;
  if (conf) {
    let doc: XmlElement;
    try {
      doc = parseXmlDocument(conf.text, 'ossec.conf');
    } catch (e) {
      throw new ParseError(`ossec.conf: ${(e as Error).message}`);
    }
    managers = elements(doc, 'client')
      .flatMap((c) => elements(c, 'address'))
      .map((a) => a.text.trim())
      .filter(Boolean);
    readsAudit = elements(doc, 'localfile').some(
      (l) => l.children.find((c) => c.name === 'log_format')?.text.trim() === 'audit',
    );
  }
  const stateSection = sections.find((s) => /agentd\.state$/.test(s.command) && s.rc === 0);
  const state = stateSection ? parseAgentState(stateSection.text) : {};
  const issues: string[] = [];
  if (!d('agentd')) issues.push(`${flavour}-agentd is not running`);
  if (!d('logcollector')) issues.push(`${flavour}-logcollector is not running (no log is read)`);
  const real = managers.filter((m) => m !== 'MANAGER_IP');
  if (real.length === 0) issues.push('no manager address in ossec.conf (<client><server><address>)');
  if (state.status && state.status !== 'connected') issues.push(`agent state: ${state.status}`);
  return {
    installed: true,
    flavour,
    daemons,
    agentd_running: d('agentd'),
    logcollector_running: d('logcollector'),
    managers: real,
    connection: state.status ?? null,
    last_keepalive: state.last_keepalive ?? null,
    reads_audit_log: readsAudit,
    issues,
  };
}

/** osquery.conf allows comments (C and shell style) around JSON. */
function jsonWithComments(text: string): Record<string, unknown> {
  const stripped = text.replace(/("(?:[^"\\]|\\.)*")|\/\*[\s\S]*?\*\/|(?:\/\/|#)[^\n]*/g, (_m, s: string) => s ?? '');
  try {
    const v = JSON.parse(stripped) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch (e) {
    throw new ParseError(`osquery.conf: not JSON (${(e as Error).message})`);
  }
}

export function osqueryAgent(
  sections: { command: string; rc: number | null; text: string }[],
): OsqueryAgent | undefined {
  const info = sections.find((s) => s.command.startsWith('osqueryi') && s.rc !== 127);
  const conf = sections.find((s) => /osquery\.conf$/.test(s.command) && s.rc === 0);
  const flagsSection = sections.find((s) => /osquery\.flags$/.test(s.command) && s.rc === 0);
  const active = sections.find((s) => s.command.startsWith('systemctl is-active osqueryd') && s.rc !== 127);
  if (!info && !conf) return undefined;
  let version: string | null = null;
  if (info?.rc === 0) {
    try {
      const rows = JSON.parse(info.text) as { version?: string }[];
      version = rows[0]?.version ?? null;
    } catch {
      version = null;
    }
  }
  const cfg = conf ? jsonWithComments(conf.text) : {};
  const schedule = cfg.schedule && typeof cfg.schedule === 'object' ? Object.keys(cfg.schedule) : [];
  const packs = cfg.packs && typeof cfg.packs === 'object' ? Object.keys(cfg.packs) : [];
  const flags = new Map<string, string>();
  for (const m of (flagsSection?.text ?? '').matchAll(/^--([\w]+)(?:=(.*))?$/gm))
    flags.set(m[1]!, (m[2] ?? 'true').trim());
  const on = (k: string) => ['true', '1', 'yes'].includes((flags.get(k) ?? '').toLowerCase());
  const running = active ? active.text.trim() === 'active' : null;
  const issues: string[] = [];
  if (running === false) issues.push('osqueryd is not running');
  if (!conf) issues.push('no /etc/osquery/osquery.conf');
  else if (schedule.length === 0 && packs.length === 0)
    issues.push('osquery.conf schedules no query and loads no pack');
  return {
    installed: true,
    running,
    version,
    config_present: Boolean(conf),
    scheduled_queries: schedule.length,
    packs,
    logger: flags.get('logger_plugin') ?? 'filesystem',
    audit_events: flags.has('disable_audit') && !['true', '1'].includes(flags.get('disable_audit')!.toLowerCase()),
    bpf_events: on('enable_bpf_events'),
    issues,
  };
}

export const linuxHostAgents = defineParser({
  name: 'linux-host-agents',
  probes: ['linux-agent-status', 'auditctl-status'],
  facts: [
    'wazuh',
    'wazuh.installed',
    'wazuh.issues',
    'osquery',
    'osquery.installed',
    'osquery.issues',
    'audit_dependent',
    'kernel_audit_enabled',
    'auditd_running',
    'dependency_reason',
    'reason',
  ],
  parse: (outputs: Outputs) => {
    const r = requireCommand(outputs, 'linux-agent-status', 'the Wazuh/osquery agents');
    // A stored answer of a host where the probe's shell found nothing to run (an older evidence file, a fixture).
    const sections = toolMissing(r) ? [{ command: 'none', rc: 127, text: '' }] : splitToolSections(r.stdout);
    if (sections.length === 0) throw new InconclusiveError('linux-agent-status printed no sections');
    const wazuh = wazuhAgent(sections);
    const osquery = osqueryAgent(sections);
    // Which agent needs the OS audit subsystem: Wazuh reading auditd's log, osquery reading the audit netlink.
    const dependent = [
      ...(wazuh?.reads_audit_log ? ['wazuh (localfile log_format audit)'] : []),
      ...(osquery?.audit_events && !osquery.bpf_events ? ['osquery (process_events over kernel audit)'] : []),
    ];
    const text = auditctlText(outputs['auditctl-status'], 'auditctl -s');
    const status = text === undefined ? undefined : parseAuditStatus(text);
    const enabled = status ? status.enabled >= 1 : false;
    const auditd = (status?.pid ?? 0) > 0;
    // osquery needs the kernel's audit on; Wazuh needs auditd itself writing audit.log.
    const unmet = dependent.filter((a) => !enabled || (a.startsWith('wazuh') && !auditd));
    return {
      wazuh: wazuh ?? { installed: false, issues: [] },
      osquery: osquery ?? { installed: false, issues: [] },
      audit_dependent: dependent,
      kernel_audit_enabled: enabled,
      auditd_running: auditd,
      dependency_reason: unmet.length
        ? `${unmet.join(', ')} read(s) OS audit events, but ${
            text === undefined
              ? 'auditctl is not installed'
              : !enabled
                ? 'kernel auditing is off'
                : 'auditd is not running'
          }`
        : '',
      reason: [
        ...(wazuh?.issues ?? []).map((i) => `Wazuh agent: ${i}`),
        ...(osquery?.issues ?? []).map((i) => `osquery: ${i}`),
      ].join('\n'),
    };
  },
});
