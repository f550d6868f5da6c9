// Shared plumbing for the linux parsers: how a probe's result is read, and how "we could not ask" is told apart from
// "the host answered no". Permission problems are never a fail: they become InconclusiveError with the reason.
import { InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { splitGlobOutput } from '../../util/file-sections.js';

export type Outputs = Record<string, ProbeResult>;

const PERMISSION_RE = new RegExp(
  'You must be root|Operation not permitted|Permission denied|' +
    'permission-denied|sudo-password-required|a password is required|' +
    'not in the sudoers|Access denied|Interactive authentication required',
  'i',
);

/** True when the probe's answer says it was not allowed to look (EPERM, not root, sudo refused). */
export function permissionProblem(result: ProbeResult | undefined): string | undefined {
  if (!result) return undefined;
  if (result.error && (result.error.kind === 'permission-denied' || result.error.kind === 'sudo-password-required')) {
    return result.error.message;
  }
  const text = `${result.stderr}\n${result.exitCode !== 0 ? result.stdout : ''}`;
  const m = PERMISSION_RE.exec(text);
  if (m) {
    const line = text.split('\n').find((l) => PERMISSION_RE.test(l)) ?? m[0];
    return line.trim();
  }
  return undefined;
}

/** The probe was not collected at all (offline image, transport trouble, missing from stored evidence). */
export function notCollected(result: ProbeResult | undefined): boolean {
  return !result || (result.error !== undefined && result.error.kind !== 'not-found');
}

/** The command does not exist on the host (`sh: 1: x: not found`, exit 127). */
export function toolMissing(result: ProbeResult | undefined): boolean {
  if (!result || result.error) return false;
  return result.exitCode === 127 || /(^|\s|:)(command )?not found\s*$/im.test(result.stderr.trim());
}

/** A file probe's text, or undefined when the file does not exist. Other failures are inconclusive. */
export function fileText(outputs: Outputs, id: string): string | undefined {
  const r = outputs[id];
  if (!r) return undefined;
  if (r.error) {
    if (r.error.kind === 'not-found') return undefined;
    if (r.error.kind === 'offline') return undefined;
    const perm = permissionProblem(r);
    throw new InconclusiveError(`${id}: ${perm ?? `${r.error.kind}: ${r.error.message}`}`);
  }
  return r.stdout;
}

/** A glob probe's files (`==> path <==` sections); none when nothing matched. */
export function globFiles(outputs: Outputs, id: string): { path: string; content: string }[] {
  const r = outputs[id];
  if (!r || (r.error && (r.error.kind === 'not-found' || r.error.kind === 'offline'))) return [];
  if (r.error) {
    const perm = permissionProblem(r);
    throw new InconclusiveError(`${id}: ${perm ?? `${r.error.kind}: ${r.error.message}`}`);
  }
  return splitGlobOutput(r.stdout);
}

/** An export probe's files; none when the probe belongs to another product (unsupported) or was not asked. */
export function exportFiles(outputs: Outputs, id: string): { path: string; content: string }[] {
  const r = outputs[id];
  if (!r || r.error?.kind === 'unsupported') return [];
  return globFiles(outputs, id);
}

/** Throws InconclusiveError when a command probe could not be asked or was refused. */
export function requireCommand(outputs: Outputs, id: string, what: string): ProbeResult {
  const r = outputs[id];
  if (!r) throw new InconclusiveError(`${id}: not collected`);
  if (r.error) {
    if (r.error.kind === 'offline')
      throw new InconclusiveError(`${what} cannot be asked on an offline image (${id} not run)`);
    throw new InconclusiveError(`${id}: ${r.error.kind}: ${r.error.message}`);
  }
  const perm = permissionProblem(r);
  if (perm) throw new InconclusiveError(`${what}: not permitted (${perm}); run with sudo: true or as root`);
  return r;
}

/** Strips a `#` comment that is not inside quotes. */
export function stripHashComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** key = value lines (auditd.conf, audisp-remote.conf, plugins.d): lower-cased keys, later lines win. */
export function parseKeyValue(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (m) out[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  return out;
}

/** Splits `host:port`, `[v6]:port`, bare hosts and bare v6 addresses. */
export function splitHostPort(text: string): { host: string; port?: number } {
  const t = text.trim();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) return { host: v6[1]!, ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const colons = (t.match(/:/g) ?? []).length;
  if (colons === 1) {
    const [host, port] = t.split(':');
    return /^\d+$/.test(port!) ? { host: host!, port: Number(port) } : { host: host! };
  }
  return { host: t };
}

/** Canonical form of an address for comparing a configured collector with a socket peer. */
export function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
    .replace(/\.$/, '');
}

export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * The 1-based line number of an offset in `text`, for many lookups: the line starts are found once (on first use) and
 * each lookup is a binary search, where counting newlines from the start every time is quadratic.
 */
export function lineNumbers(text: string): (index: number) => number {
  let starts: number[] | undefined;
  return (index) => {
    if (!starts) {
      starts = [0];
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
    }
    // The number of line starts at or before `index`.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Joins a line ending in a backslash (whitespace after it allowed) with the next, repeatedly; the backslash and what
 * follows it become one space. Kept as parts so a long run of continued lines costs linear time, not a rescan per line.
 */
export function joinContinued(lines: string[], first: number): { line: string; last: number } {
  const parts = [lines[first]!];
  let i = first;
  while (i + 1 < lines.length) {
    // The last non-whitespace character of the joined text so far (whitespace-only parts are skipped).
    let p = parts.length - 1;
    let k = -1;
    for (; p >= 0; p--) {
      k = parts[p]!.trimEnd().length - 1;
      if (k >= 0) break;
    }
    if (p < 0 || parts[p]!.charCodeAt(k) !== 92 /* backslash */) break;
    parts.length = p + 1;
    parts[p] = parts[p]!.slice(0, k);
    parts.push(' ', lines[++i]!);
  }
  return { line: parts.length === 1 ? parts[0]! : parts.join(''), last: i };
}
