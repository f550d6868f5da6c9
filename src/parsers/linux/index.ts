// The linux parsers, by the name catalog checks use in their `parser` field. Each is a pure function of the probe
// outputs it is given (so stored evidence can be re-evaluated): it returns facts, throws InconclusiveError when the
// evidence cannot decide (not root, offline image, sandbox) and ParseError when the evidence is malformed.
import { InconclusiveError, ParseError, type Facts, type Parser } from '../../checks/types.js';
import { defineParser, type ParserModule, parsersByName } from '../define.js';
import type { ProbeResult } from '../../transport/types.js';
import { allCoverage } from './audit-coverage.js';
import { type AuditRule, canonicalRule, controlSettings, parseAuditRules } from './audit-rules.js';
import { auditctlText, grubCmdline, parseAuditdConf, parseAuditStatus, parseCmdline } from './auditd.js';
import { parseAuthLogRecency } from './authlog.js';
import { firewallFacts, type FwChain, IP6_MARKER, mergeRulesets, parseIptablesSave, parseNftJson } from './firewall.js';
import {
  type Forwarder,
  parseAuditPlugins,
  parseAudispRemote,
  parseJournalUpload,
  syslogForwarders,
} from './forwarding.js';
import { type DaemonState, daemonState, LOG_AGENTS, parseServiceState, type ServiceState } from './services.js';
import { canaryParserModules } from './canary.js';
import { SYSLOG_NG_DEFAULT_LOG_MSG_SIZE, syslogNgLogMsgSize } from './syslog-ng.js';
import { included } from './forwarding.js';
import {
  type MaxMessageSizeSetting,
  RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE,
  rsyslogIncludes,
  rsyslogMaxMessageSize,
} from './rsyslog.js';
import { connectionTo, parseTcpConnections } from './sockets.js';
import { logLevelRank, parseSshdConfig, parseSshdT } from './sshd.js';
import {
  parseChronyTracking,
  parseNtpqPeers,
  parseTimedatectlShow,
  parseTimesyncStatus,
  splitToolSections,
} from './timesync.js';
import { fileText, globFiles, type Outputs, permissionProblem, requireCommand, toolMissing } from './util.js';

// ---- service state

function serviceState(outputs: Outputs, optional = false): ServiceState | undefined {
  const r = outputs['service-state'];
  if (optional && (!r || r.error)) return undefined;
  return parseServiceState(requireCommand(outputs, 'service-state', 'service state').stdout);
}

const AUDITD = { units: ['auditd'], procs: ['auditd'], bins: ['auditd', 'auditctl'] };

/** auditctl -s when it answered; undefined when it did not (missing, not permitted: other probes decide). */
function optionalStatus(result: ProbeResult | undefined): ReturnType<typeof parseAuditStatus> | undefined {
  if (!result || result.error || permissionProblem(result) || toolMissing(result)) return undefined;
  try {
    return parseAuditStatus(result.stdout);
  } catch {
    return undefined;
  }
}

/** auditd installed / running / enabled at boot: systemd or SysV links, the process table, and the kernel's pid. */
const auditdService: Parser = (outputs) => {
  const state = serviceState(outputs)!;
  const d = daemonState(state, AUDITD.units, AUDITD.procs, AUDITD.bins);
  const status = optionalStatus(outputs['auditctl-status']);
  // The kernel knows which daemon receives its events: a non-zero pid is a running auditd, whatever init says.
  if (status?.pid) d.running = true;
  if (status) d.installed = true;
  // The kernel's own word (auditctl -s pid) beside the service listing's lines.
  const pid = status?.pid ? [{ probe: 'auditctl-status', text: `pid ${status.pid}` }] : [];
  return {
    installed: d.installed,
    running: d.running,
    enabled_at_boot: d.enabled,
    unit: d.unit ?? null,
    kernel_pid: status?.pid ?? null,
    systemd: state.systemd,
    at: { installed: [...d.at.installed, ...pid], running: [...d.at.running, ...pid], enabled_at_boot: d.at.enabled },
  };
};

/** The kernel audit status (auditctl -s). auditctl missing means no audit: enabled 0. */
const auditdKernelStatus: Parser = (outputs) => {
  const text = auditctlText(outputs['auditctl-status'], 'auditctl -s');
  if (text === undefined)
    return { available: false, enabled: 0, lost: null, backlog_limit: null, failure: null, pid: null };
  return { available: true, ...parseAuditStatus(text) };
};

/** auditd.conf. With service-state too, so that a host without auditd (no file) is not-applicable, not inconclusive. */
const auditdConfig: Parser = (outputs) => {
  const text = fileText(outputs, 'auditd-conf');
  if (text === undefined) return { present: false };
  const conf = parseAuditdConf(text);
  return { present: true, ...conf, num_logs_value: conf.num_logs !== undefined ? Number(conf.num_logs) : null };
};

/** audit= on the running kernel's command line; on an offline image, what the boot loader will pass. */
const kernelCmdline: Parser = (outputs) => {
  const live = outputs['proc-cmdline'];
  let args: Record<string, string>;
  let source: string;
  // The line that was read: audit= is decided by it, present or not.
  let at: { probe?: string; file?: string; line?: number; text: string }[];
  if (live && !live.error && live.exitCode === 0 && live.stdout.trim()) {
    args = parseCmdline(live.stdout);
    source = '/proc/cmdline';
    at = [{ probe: 'proc-cmdline', text: live.stdout.trim() }];
  } else {
    const grub = fileText(outputs, 'grub-default');
    if (grub === undefined) {
      const why = live?.error
        ? `${live.error.kind}: ${live.error.message}`
        : live
          ? live.stderr.trim() || `exit ${live.exitCode}`
          : 'not collected';
      throw new InconclusiveError(`the kernel command line is unknown (/proc/cmdline: ${why}; no /etc/default/grub)`);
    }
    args = parseCmdline(grubCmdline(grub));
    source = '/etc/default/grub';
    at = grub
      .split('\n')
      .flatMap((text, i) =>
        /^[ \t]*GRUB_CMDLINE_LINUX(_DEFAULT)?\s*=/.test(text) ? [{ file: source, line: i + 1, text: text.trim() }] : [],
      );
    if (at.length === 0) at = [{ probe: 'grub-default', text: '(no GRUB_CMDLINE_LINUX line)' }];
  }
  const backlog = args.audit_backlog_limit !== undefined ? Number(args.audit_backlog_limit) : null;
  const unset = args.audit === undefined ? ' (no audit= argument)' : '';
  return {
    audit: args.audit ?? null,
    audit_backlog_limit: backlog,
    source,
    at: { audit: at.map((l) => ({ ...l, text: `${l.text}${unset}` })), audit_backlog_limit: at },
  };
};

// ---- audit rules

interface RuleSet {
  rules: AuditRule[];
  problems: string[];
  source: string;
}

/** The rules on disk: rules.d when it has files (augenrules), else the compiled audit.rules. */
function diskRules(outputs: Outputs): RuleSet {
  const files = globFiles(outputs, 'audit-rules-d');
  if (files.length > 0) {
    const rules: AuditRule[] = [];
    const problems: string[] = [];
    for (const f of files) {
      const parsed = parseAuditRules(f.content, f.path);
      rules.push(...parsed.rules);
      problems.push(...parsed.problems);
    }
    return { rules, problems, source: '/etc/audit/rules.d' };
  }
  const text = fileText(outputs, 'audit-rules-file');
  if (text === undefined) return { rules: [], problems: [], source: 'none' };
  const parsed = parseAuditRules(text, '/etc/audit/audit.rules');
  return { ...parsed, source: '/etc/audit/audit.rules' };
}

/** The loaded rules; undefined when auditctl is not installed. Offline images fall back to the disk rules. */
function loadedRules(outputs: Outputs): RuleSet | undefined {
  const r = outputs['auditctl-rules'];
  if (r?.error?.kind === 'offline') return diskRules(outputs);
  const text = auditctlText(r, 'auditctl -l');
  if (text === undefined) return undefined;
  const parsed = parseAuditRules(text, 'auditctl -l');
  return { ...parsed, source: 'kernel' };
}

function ruleFacts(rule: AuditRule): Record<string, unknown> {
  const { file: _f, line: _l, control: _c, ...rest } = rule;
  return rest;
}

/** Normalised rules and per-topic coverage (execve, identity, bpf ...), from the kernel or, offline, from disk. */
const auditdRules: Parser = (outputs) => {
  const set = loadedRules(outputs) ?? { rules: [], problems: [], source: 'none' };
  const rules = set.rules.filter((r) => r.type !== 'control');
  const coverage = allCoverage(rules);
  // What is missing is decided by every rule read: name the rules read and the items none of them records.
  const read =
    set.source === 'kernel'
      ? { probe: 'auditctl-rules', what: `none of the ${rules.length} loaded rule(s)` }
      : set.source === 'none'
        ? { probe: 'auditctl-rules', what: 'auditctl is not installed and no rule file was read: no rule' }
        : {
            probe: set.source === '/etc/audit/rules.d' ? 'audit-rules-d' : 'audit-rules-file',
            what: `none of the ${rules.length} rule(s) in ${set.source}`,
          };
  for (const topic of Object.values(coverage))
    if (topic.missing.length > 0)
      topic.at.push({ probe: read.probe, text: `(${read.what} records ${topic.missing.join(', ')})` });
  return {
    source: set.source,
    rule_count: rules.length,
    rules: rules.map(ruleFacts),
    coverage,
    problems: set.problems,
  };
};

function augenrulesState(result: ProbeResult | undefined): string {
  if (!result || result.error) return 'unknown';
  if (toolMissing(result)) return 'missing';
  const out = `${result.stdout}\n${result.stderr}`;
  if (/Rules have changed/i.test(out)) return 'changed';
  if (/No change/i.test(out)) return 'no-change';
  if (/No rules directory/i.test(out)) return 'not-used';
  if (/No rules/i.test(out)) return 'no-rules';
  return 'unknown';
}

/** Rules on disk versus rules in the kernel: what a reboot would load is what is loaded now. */
const auditdRulesSync: Parser = (outputs) => {
  const r = outputs['auditctl-rules'];
  if (r?.error?.kind === 'offline')
    throw new InconclusiveError('loaded audit rules cannot be read from an offline image');
  const loaded = loadedRules(outputs);
  if (!loaded)
    return {
      installed: false,
      in_sync: false,
      only_on_disk: [],
      only_loaded: [],
      augenrules: augenrulesState(outputs['augenrules-check']),
    };
  const disk = diskRules(outputs);
  const canon = (rules: AuditRule[]): Set<string> =>
    new Set(rules.map(canonicalRule).filter((c): c is string => c !== undefined));
  const onDisk = canon(disk.rules);
  const inKernel = canon(loaded.rules);
  const onlyOnDisk = [...onDisk].filter((c) => !inKernel.has(c));
  const onlyLoaded = [...inKernel].filter((c) => !onDisk.has(c));
  const augenrules = augenrulesState(outputs['augenrules-check']);
  const control = controlSettings(disk.rules);
  const check = outputs['augenrules-check'];
  const said = `${check?.stdout ?? ''}\n${check?.stderr ?? ''}`.split('\n').find((x) => /Rules have changed/i.test(x));
  return {
    installed: true,
    disk_source: disk.source,
    disk_rules: onDisk.size,
    loaded_rules: inKernel.size,
    only_on_disk: onlyOnDisk,
    only_loaded: onlyLoaded,
    augenrules,
    in_sync: onlyOnDisk.length === 0 && onlyLoaded.length === 0 && augenrules !== 'changed',
    immutable_on_disk: control['-e'] === '2',
    disk_problems: disk.problems,
    at: { in_sync: said ? [{ probe: 'augenrules-check', text: said.trim() }] : [] },
  };
};

// ---- log forwarding

function daemonRunning(state: ServiceState | undefined, d: DaemonState): boolean | null {
  return state ? d.running : null;
}

interface ForwardingFacts extends Facts {
  forwarders: (Forwarder & { daemon_running: boolean | null })[];
  audit: {
    forwarded: boolean;
    via: string | null;
    remote_configured: boolean;
    remote_plugin_active: boolean;
    syslog_plugin_active: boolean;
  };
}

function forwardingFacts(outputs: Outputs): ForwardingFacts {
  const state = serviceState(outputs, true);
  const rsMainText = fileText(outputs, 'rsyslog-conf');
  const rsMain = rsMainText !== undefined ? { path: '/etc/rsyslog.conf', content: rsMainText } : undefined;
  const syslog = syslogForwarders(rsMain, globFiles(outputs, 'rsyslog-d'), globFiles(outputs, 'syslog-ng-conf'));
  const juMain = fileText(outputs, 'journal-upload-conf');
  const juFiles = [
    ...(juMain !== undefined ? [{ path: '/etc/systemd/journal-upload.conf', content: juMain }] : []),
    ...globFiles(outputs, 'journal-upload-dropins'),
  ];
  const journal = parseJournalUpload(juFiles);
  const plugins = parseAuditPlugins(globFiles(outputs, 'audit-plugins'));
  const remotePlugin = plugins.find((p) => /audisp-remote$/.test(p.path));
  const audisp = parseAudispRemote(globFiles(outputs, 'audisp-remote-conf')[0]);

  const daemons: Record<string, DaemonState> = {};
  if (state) {
    daemons.rsyslog = daemonState(state, ['rsyslog'], ['rsyslogd'], ['rsyslogd']);
    daemons['syslog-ng'] = daemonState(state, ['syslog-ng'], ['syslog-ng'], ['syslog-ng']);
    daemons['journal-upload'] = daemonState(state, ['systemd-journal-upload'], [], []);
    daemons.auditd = daemonState(state, ['auditd'], ['auditd'], ['auditd']);
    daemons['audisp-remote'] = daemonState(state, [], ['audisp-remote'], ['audisp-remote']);
  }
  const runningOf = (via: Forwarder['via']): boolean | null => {
    if (!state) return null;
    if (via === 'audisp-remote') {
      // auditd starts audisp-remote itself: the plugin must be active and auditd (or the plugin process) running.
      if (!remotePlugin?.active) return false;
      return daemons['audisp-remote']!.running === true || daemons.auditd!.running === true
        ? true
        : daemonRunning(state, daemons.auditd!);
    }
    return daemonRunning(state, daemons[via]!);
  };
  const all: Forwarder[] = [...syslog.forwarders, ...(journal ? [journal] : []), ...(audisp ? [audisp] : [])];
  const forwarders = all.map((f) => ({ ...f, daemon_running: runningOf(f.via) }));
  const active = forwarders.filter((f) => f.daemon_running !== false);
  const agents = state ? LOG_AGENTS.filter((a) => state.procs.includes(a)) : [];
  const syslogPlugin = plugins.some((p) => p.active && /audisp-syslog$|builtin_syslog$/.test(p.path));
  const auditRemote = active.find((f) => f.via === 'audisp-remote');
  const syslogActive = active.some((f) => f.via === 'rsyslog' || f.via === 'syslog-ng');
  const auditVia = auditRemote ? 'audisp-remote' : syslogPlugin && syslogActive ? 'syslog-plugin' : null;
  const lines = (list: typeof forwarders) => list.map(forwarderLine);
  return {
    at: { configured: lines(forwarders), active: lines(forwarders), tcp: lines(forwarders) },
    forwarders,
    configured: forwarders.length > 0,
    active: active.length > 0,
    tcp: active.some((f) => f.transport === 'tcp'),
    encrypted: active.some((f) => f.tls),
    udp_only: active.length > 0 && !active.some((f) => f.transport === 'tcp'),
    agents,
    syslog_ng_unused_destinations: syslog.syslogNgUnused,
    /** Drop-in files the daemon does not read (their include line is commented out). */
    ignored_config_files: syslog.ignoredFiles,
    audit: {
      forwarded: auditVia !== null,
      via: auditVia,
      remote_configured: audisp !== undefined,
      remote_plugin_active: remotePlugin?.active ?? false,
      syslog_plugin_active: syslogPlugin,
    },
    daemons,
  };
}

/** Where a forwarder is configured, and what it does (its daemon's state decides whether it counts). */
function forwarderLine(f: Forwarder & { daemon_running: boolean | null }) {
  const state = f.daemon_running === null ? '' : f.daemon_running ? ', daemon running' : ', daemon not running';
  return {
    file: f.file,
    line: f.line,
    text: `${f.via} forwards to ${f.host}:${f.port} over ${f.protocol}${f.tls ? ' with TLS' : ''}${state}`,
  };
}

const logForwarding: Parser = (outputs) => forwardingFacts(outputs);

/**
 * Forwarding of audit events. /etc/audit is 0750 root: without sudo a glob over plugins.d silently matches nothing,
 * which must not read as "no plugin forwards". auditd always ships plugin files, so none seen with auditd present
 * means we could not look.
 */
const auditForwarding: Parser = (outputs, ctx) => {
  const facts = forwardingFacts(outputs);
  const plugins = outputs['audit-plugins'];
  const auditd = (facts.daemons as Record<string, DaemonState>).auditd;
  const seen = plugins && !plugins.error && plugins.stdout.includes('==> ');
  if (!ctx.offline && auditd?.installed && !seen && !facts.audit.forwarded) {
    throw new InconclusiveError(
      'no audit plugin configuration was readable in /etc/audit/plugins.d (mode 0750 root): allow sudo for ' +
        'the audit account',
    );
  }
  return facts;
};

/** Forwarding plus whether each TCP collector has an ESTABLISHED connection right now. */
const logForwardingConnection: Parser = (outputs) => {
  const facts = forwardingFacts(outputs);
  const r = outputs['tcp-established'];
  if (!r || r.error) {
    const why = r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected';
    throw new InconclusiveError(`open connections are unknown (tcp-established: ${why})`);
  }
  if (r.exitCode !== 0 && !r.stdout.trim()) {
    throw new InconclusiveError(
      `open connections are unknown (${r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`})`,
    );
  }
  const conns = parseTcpConnections(r.stdout);
  const collectors = facts.forwarders
    .filter((f) => f.transport === 'tcp' && f.daemon_running !== false)
    .map((f) => {
      const c = connectionTo(conns, f.host, f.port);
      return {
        via: f.via,
        host: f.host,
        port: f.port,
        connected: c.match !== 'none',
        match: c.match,
        ...(c.peer ? { peer: c.peer } : {}),
      };
    });
  const tcp = facts.forwarders.filter((f) => f.transport === 'tcp' && f.daemon_running !== false);
  const connectionLines = tcp.flatMap((f, i) => {
    const c = collectors[i]!;
    const said = c.connected
      ? `ESTABLISHED to ${c.peer ?? `${f.host}:${f.port}`}`
      : `(no ESTABLISHED connection to ${f.host}:${f.port} among the ${conns.length} listed)`;
    return [forwarderLine(f), { probe: 'tcp-established', text: said }];
  });
  return {
    ...facts,
    collectors,
    connected: collectors.some((c) => c.connected),
    established_connections: conns.length,
    at: { ...(facts.at as object), connected: connectionLines },
  };
};

// ---- rsyslog message size

/** rsyslog's maxMessageSize on this host: where a longer message is cut, and what happens to its rest. */
const syslogNgLimits: Parser = (outputs) => {
  const files = globFiles(outputs, 'syslog-ng-conf');
  if (files.length === 0)
    return { installed: false, log_msg_size: null, explanation: 'syslog-ng is not configured on this host' };
  const set = syslogNgLogMsgSize(files);
  const bytes = set?.bytes ?? SYSLOG_NG_DEFAULT_LOG_MSG_SIZE;
  const where = set ? `set to ${set.bytes} in ${set.scope} at ${set.file}:${set.line}` : 'the default: not set';
  return {
    installed: true,
    log_msg_size: bytes,
    source: set ? `${set.file}:${set.line}` : 'default',
    explanation:
      `log-msg-size is ${bytes} bytes (${where}). ` +
      (bytes >= SYSLOG_NG_DEFAULT_LOG_MSG_SIZE
        ? 'Messages up to that size pass this syslog-ng whole.'
        : `A message longer than ${bytes} bytes is cut where syslog-ng reads it: a long body or command line ` +
          'loses its end, where the payload usually sits.'),
  };
};

const rsyslogLimits: Parser = (outputs) => {
  const main = fileText(outputs, 'rsyslog-conf');
  if (main === undefined)
    return {
      installed: false,
      max_message_size: null,
      explanation: 'rsyslog is not configured on this host (no /etc/rsyslog.conf)',
    };
  const files = [
    { path: '/etc/rsyslog.conf', content: main },
    ...included(globFiles(outputs, 'rsyslog-d'), rsyslogIncludes(main)).kept,
  ];
  let setting: MaxMessageSizeSetting | undefined;
  for (const f of files) setting = rsyslogMaxMessageSize(f.path, f.content) ?? setting;
  const bytes = setting?.bytes ?? RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE;
  const where = setting
    ? `set to ${setting.value} in ${setting.file}:${setting.line}`
    : 'the default: not set in /etc/rsyslog.conf or its included rsyslog.d files';
  const raised = bytes > RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE;
  const setAt = setting
    ? {
        file: setting.file,
        line: setting.line,
        text:
          files
            .find((f) => f.path === setting.file)
            ?.content.split('\n')
            [setting.line - 1]?.trim() ?? '',
      }
    : {
        probe: 'rsyslog-conf',
        text:
          `(maxMessageSize is not set in ${files.map((f) => f.path).join(', ')}: ` +
          `rsyslog's default ${RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE} bytes applies)`,
      };
  return {
    installed: true,
    max_message_size: bytes,
    at: { max_message_size: [setAt] },
    source: setting ? `${setting.file}:${setting.line}` : 'default',
    explanation:
      `maxMessageSize is ${bytes} bytes (${where}). ` +
      (raised
        ? `Messages up to ${bytes} bytes (syslog header included) pass this rsyslog whole; it must be as large ` +
          'on every hop.'
        : `A message longer than ${bytes} bytes (syslog header included) is cut at this rsyslog's input: as a ` +
          'sender the rest is dropped, as a TCP collector the rest arrives as a separate message without a ' +
          'header.'),
  };
};

// ---- sshd

const sshdLogging: Parser = (outputs) => {
  const t = outputs['sshd-effective'];
  if (t && !t.error && t.exitCode === 0) {
    const settings = parseSshdT(t.stdout);
    if (settings.loglevel) {
      const level = settings.loglevel.toUpperCase();
      return {
        installed: true,
        source: 'sshd -T',
        loglevel: level,
        loglevel_rank: logLevelRank(level) ?? null,
        syslogfacility: settings.syslogfacility ?? null,
      };
    }
  }
  const sshdMissing = t !== undefined && toolMissing(t);
  const main = fileText(outputs, 'sshd-config');
  if (main === undefined) {
    if (sshdMissing || t?.error?.kind === 'offline')
      return { installed: false, source: 'none', loglevel: null, loglevel_rank: null };
    const why = t?.error ? `${t.error.kind}: ${t.error.message}` : (t?.stdout || t?.stderr || '').trim().split('\n')[0];
    throw new InconclusiveError(
      `sshd settings are unknown: sshd -T failed (${why}) and /etc/ssh/sshd_config was not read`,
    );
  }
  const files = new Map<string, string>([['/etc/ssh/sshd_config', main]]);
  for (const f of globFiles(outputs, 'sshd-config-d')) files.set(f.path, f.content);
  const cfg = parseSshdConfig('/etc/ssh/sshd_config', files);
  const level = (cfg.settings.loglevel ?? 'INFO').toUpperCase();
  return {
    installed: true,
    source: 'sshd_config',
    loglevel: level,
    loglevel_rank: logLevelRank(level) ?? null,
    syslogfacility: cfg.settings.syslogfacility ?? 'AUTH',
    match_loglevels: cfg.match_overrides.loglevel ?? [],
    files: cfg.files,
  };
};

// ---- auth logs, time

const authLog: Parser = (outputs) => {
  const r = requireCommand(outputs, 'auth-log-recency', 'authentication log recency');
  const facts = parseAuthLogRecency(r.stdout);
  if (facts.now === undefined) throw new ParseError('auth-log-recency: no "now" line in the output');
  // The host's clock and the newest source's line decide the age; with no source, every file line (empty logs).
  const rows = r.stdout.split('\n').map((x) => x.trim());
  const newest = facts.source === 'journal' ? 'journal ' : facts.source ? `file ${facts.source} ` : 'file ';
  const lines = rows.filter((x) => x.startsWith('now ') || x.startsWith(newest));
  const at = lines.map((text) => ({ probe: 'auth-log-recency', text }));
  return {
    ...facts,
    newest_age_seconds: facts.newest_age_seconds ?? null,
    at: { newest_age_seconds: at, exists: at, source: at },
  };
};

const timeSync: Parser = (outputs) => {
  const r = requireCommand(outputs, 'time-sync', 'time synchronisation');
  const sections = splitToolSections(r.stdout);
  if (sections.length === 0) throw new ParseError('time-sync: no tool sections in the output');
  const section = (prefix: string) => sections.find((s) => s.command.startsWith(prefix) && s.rc === 0);
  const tools: Record<string, number | null> = {};
  for (const s of sections) tools[s.command] = s.rc;
  const show = section('timedatectl show');
  const td = show ? parseTimedatectlShow(show.text) : undefined;
  const chrony = section('chronyc') ? parseChronyTracking(section('chronyc')!.text) : undefined;
  const ntpq = section('ntpq') ? parseNtpqPeers(section('ntpq')!.text) : undefined;
  const timesync = section('timedatectl timesync-status')
    ? parseTimesyncStatus(section('timedatectl timesync-status')!.text)
    : undefined;
  let source: string | null = null;
  let offset: number | undefined;
  if (chrony?.synchronized) [source, offset] = ['chrony', chrony.offset_ms];
  else if (ntpq?.synchronized) [source, offset] = ['ntpd', ntpq.offset_ms];
  else if (td?.NTPSynchronized === 'yes') [source, offset] = ['systemd-timesyncd', timesync?.offset_ms];
  const synchronized = source !== null;
  // The lines each tool answered about synchronisation (timedatectl's NTP flags, chrony's leap status, ntpq's peer).
  const syncLines = r.stdout
    .split('\n')
    .map((x) => x.trim())
    .filter((x) => /^(NTP|NTPSynchronized)=|^Leap status\b|^System time\b|^\*/.test(x));
  const located = syncLines.length
    ? syncLines.map((text) => ({ probe: 'time-sync', text }))
    : [{ probe: 'time-sync', text: '(no tool reported synchronisation)' }];
  if (offset === undefined) offset = chrony?.offset_ms ?? ntpq?.offset_ms ?? timesync?.offset_ms;
  const state = serviceState(outputs, true);
  const daemon = state
    ? (['chronyd', 'ntpd', 'systemd-timesyn'].find((p) => state.procs.includes(p)) ??
      ['chrony', 'chronyd', 'ntp', 'ntpd', 'ntpsec', 'systemd-timesyncd'].find(
        (u) => state.units[u]?.active === 'active',
      ) ??
      null)
    : null;
  return {
    synchronized,
    source,
    ntp_enabled: td?.NTP === undefined ? null : td.NTP === 'yes',
    offset_ms: offset ?? null,
    abs_offset_ms: offset === undefined ? null : Math.abs(offset),
    daemon,
    tools,
    at: { synchronized: located, source: located },
  };
};

/** The linux parsers, by the name catalog checks use in their `parser` field. */
/** The netfilter ruleset from nft and iptables-save; a missing tool is "not used", a refusal is inconclusive. */
const netfilterLogging: Parser = (outputs) => {
  const read = (id: string, what: string): string | undefined => {
    const r = outputs[id];
    if (!r || r.error?.kind === 'offline') return undefined;
    if (toolMissing(r)) return undefined;
    return requireCommand(outputs, id, what).stdout;
  };
  const nftText = read('nft-ruleset', 'nft -j list ruleset');
  const iptText = read('iptables-save', 'iptables-save');
  if (nftText === undefined && iptText === undefined) {
    const r = outputs['nft-ruleset'];
    if (r?.error?.kind === 'offline')
      throw new InconclusiveError('the live netfilter ruleset cannot be read from an offline image');
  }
  const nft = nftText?.trim() ? parseNftJson(nftText) : undefined;
  let ipt: FwChain[] | undefined;
  if (iptText?.trim()) {
    const [v4 = '', v6 = ''] = iptText.split(IP6_MARKER);
    ipt = [...parseIptablesSave(v4, 'ip').chains, ...parseIptablesSave(v6, 'ip6').chains];
  }
  const source =
    [nft ? 'nft -j list ruleset' : '', ipt?.length ? 'iptables-save' : ''].filter(Boolean).join() || 'none';
  return { ...firewallFacts(mergeRulesets(nft, ipt), source) };
};

/** What every forwarding parser reads, and the facts the shared forwarding analysis gives each of them. */
const FORWARDING_PROBES = [
  'rsyslog-conf',
  'rsyslog-d',
  'syslog-ng-conf',
  'journal-upload-conf',
  'journal-upload-dropins',
  'audisp-remote-conf',
  'audit-plugins',
  'service-state',
];
const FORWARDING_FACTS = [
  'forwarders',
  'configured',
  'active',
  'tcp',
  'encrypted',
  'udp_only',
  'agents',
  'syslog_ng_unused_destinations',
  'ignored_config_files',
  'audit',
  'daemons',
];

export const linuxParserModules: readonly ParserModule[] = [
  ...canaryParserModules,
  defineParser({
    name: 'auditd-service',
    probes: ['service-state', 'auditctl-status'],
    facts: ['installed', 'running', 'enabled_at_boot', 'unit', 'kernel_pid', 'systemd'],
    parse: auditdService,
  }),
  defineParser({
    name: 'auditd-kernel-status',
    probes: ['auditctl-status'],
    // auditctl -s prints one "name value" per line; every value it prints becomes a fact of that name.
    facts: [
      'available',
      'enabled',
      'failure',
      'pid',
      'rate_limit',
      'backlog_limit',
      'lost',
      'backlog',
      'backlog_wait_time',
      'loginuid_immutable',
    ],
    parse: auditdKernelStatus,
  }),
  defineParser({
    name: 'auditd-config',
    probes: ['auditd-conf', 'service-state'],
    // auditd.conf keys become facts of the same name (lower-case values for *_action, flush, log_format ...).
    facts: [
      'present',
      'num_logs',
      'num_logs_value',
      'max_log_file',
      'max_log_file_action',
      'space_left',
      'space_left_action',
      'admin_space_left',
      'admin_space_left_action',
      'disk_full_action',
      'disk_error_action',
      'log_format',
      'log_file',
      'flush',
      'freq',
      'write_logs',
      'local_events',
      'log_group',
      'name_format',
      'priority_boost',
    ],
    parse: auditdConfig,
  }),
  defineParser({
    name: 'kernel-cmdline',
    probes: ['proc-cmdline', 'grub-default'],
    facts: ['audit', 'audit_backlog_limit', 'source'],
    parse: kernelCmdline,
  }),
  defineParser({
    name: 'auditd-rules',
    probes: ['auditctl-rules', 'audit-rules-d', 'audit-rules-file'],
    facts: ['source', 'rule_count', 'rules', 'coverage', 'problems'],
    parse: auditdRules,
  }),
  defineParser({
    name: 'auditd-rules-sync',
    probes: ['auditctl-rules', 'audit-rules-d', 'audit-rules-file', 'augenrules-check'],
    facts: [
      'installed',
      'disk_source',
      'disk_rules',
      'loaded_rules',
      'only_on_disk',
      'only_loaded',
      'augenrules',
      'in_sync',
      'immutable_on_disk',
      'disk_problems',
    ],
    parse: auditdRulesSync,
  }),
  defineParser({
    name: 'log-forwarding',
    probes: FORWARDING_PROBES,
    facts: FORWARDING_FACTS,
    parse: logForwarding,
  }),
  defineParser({
    name: 'log-forwarding-connection',
    probes: [...FORWARDING_PROBES, 'tcp-established'],
    facts: [...FORWARDING_FACTS, 'collectors', 'connected', 'established_connections'],
    parse: logForwardingConnection,
  }),
  defineParser({
    name: 'audit-forwarding',
    probes: FORWARDING_PROBES,
    facts: FORWARDING_FACTS,
    parse: auditForwarding,
  }),
  defineParser({
    name: 'syslog-ng-limits',
    probes: ['syslog-ng-conf'],
    facts: ['installed', 'log_msg_size', 'source', 'explanation'],
    parse: syslogNgLimits,
  }),
  defineParser({
    name: 'rsyslog-limits',
    probes: ['rsyslog-conf', 'rsyslog-d'],
    facts: ['installed', 'max_message_size', 'source', 'explanation'],
    parse: rsyslogLimits,
  }),
  defineParser({
    name: 'sshd-logging',
    probes: ['sshd-effective', 'sshd-config', 'sshd-config-d'],
    facts: ['installed', 'source', 'loglevel', 'loglevel_rank', 'syslogfacility', 'match_loglevels', 'files'],
    parse: sshdLogging,
  }),
  defineParser({
    name: 'netfilter-logging',
    probes: ['nft-ruleset', 'iptables-save'],
    facts: [
      'source',
      'ruleset_present',
      'input_policy',
      'drop_points',
      'unlogged_drops',
      'unlogged_drop_count',
      'policy_drops',
      'mgmt_accepts',
      'mgmt_accepts[].ports',
      'mgmt_accepts[].logged',
      'unlogged_mgmt_count',
      'mgmt_by_policy_unlogged',
      'drops_reason',
      'mgmt_reason',
    ],
    parse: netfilterLogging,
  }),
  defineParser({
    name: 'auth-log',
    probes: ['auth-log-recency'],
    facts: ['now', 'exists', 'newest_age_seconds', 'files', 'journal_last', 'source'],
    parse: authLog,
  }),
  defineParser({
    name: 'time-sync',
    probes: ['time-sync', 'service-state'],
    facts: ['synchronized', 'source', 'ntp_enabled', 'offset_ms', 'abs_offset_ms', 'daemon', 'tools'],
    parse: timeSync,
  }),
];

/** name -> parse function (tests call parsers by name). */
export const linuxParsers: Readonly<Record<string, Parser>> = parsersByName(linuxParserModules);
