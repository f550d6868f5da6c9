// The `service-state` probe: systemd unit states, which tools exist, and which daemons and log agents run, from one
// POSIX sh command so a host is asked once for every service check. Lines:
//   init systemd|other
//   unit <name> active=<is-active> enabled=<is-enabled>
//   bin <name> <path>
//   proc <comm>
//   rc <S-link name in /etc/rc2.d or rc3.d>

export interface ServiceState {
  systemd: boolean | null;
  units: Record<string, { active: string; enabled: string }>;
  bins: Record<string, string>;
  procs: string[];
  rc: string[];
}

export function parseServiceState(text: string): ServiceState {
  const state: ServiceState = { systemd: null, units: {}, bins: {}, procs: [], rc: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const init = /^init (\S+)/.exec(line);
    const unit = /^unit (\S+) active=(\S*) enabled=(\S*)/.exec(line);
    const bin = /^bin (\S+) (.+)$/.exec(line);
    const proc = /^proc (.+)$/.exec(line);
    const rc = /^rc (\S+)$/.exec(line);
    if (init) state.systemd = init[1] === 'systemd';
    else if (unit) state.units[unit[1]!] = { active: unit[2]!, enabled: unit[3]! };
    else if (bin) state.bins[bin[1]!] = bin[2]!;
    else if (proc) state.procs.push(proc[1]!);
    else if (rc) state.rc.push(rc[1]!);
  }
  return state;
}

const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

/** A line of the service-state output (the probe names the command when the finding shows it). */
export interface ServiceLine {
  probe: 'service-state';
  text: string;
}

export interface DaemonState {
  installed: boolean;
  /** true / false, or null when neither systemd nor the process table could tell. */
  running: boolean | null;
  enabled: boolean | null;
  unit?: string;
  /**
   * The service-state lines each fact was read from (unit, proc, bin, rc lines); when none names the daemon, one
   * line says what the listing lacked.
   */
  at: { installed: ServiceLine[]; running: ServiceLine[]; enabled: ServiceLine[] };
}

const serviceLine = (text: string): ServiceLine => ({ probe: 'service-state', text });

/** The lines that name a daemon, as the probe printed them (parseServiceState keeps every field). */
function daemonLines(state: ServiceState, units: string[], procs: string[], bins: string[]): DaemonState['at'] {
  const unit = units.flatMap((u) => {
    const s = state.units[u];
    return s ? [serviceLine(`unit ${u} active=${s.active} enabled=${s.enabled}`)] : [];
  });
  const proc = procs.filter((p) => state.procs.includes(p)).map((p) => serviceLine(`proc ${p}`));
  const bin = bins.flatMap((b) => (state.bins[b] !== undefined ? [serviceLine(`bin ${b} ${state.bins[b]}`)] : []));
  const rc = state.rc
    .filter((r) => units.some((u) => new RegExp(`^S\\d*${u}$`).test(r)))
    .map((r) => serviceLine(`rc ${r}`));
  const names = [...new Set([...units, ...procs, ...bins])].join('/');
  const none = (what: string) => [serviceLine(`(no ${what} named ${names} in the service listing)`)];
  const running = [...unit, ...proc];
  const enabled = [...unit, ...rc];
  const noBin = bins.length && !bin.length ? [serviceLine(`(no ${bins.join('/')} binary in the service listing)`)] : [];
  const installed = [...bin, ...unit, ...proc, ...noBin];
  return {
    installed: installed.length ? installed : none('unit, process or binary'),
    running: running.length ? running : none(state.systemd ? 'systemd unit or process' : 'process'),
    enabled: enabled.length ? enabled : none('systemd unit or rc link'),
  };
}

/**
 * A daemon's state from units (any of several names: chrony vs chronyd), its process name and its binary. A live
 * process is proof enough of running (hosts without systemd: containers, SysV); systemd's view decides enablement.
 */
export function daemonState(state: ServiceState, units: string[], procs: string[], bins: string[]): DaemonState {
  const known = units.map((u) => [u, state.units[u]] as const).filter(([, s]) => s !== undefined);
  const unitFound =
    known.find(([, s]) => s!.enabled !== 'unknown' && s!.enabled !== 'not-found' && s!.enabled !== '') ?? known[0];
  const procRunning = procs.some((p) => state.procs.includes(p));
  const active = known.some(
    ([, s]) => s!.active === 'active' || s!.active === 'reloading' || s!.active === 'activating',
  );
  const enabledUnit = known.find(([, s]) => ENABLED_STATES.has(s!.enabled));
  const installed =
    bins.some((b) => state.bins[b] !== undefined) ||
    enabledUnit !== undefined ||
    procRunning ||
    known.some(([, s]) => ['disabled', 'masked', 'static'].includes(s!.enabled));
  let running: boolean | null = procRunning || active ? true : null;
  if (running === null && (state.systemd === true || state.procs.length > 0 || Object.keys(state.bins).length > 0))
    running = false;
  let enabled: boolean | null = enabledUnit ? true : null;
  if (enabled === null) {
    const rc = state.rc.some((r) => units.some((u) => new RegExp(`^S\\d*${u}$`).test(r)));
    if (rc) enabled = true;
    else if (state.systemd !== null || known.length > 0) enabled = false;
  }
  const out: DaemonState = { installed, running, enabled, at: daemonLines(state, units, procs, bins) };
  if (unitFound) out.unit = unitFound[0];
  return out;
}

/** Log shippers that read local logs themselves (their own configuration is out of socready's sight). */
export const LOG_AGENTS = [
  'splunkd',
  'filebeat',
  'auditbeat',
  'elastic-agent',
  'wazuh-logcollec',
  'ossec-logcollec',
  'wazuh-agentd',
  'fluent-bit',
  'fluentd',
  'td-agent-bit',
  'vector',
  'otelcol',
  'otelcol-contrib',
  'nxlog',
  'logstash',
  'cribl',
  'promtail',
  'alloy',
  'google_osconfig',
  'amazon-cloudwat',
  'mdsd',
];
