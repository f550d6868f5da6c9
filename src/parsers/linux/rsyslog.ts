// rsyslog forwarding, in the three syntaxes met on real hosts: legacy selector lines (`*.* @host`, `@@host:port`,
// `@@(o)host`, `:omrelp:host:port`), RainerScript `action(type="omfwd" ...)` / `action(type="omrelp" ...)` over several
// lines, and the legacy `$DefaultNetstreamDriver gtls` + `$ActionSendStreamDriverMode 1` TLS switches.
import { joinContinued, lineNumbers, splitHostPort } from './util.js';

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

/**
 * Removes comments (# outside quotes, RainerScript block comments) but keeps line numbers: a line comment leaves its
 * line empty and a block comment leaves only its line breaks. Built from slices of the input, not char by char.
 */
/**
 * `/*` opens a block comment only where a token can start: at the start of the text, after white space or after
 * `;{}()`. Inside a path such as `$IncludeConfig /etc/rsyslog.d/*.conf` (Debian's default rsyslog.conf) it is a glob.
 */
function startsComment(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text.charCodeAt(i - 1);
  return (
    prev === 32 ||
    prev === 9 ||
    prev === 10 ||
    prev === 13 ||
    prev === 59 ||
    prev === 123 ||
    prev === 125 ||
    prev === 40 ||
    prev === 41
  );
}

export function stripRsyslogComments(text: string): string {
  const parts: string[] = [];
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Quoted text is kept whole, line breaks and escapes included: a `#` or `/*` inside it is not a comment.
      for (i++; i < n; i++) {
        const q = text.charCodeAt(i);
        if (q === 92 /* backslash */) i++;
        else if (q === 34) break;
      }
      i++;
    } else if (c === 35 /* # */) {
      parts.push(text.slice(start, i));
      const eol = text.indexOf('\n', i);
      start = i = eol < 0 ? n : eol;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */ && startsComment(text, i)) {
      parts.push(text.slice(start, i));
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      for (let nl = text.indexOf('\n', i); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) parts.push('\n');
      start = i = end;
    } else i++;
  }
  parts.push(text.slice(start, n));
  return parts.join('');
}

/** What follows a parameter name: `="value"`, `=["a","b"]` or `=value`. */
const PARAM_VALUE = /\s*=\s*(?:"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|([^\s)]+))/y;

/**
 * Parameters of one RainerScript object body: name="value", name=["a","b"], name=value. A name is the run of word
 * characters and dots from its first letter; the run is tried once as a whole (a regex that may start anywhere inside
 * it retries every suffix of a long run: quadratic).
 */
export function rainerParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  const run = /[\w.]+/g;
  for (let r = run.exec(body); r; r = run.exec(body)) {
    const first = r[0].search(/[A-Za-z]/);
    if (first < 0) continue;
    PARAM_VALUE.lastIndex = r.index + r[0].length;
    const m = PARAM_VALUE.exec(body);
    if (!m) continue;
    run.lastIndex = PARAM_VALUE.lastIndex;
    const name = r[0].slice(first).toLowerCase();
    if (m[2] !== undefined) params[name] = [...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
    else params[name] = m[1] ?? m[3]!;
  }
  return params;
}

/** Finds `action(` ... `)` objects, with their parameter text (values may hold parentheses inside quotes). */
function actionObjects(text: string): { index: number; body: string; selector?: string }[] {
  const found: { index: number; body: string; selector?: string }[] = [];
  const re = /\baction\s*\(/gi;
  // Start of the line holding the current match, moved forward newline by newline (one lastIndexOf per action would
  // rescan a long line once per action on it).
  let lineStart = 0;
  let nextNl = text.indexOf('\n');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    while (nextNl >= 0 && nextNl < m.index) {
      lineStart = nextNl + 1;
      nextNl = text.indexOf('\n', lineStart);
    }
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
    const before = text.slice(lineStart, m.index).trim();
    const entry: { index: number; body: string; selector?: string } = {
      index: m.index,
      body: text.slice(m.index + m[0].length, i - 1),
    };
    if (before) entry.selector = before;
    found.push(entry);
    re.lastIndex = i;
  }
  return found;
}

function str(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The text inside `name(` ... `)` for each opening `re` finds (global flag), up to the first `)`. Without a `)` after
 * an opening there is none after the later ones either, so the search stops instead of rescanning to the end.
 */
function parenObjects(text: string, re: RegExp): string[] {
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length;
    const close = text.indexOf(')', open);
    if (close < 0) break;
    out.push(text.slice(open, close));
    re.lastIndex = close + 1;
  }
  return out;
}

/** Forwarding actions in one rsyslog file. `tlsDefault` carries the legacy global netstream driver setting. */
export function parseRsyslog(file: string, rawText: string, globalTls = { driver: '', mode: '' }): Forwarder[] {
  const text = stripRsyslogComments(rawText);
  const lineAt = lineNumbers(text);
  const out: Forwarder[] = [];
  for (const action of actionObjects(text)) {
    const p = rainerParams(action.body);
    const type = str(p.type)?.toLowerCase();
    if (type !== 'omfwd' && type !== 'omrelp') continue;
    const targets = Array.isArray(p.target) ? p.target : p.target ? [p.target] : [];
    const line = lineAt(action.index);
    for (const target of targets) {
      if (type === 'omrelp') {
        const tls = /^(on|yes|1)$/i.test(str(p.tls) ?? '');
        out.push({
          via: 'rsyslog',
          host: target,
          port: Number(str(p.port) ?? 514),
          protocol: 'relp',
          transport: 'tcp',
          tls,
          file,
          line,
          ...(action.selector ? { selector: action.selector } : {}),
        });
      } else {
        const protocol = (str(p.protocol) ?? 'udp').toLowerCase() === 'tcp' ? 'tcp' : 'udp';
        const driver = (str(p.streamdriver) ?? globalTls.driver).toLowerCase();
        const mode = str(p.streamdrivermode) ?? globalTls.mode;
        const tls = protocol === 'tcp' && /^(gtls|ossl|openssl|mbedtls)$/.test(driver) && mode === '1';
        out.push({
          via: 'rsyslog',
          host: target,
          port: Number(str(p.port) ?? 514),
          protocol,
          transport: protocol,
          tls,
          file,
          line,
          ...(action.selector ? { selector: action.selector } : {}),
        });
      }
    }
  }
  // Legacy selector actions: `<selector> @host`, `@@host`, `@@(o,z9)host:port;Template`, `:omrelp:host:port`; also `&
  // @@host`.
  const lines = text.split('\n');
  let driver = globalTls.driver;
  let mode = globalTls.mode;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const joined = joinContinued(lines, i);
    i = joined.last;
    const t = joined.line.trim();
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
      out.push({
        via: 'rsyslog',
        host,
        port: port ?? 514,
        protocol: tcp ? 'tcp' : 'udp',
        transport: tcp ? 'tcp' : 'udp',
        tls,
        file,
        line: lineNo,
        selector,
      });
    } else if (relp) {
      out.push({
        via: 'rsyslog',
        host: relp[2]!.replace(/^\[|\]$/g, ''),
        port: Number(relp[3]),
        protocol: 'relp',
        transport: 'tcp',
        tls: false,
        file,
        line: lineNo,
        selector: relp[1]!,
      });
    }
  }
  return out;
}

/** The legacy global TLS driver settings of the main file, which apply to the included files read after them. */
export function rsyslogGlobalTls(rawText: string): { driver: string; mode: string } {
  const text = stripRsyslogComments(rawText);
  // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
  const driver = /^[^\S\n\r\u2028\u2029]*\$DefaultNetstreamDriver\s+(\S+)/im.exec(text)?.[1] ?? '';
  const mode = /^[^\S\n\r\u2028\u2029]*\$ActionSendStreamDriverMode\s+(\S+)/im.exec(text)?.[1] ?? '';
  const global = parenObjects(text, /global\s*\(/gi)[0];
  const g = global !== undefined ? rainerParams(global) : {};
  return { driver: str(g.defaultnetstreamdriver) ?? driver, mode };
}

/**
 * The file patterns the main rsyslog.conf includes (`$IncludeConfig`, `include(file=...)`), comments removed: a drop-in
 * directory whose include line is commented out is not read by rsyslog at all.
 */
export function rsyslogIncludes(rawText: string): string[] {
  const text = stripRsyslogComments(rawText);
  const out: string[] = [];
  for (const m of text.matchAll(/^[^\S\n\r\u2028\u2029]*\$IncludeConfig\s+(\S+)/gim)) out.push(m[1]!);
  for (const body of parenObjects(text, /\binclude\s*\(/gi)) {
    const file = rainerParams(body).file;
    if (typeof file === 'string') out.push(file);
  }
  // A directory include reads every file in it.
  return out.map((p) => (p.endsWith('/') ? `${p}*` : p));
}

/** rsyslog's built-in maxMessageSize: a raw message (header included) longer than this is cut at the input. */
export const RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE = 8096;

/** An rsyslog size: digits (`.`/`,` ignored), then k/m/g binary (1k = 1024) or K/M/G decimal (1K = 1000). */
export function rsyslogSize(value: string): number | undefined {
  const m = /^\s*([\d.,]+)\s*([kmgKMG]?)\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(/[.,]/g, ''));
  if (!Number.isFinite(n)) return undefined;
  const unit = m[2]!;
  const exp = { '': 0, k: 1, m: 2, g: 3, K: 1, M: 2, G: 3 }[unit] ?? 0;
  return n * (unit === unit.toLowerCase() ? 1024 : 1000) ** exp;
}

export interface MaxMessageSizeSetting {
  bytes: number;
  value: string;
  file: string;
  line: number;
}

/**
 * The last maxMessageSize set in one file: RainerScript `global(maxMessageSize="64k")` or the legacy
 * `$MaxMessageSize 64k` (which must come before the inputs are loaded; both set the one global value).
 */
export function rsyslogMaxMessageSize(file: string, rawText: string): MaxMessageSizeSetting | undefined {
  const text = stripRsyslogComments(rawText);
  const lines = lineNumbers(text);
  let found: MaxMessageSizeSetting | undefined;
  let foundAt = -1;
  const take = (index: number, value: string) => {
    const bytes = rsyslogSize(value);
    if (bytes === undefined || index < foundAt) return;
    found = { bytes, value, file, line: lines(index) };
    foundAt = index;
  };
  for (const m of text.matchAll(/\bglobal\s*\(([^)]*)\)/gi)) {
    const v = rainerParams(m[1]!).maxmessagesize;
    if (typeof v === 'string') take(m.index!, v);
  }
  for (const m of text.matchAll(/^[ \t]*\$MaxMessageSize[ \t]+(\S+)/gim)) take(m.index!, m[1]!);
  return found;
}
