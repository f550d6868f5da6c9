// Time synchronisation evidence from one probe that asks every tool a host may have, as `### <command>` sections
// each closed by `### rc=<exit code>` (127: the tool is not installed):
// `timedatectl show`, `timedatectl timesync-status`, `chronyc -n tracking`, `ntpq -pn`.

export interface ToolSection {
  command: string;
  rc: number | null;
  text: string;
}

export function splitToolSections(text: string): ToolSection[] {
  const out: ToolSection[] = [];
  let current: ToolSection | undefined;
  for (const line of text.split('\n')) {
    const rc = /^### rc=(\d+)\s*$/.exec(line);
    if (rc && current) {
      current.rc = Number(rc[1]);
      out.push(current);
      current = undefined;
      continue;
    }
    const head = /^### (.+)$/.exec(line);
    if (head) {
      if (current) out.push(current);
      current = { command: head[1]!.trim(), rc: null, text: '' };
      continue;
    }
    if (current) current.text += `${line}\n`;
  }
  if (current) out.push(current);
  return out;
}

/** `timedatectl show`: Key=Value lines. */
export function parseTimedatectlShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Converts "+1.234ms", "-70us", "1.002s", "850ns" to milliseconds. */
export function durationMs(text: string): number | undefined {
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|min)?$/.exec(text.trim());
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, min: 60000 };
  return v * factor[unit]!;
}

export interface ChronyTracking {
  reference_id?: string;
  stratum?: number;
  /** System time minus NTP time, ms (positive = fast). */
  offset_ms?: number;
  leap_status?: string;
  synchronized: boolean;
}

/** `chronyc tracking`: "Name : value" lines; "System time : 0.000012 seconds fast of NTP time". */
export function parseChronyTracking(text: string): ChronyTracking | undefined {
  const kv: Record<string, string> = {};
  for (const line of text.split('\n')) {
    // The name ends on its last non-blank character (as a lazy `[A-Za-z ()]*?` would make it) but is matched greedily:
    // the lazy form retries the blanks after every character of a long line without a colon (quadratic).
    const m = /^([A-Za-z](?:[A-Za-z ()]*[A-Za-z()])?)\s*:\s*(.*)$/.exec(line.trim());
    if (m) kv[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  if (kv['reference id'] === undefined && kv['system time'] === undefined) return undefined;
  const out: ChronyTracking = { synchronized: false };
  if (kv['reference id']) out.reference_id = kv['reference id'];
  if (kv.stratum) out.stratum = Number(kv.stratum);
  const st = /^([\d.]+) seconds (fast|slow)/.exec(kv['system time'] ?? '');
  if (st) out.offset_ms = Number(st[1]) * 1000 * (st[2] === 'slow' ? -1 : 1);
  if (kv['leap status']) out.leap_status = kv['leap status'];
  const refZero = /^0+\b/.test(kv['reference id'] ?? '0');
  out.synchronized = !refZero && out.leap_status !== 'Not synchronised' && (out.stratum ?? 16) < 16;
  return out;
}

/** `ntpq -pn`: the system peer is the line starting with `*` (or `o` for PPS); offset column is ms. */
export function parseNtpqPeers(text: string): { synchronized: boolean; offset_ms?: number; peer?: string } | undefined {
  if (!/remote\s+refid/.test(text)) return undefined;
  for (const line of text.split('\n')) {
    const m = /^([*o])(\S+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+\S+\s+([-\d.]+)\s+([-+\d.]+)\s+([-\d.]+)/.exec(line);
    if (m) return { synchronized: true, offset_ms: Number(m[4]), peer: m[2]! };
  }
  return { synchronized: false };
}

/** `timedatectl timesync-status`: "Offset: +1.234ms" among other lines. */
export function parseTimesyncStatus(text: string): { offset_ms?: number; server?: string } {
  const out: { offset_ms?: number; server?: string } = {};
  // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
  const off = /^[^\S\n\r\u2028\u2029]*Offset:\s*(\S+)/m.exec(text);
  if (off) {
    const ms = durationMs(off[1]!);
    if (ms !== undefined) out.offset_ms = ms;
  }
  const server = /^[^\S\n\r\u2028\u2029]*Server:\s*(.+)$/m.exec(text);
  if (server) out.server = server[1]!.trim();
  return out;
}
