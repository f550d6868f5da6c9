// rsyslog forwarding, in the three syntaxes met on real hosts: legacy selector lines (`*.* @host`, `@@host:port`,
// `@@(o)host`, `:omrelp:host:port`), RainerScript `action(type="omfwd" ...)` / `action(type="omrelp" ...)` over several
// lines, and the legacy `$DefaultNetstreamDriver gtls` + `$ActionSendStreamDriverMode 1` TLS switches.
import { splitHostPort } from './util.js';

export interface Forwarder {
  via: 'rsyslog' | 'syslog-ng' | 'journal-upload' | 'audisp-remote';
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'relp' | 'http' | 'https';
  /** Carried over TCP (a connection can be seen in `ss`). */
  transport: 'udp' | 'tcp';
  tls: boolean;
  file: string;
  line: number;
  /** What selected the messages (rsyslog selector, syslog-ng log path), when known. */
  selector?: string;
}

/** Removes comments (# outside quotes, RainerScript block comments) but keeps line numbers. */
export function stripRsyslogComments(text: string): string {
  let out = '';
  let quote = false;
  let block = false;
  let lineComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineComment = false;
      out += c;
      continue;
    }
    if (lineComment) continue;
    if (block) {
      if (c === '*' && text[i + 1] === '/') {
        block = false;
        i++;
      }
      continue;
    }
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '/' && text[i + 1] === '*') {
      block = true;
      i++;
      continue;
    } else if (c === '#') {
      lineComment = true;
      continue;
    }
    out += c;
  }
  return out;
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Parameters of one RainerScript object body: name="value", name=["a","b"], name=value. */
export function rainerParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  const re = /([A-Za-z][\w.]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|([^\s)]+))/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const name = m[1]!.toLowerCase();
    if (m[3] !== undefined) params[name] = [...m[3].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
    else params[name] = m[2] ?? m[4]!;
  }
  return params;
}

/** Finds `action(` ... `)` objects, with their parameter text (values may hold parentheses inside quotes). */
function actionObjects(text: string): { index: number; body: string; selector?: string }[] {
  const found: { index: number; body: string; selector?: string }[] = [];
  const re = /\baction\s*\(/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let quote = false;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === '"') quote = false;
      } else if (c === '"') quote = true;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const before = text.slice(lineStart, m.index).trim();
    const entry: { index: number; body: string; selector?: string } = { index: m.index, body: text.slice(m.index + m[0].length, i - 1) };
    if (before) entry.selector = before;
    found.push(entry);
    re.lastIndex = i;
  }
  return found;
}

function str(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Forwarding actions in one rsyslog file. `tlsDefault` carries the legacy global netstream driver setting. */
export function parseRsyslog(file: string, rawText: string, globalTls = { driver: '', mode: '' }): Forwarder[] {
  const text = stripRsyslogComments(rawText);
  const out: Forwarder[] = [];
  for (const action of actionObjects(text)) {
    const p = rainerParams(action.body);
    const type = str(p.type)?.toLowerCase();
    if (type !== 'omfwd' && type !== 'omrelp') continue;
    const targets = Array.isArray(p.target) ? p.target : p.target ? [p.target] : [];
    const line = lineAt(text, action.index);
    for (const target of targets) {
      if (type === 'omrelp') {
        const tls = /^(on|yes|1)$/i.test(str(p.tls) ?? '');
        out.push({ via: 'rsyslog', host: target, port: Number(str(p.port) ?? 514), protocol: 'relp', transport: 'tcp', tls, file, line, ...(action.selector ? { selector: action.selector } : {}) });
      } else {
        const protocol = (str(p.protocol) ?? 'udp').toLowerCase() === 'tcp' ? 'tcp' : 'udp';
        const driver = (str(p.streamdriver) ?? globalTls.driver).toLowerCase();
        const mode = str(p.streamdrivermode) ?? globalTls.mode;
        const tls = protocol === 'tcp' && /^(gtls|ossl|openssl|mbedtls)$/.test(driver) && mode === '1';
        out.push({ via: 'rsyslog', host: target, port: Number(str(p.port) ?? 514), protocol, transport: protocol, tls, file, line, ...(action.selector ? { selector: action.selector } : {}) });
      }
    }
  }
  // Legacy selector actions: `<selector> @host`, `@@host`, `@@(o,z9)host:port;Template`, `:omrelp:host:port`; also `& @@host`.
  const lines = text.split('\n');
  let driver = globalTls.driver;
  let mode = globalTls.mode;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const lineNo = i + 1;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++i];
    const t = line.trim();
    const drv = /^\$DefaultNetstreamDriver\s+(\S+)/i.exec(t);
    const sendMode = /^\$ActionSendStreamDriverMode\s+(\S+)/i.exec(t);
    const fwd = /^(\S+)\s+(@@?)(?:\(([^)]*)\))?(\[[^\]]+\](?::\d+)?|[^\s;:]+(?::\d+)?)/.exec(t);
    const relp = /^(\S+)\s+:omrelp:(\[[^\]]+\]|[^:;\s]+):(\d+)/.exec(t);
    if (drv) driver = drv[1]!;
    else if (sendMode) mode = sendMode[1]!;
    else if (fwd) {
      const [, selector, at, , addr] = fwd as unknown as [string, string, string, string, string];
      const { host, port } = splitHostPort(addr);
      const tcp = at === '@@';
      const tls = tcp && /^(gtls|ossl|openssl)$/i.test(driver) && mode === '1';
      out.push({ via: 'rsyslog', host, port: port ?? 514, protocol: tcp ? 'tcp' : 'udp', transport: tcp ? 'tcp' : 'udp', tls, file, line: lineNo, selector });
    } else if (relp) {
      out.push({ via: 'rsyslog', host: relp[2]!.replace(/^\[|\]$/g, ''), port: Number(relp[3]), protocol: 'relp', transport: 'tcp', tls: false, file, line: lineNo, selector: relp[1]! });
    }
  }
  return out;
}

/** The legacy global TLS driver settings of the main file, which apply to the included files read after them. */
export function rsyslogGlobalTls(rawText: string): { driver: string; mode: string } {
  const text = stripRsyslogComments(rawText);
  const driver = /^\s*\$DefaultNetstreamDriver\s+(\S+)/im.exec(text)?.[1] ?? '';
  const mode = /^\s*\$ActionSendStreamDriverMode\s+(\S+)/im.exec(text)?.[1] ?? '';
  const global = /global\s*\(([^)]*)\)/i.exec(text);
  const g = global ? rainerParams(global[1]!) : {};
  return { driver: str(g.defaultnetstreamdriver) ?? driver, mode };
}

/**
 * The file patterns the main rsyslog.conf includes (`$IncludeConfig`, `include(file=...)`), comments removed: a drop-in
 * directory whose include line is commented out is not read by rsyslog at all.
 */
export function rsyslogIncludes(rawText: string): string[] {
  const text = stripRsyslogComments(rawText);
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*\$IncludeConfig\s+(\S+)/gim)) out.push(m[1]!);
  for (const m of text.matchAll(/\binclude\s*\(([^)]*)\)/gi)) {
    const file = rainerParams(m[1]!).file;
    if (typeof file === 'string') out.push(file);
  }
  // A directory include reads every file in it.
  return out.map((p) => (p.endsWith('/') ? `${p}*` : p));
}
