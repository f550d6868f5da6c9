import type { Parser } from '../../checks/types.js';
import { InconclusiveError, ParseError } from '../../checks/types.js';

/** Sysmon rule-group names (as `sysmon -c` prints them) and the event ids they produce. */
export const SYSMON_EVENTS: Record<string, number[]> = {
  ProcessCreate: [1],
  FileCreateTime: [2],
  NetworkConnect: [3],
  ProcessTerminate: [5],
  DriverLoad: [6],
  ImageLoad: [7],
  CreateRemoteThread: [8],
  RawAccessRead: [9],
  ProcessAccess: [10],
  FileCreate: [11],
  RegistryEvent: [12, 13, 14],
  FileCreateStreamHash: [15],
  PipeEvent: [17, 18],
  WmiEvent: [19, 20, 21],
  DnsQuery: [22],
  FileDelete: [23],
  ClipboardChange: [24],
  ProcessTampering: [25],
  FileDeleteDetected: [26],
  FileBlockExecutable: [27],
  FileBlockShredding: [28],
  FileExecutableDetected: [29],
};

export interface SysmonGroup {
  event: string;
  onmatch: 'include' | 'exclude';
  rules: number;
  /** The group's header line as `sysmon -c` printed it. */
  line: string;
}

export interface SysmonConfig {
  version?: string;
  service?: string;
  config_file?: string;
  schema?: string;
  header: Record<string, string>;
  groups: SysmonGroup[];
  /** Event ids that produce events: an exclude group (everything but its matches) or an include group with rules. */
  enabled_events: number[];
  /** Per event id, what the configuration says in words: "ProcessAccess (10): onmatch include with no rules". */
  event_config: Record<string, string>;
  rule_names_with_techniques: number;
  /** Per event id, the lines that decide it: its groups' headers, or the global switch that turned it off. */
  lines: Record<string, string[]>;
  baseline: 'swiftonsecurity' | 'sysmon-modular' | 'custom';
}

/** `sysmon -c` header switches that turn an event off whatever the rules say (-l, -n). */
const GLOBAL_SWITCHES: [number, string][] = [
  [7, 'Image loading'],
  [3, 'Network connection'],
];

/** One event's rule groups in words; several groups for one event (RuleGroup) are listed in order. */
function explainGroups(event: string, id: number, groups: SysmonGroup[]): string {
  if (groups.length === 0) return `${event} (${id}): no rule group in the configuration, so no event is written`;
  const parts = groups.map((g) => {
    if (g.onmatch === 'include')
      return g.rules === 0
        ? 'onmatch include with no rules, so no event is written'
        : `onmatch include with ${g.rules} rule(s)`;
    return g.rules === 0
      ? 'onmatch exclude with no rules, so every event is written'
      : `onmatch exclude with ${g.rules} exclusion(s)`;
  });
  return `${event} (${id}): ${parts.join('; ')}`;
}

/**
 * Parses `sysmon -c` output (Sysmon v10..v15 print format). Rule lines start with a TAB (TAB + 4 spaces inside a
 * compound rule); a group header is ` - <Event>   onmatch: include|exclude   combine rules using 'And'|'Or'`.
 */
export function parseSysmonConfig(text: string): SysmonConfig {
  const header: Record<string, string> = {};
  const groups: SysmonGroup[] = [];
  let version: string | undefined;
  let schema: string | undefined;
  let inRules = false;
  let current: SysmonGroup | undefined;
  let techniqueNames = 0;
  for (const line of text.split(/\r?\n/)) {
    const v = /System Monitor v([\d.]+)/.exec(line);
    if (v) version = v[1];
    const rc = /^Rule configuration \(version ([\d.]+)\)/.exec(line);
    if (rc) {
      inRules = true;
      schema = rc[1];
      continue;
    }
    if (!inRules) {
      const h = /^ - ([^:]+):\s+(.*)$/.exec(line);
      if (h) header[h[1]!.trim()] = h[2]!.trim();
      continue;
    }
    const g = /^ - (\w+)\s+onmatch: (include|exclude)/.exec(line);
    if (g) {
      current = { event: g[1]!, onmatch: g[2] as 'include' | 'exclude', rules: 0, line: line.trim() };
      groups.push(current);
      continue;
    }
    if (current && line.startsWith('\t')) {
      // A compound rule counts once; its member lines (TAB + 4 spaces) do not add rules.
      if (!line.startsWith('\t    ')) current.rules++;
      if (/technique_id=T\d{4}/.test(line)) techniqueNames++;
    }
  }
  if (!inRules && Object.keys(header).length === 0)
    throw new ParseError('not sysmon -c output (no "Current configuration" or "Rule configuration")');
  const enabled = new Set<number>();
  for (const group of groups) {
    if (group.onmatch === 'exclude' || group.rules > 0)
      for (const id of SYSMON_EVENTS[group.event] ?? []) enabled.add(id);
  }
  // The global switches win over rules: with -l/-n off, Sysmon produces no image-load or network events at all.
  const switchedOff: Record<number, string> = {};
  for (const [id, name] of GLOBAL_SWITCHES) {
    if (/disabled/i.test(header[name] ?? '')) {
      enabled.delete(id);
      switchedOff[id] = `${name} (${id}): disabled`;
    }
  }
  const explained: Record<string, string> = {};
  const lines: Record<string, string[]> = {};
  for (const [event, ids] of Object.entries(SYSMON_EVENTS)) {
    for (const id of ids) {
      const name = GLOBAL_SWITCHES.find(([sid]) => sid === id)?.[1];
      lines[String(id)] =
        switchedOff[id] && name
          ? [` - ${name}: ${header[name]}`.trim()]
          : groups.filter((g) => g.event === event).map((g) => g.line);
    }
    for (const id of ids)
      explained[String(id)] =
        switchedOff[id] ??
        explainGroups(
          event,
          id,
          groups.filter((g) => g.event === event),
        );
  }
  const file = (header['Config file'] ?? '').toLowerCase();
  const baseline =
    techniqueNames > 5 || /sysmon-?modular/.test(file)
      ? 'sysmon-modular'
      : /sysmonconfig-export\.xml$/.test(file) ||
          (!enabled.has(7) &&
            !enabled.has(10) &&
            groups.some((g) => g.event === 'ProcessAccess' && g.onmatch === 'include' && g.rules === 0))
        ? 'swiftonsecurity'
        : 'custom';
  return {
    version,
    service: header['Service name'],
    config_file: header['Config file'],
    schema,
    header,
    groups,
    enabled_events: [...enabled].sort((a, b) => a - b),
    event_config: explained,
    rule_names_with_techniques: techniqueNames,
    lines,
    baseline,
  };
}

/** Facts: installed/running from the service probe, the configuration from `sysmon -c`. */
export const sysmonParser: Parser = (outputs) => {
  const svc = outputs['win-sysmon-service'];
  const cfg = outputs['win-sysmon-config'];
  if (!svc || svc.error) throw new InconclusiveError(`win-sysmon-service: ${svc?.error?.message ?? 'not collected'}`);
  let services: { Name: string; State?: string; Status?: string | number; StartMode?: string; PathName?: string }[] =
    [];
  const text = svc.stdout.trim();
  if (text) {
    const parsed = JSON.parse(text) as unknown;
    services = (Array.isArray(parsed) ? parsed : [parsed]) as typeof services;
  }
  const sysmon = services.find((s) => /^sysmon(64)?$/i.test(s.Name));
  const running = sysmon ? /running/i.test(String(sysmon.State ?? sysmon.Status)) || sysmon.Status === 4 : false;
  // The service entry decides installed/running; with none, the (empty) service query itself.
  const serviceLine = {
    probe: 'win-sysmon-service',
    text: sysmon ? JSON.stringify(sysmon) : '(no Sysmon or Sysmon64 service)',
  };
  const facts: Record<string, unknown> = {
    installed: Boolean(sysmon),
    running,
    service: sysmon?.Name ?? null,
    events: {},
  };
  if (sysmon && cfg && !cfg.error && cfg.stdout.trim()) {
    const config = parseSysmonConfig(cfg.stdout);
    facts.config = config;
    facts.events = Object.fromEntries(
      Object.keys(config.event_config).map((id) => [id, config.enabled_events.includes(Number(id))]),
    );
    // Read by the event checks beside `events.<id>`, so a finding says why an event is off, not `events.10 false`.
    facts.event_config = config.event_config;
    facts.baseline = config.baseline;
    // Where each event's verdict was read: `events.<id>` and `event_config.<id>` point at the same lines.
    const at: Record<string, { probe: string; text: string }[]> = {
      installed: [serviceLine],
      running: [serviceLine],
    };
    for (const [id, rows] of Object.entries(config.lines)) {
      const located = rows.map((text) => ({ probe: 'win-sysmon-config', text }));
      at[`events.${id}`] = located;
      at[`event_config.${id}`] = located;
    }
    facts.at = at;
  }
  facts.at ??= { installed: [serviceLine], running: [serviceLine] };
  return facts;
};
