// syslog-ng network destinations that a log {} statement actually uses. A destination that no log path references
// sends nothing, so it does not count. Destinations and log paths may live in different files (conf.d).
import type { Forwarder } from './rsyslog.js';
import { lineNumbers, stripHashComment } from './util.js';

/** Drops `#` comments outside quotes, keeping line breaks so line numbers stay right. */
function stripComments(text: string): string {
  return text.split('\n').map(stripHashComment).join('\n');
}

/** The text between a `{` (or `(`) at `open` and its partner, quotes respected. */
function balanced(text: string, open: number): { body: string; end: number } {
  const o = text[open]!;
  const close = o === '{' ? '}' : ')';
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === o) depth++;
    else if (c === close && --depth === 0) return { body: text.slice(open + 1, i), end: i };
  }
  return { body: text.slice(open + 1), end: text.length };
}

function unquote(s: string): string {
  return s.trim().replace(/^(["'])(.*)\1$/, '$2');
}

function option(body: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*\\(\\s*("[^"]*"|'[^']*'|[^)\\s]+)`).exec(body);
  return m ? unquote(m[1]!) : undefined;
}

const DRIVERS =
  /\b(network|tcp6?|udp6?|syslog|syslog-ng|http|elasticsearch-http|loggly|splunk-hec-event|opensearch)\s*\(/g;

/** Network drivers inside one destination body. */
function driversIn(body: string, file: string, line: number): Omit<Forwarder, 'selector'>[] {
  const out: Omit<Forwarder, 'selector'>[] = [];
  DRIVERS.lastIndex = 0;
  for (let m = DRIVERS.exec(body); m; m = DRIVERS.exec(body)) {
    const driver = m[1]!;
    const { body: args, end } = balanced(body, m.index + m[0].length - 1);
    DRIVERS.lastIndex = end + 1;
    if (/^(http|elasticsearch-http|splunk-hec-event|opensearch)$/.test(driver)) {
      const url = option(args, 'url');
      if (!url) continue;
      const u = /^(https?):\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?/.exec(url);
      if (!u) continue;
      const https = u[1] === 'https';
      out.push({
        via: 'syslog-ng',
        host: u[2]!.replace(/^\[|\]$/g, ''),
        port: Number(u[3] ?? (https ? 443 : 80)),
        protocol: https ? 'https' : 'http',
        transport: 'tcp',
        tls: https,
        file,
        line,
      });
      continue;
    }
    const positional = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.:-]+)(?=\s|$|\))/.exec(args);
    const host =
      option(args, 'server') ??
      option(args, 'host') ??
      (positional && !/\($/.test(positional[1]!) ? unquote(positional[1]!) : undefined);
    if (!host) continue;
    const declared = option(args, 'transport')?.toLowerCase();
    const udp = /^udp/.test(driver) || declared === 'udp' || declared === 'dtls';
    const tls =
      declared === 'tls' ||
      declared === 'proxied-tls-passthrough' ||
      (/\btls\s*\(/.test(args) && declared !== 'tcp' && !udp);
    const defaultPort = udp ? 514 : tls ? 6514 : driver === 'syslog' ? 601 : 514;
    const port = Number(option(args, 'port') ?? option(args, 'destport') ?? defaultPort);
    out.push({
      via: 'syslog-ng',
      host,
      port,
      protocol: udp ? 'udp' : 'tcp',
      transport: udp ? 'udp' : 'tcp',
      tls,
      file,
      line,
    });
  }
  return out;
}

export interface SyslogNgResult {
  /** Network destinations used by some log path. */
  forwarders: Forwarder[];
  /** Network destinations declared but used by no log path. */
  unused: string[];
}

export function parseSyslogNg(files: { path: string; content: string }[]): SyslogNgResult {
  const declared = new Map<string, Omit<Forwarder, 'selector'>[]>();
  const used = new Map<string, string>();
  const inline: Forwarder[] = [];
  for (const f of files) {
    const text = stripComments(f.content);
    const lineAt = lineNumbers(text);
    const destRe = /\bdestination\s+([\w-]+)\s*\{/g;
    for (let m = destRe.exec(text); m; m = destRe.exec(text)) {
      const { body, end } = balanced(text, m.index + m[0].length - 1);
      declared.set(m[1]!, driversIn(body, f.path, lineAt(m.index)));
      destRe.lastIndex = end;
    }
    const logRe = /\blog\s*\{/g;
    for (let m = logRe.exec(text); m; m = logRe.exec(text)) {
      const { body, end } = balanced(text, m.index + m[0].length - 1);
      const sources = [...body.matchAll(/\bsource\s*\(\s*([\w-]+)\s*\)/g)].map((x) => x[1]).join(',');
      for (const ref of body.matchAll(/\bdestination\s*\(\s*([\w-]+)\s*\)/g)) used.set(ref[1]!, sources);
      const inlineRe = /\bdestination\s*\{/g;
      for (let d = inlineRe.exec(body); d; d = inlineRe.exec(body)) {
        const inner = balanced(body, d.index + d[0].length - 1);
        const line = lineAt(m.index);
        for (const fw of driversIn(inner.body, f.path, line))
          inline.push({ ...fw, selector: `log { source(${sources}) }` });
        inlineRe.lastIndex = inner.end;
      }
      logRe.lastIndex = end;
    }
  }
  const forwarders: Forwarder[] = [...inline];
  const unused: string[] = [];
  for (const [name, drivers] of declared) {
    if (drivers.length === 0) continue;
    const sources = used.get(name);
    if (sources === undefined) unused.push(name);
    else
      for (const d of drivers) forwarders.push({ ...d, selector: `log { source(${sources}); destination(${name}) }` });
  }
  return { forwarders, unused };
}

/** `@include` targets of a syslog-ng file (relative ones below /etc/syslog-ng), comments removed. */
export function syslogNgIncludes(text: string): string[] {
  const out: string[] = [];
  // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
  for (const m of stripComments(text).matchAll(/^[^\S\n\r\u2028\u2029]*@include\s+"([^"]+)"/gm)) {
    const p = m[1]!.startsWith('/') ? m[1]! : `/etc/syslog-ng/${m[1]}`;
    out.push(p.endsWith('/') ? `${p}*` : p);
  }
  return out;
}

/** syslog-ng's default log-msg-size (bytes): a longer message is cut at the source that reads it. */
export const SYSLOG_NG_DEFAULT_LOG_MSG_SIZE = 65536;

/**
 * The smallest `log-msg-size()` in force: the global `options {}` value and any source-level one (a source's own
 * setting overrides the global one for that source). Undefined when none is set (the default applies).
 */
export function syslogNgLogMsgSize(
  files: { path: string; content: string }[],
): { bytes: number; file: string; line: number; scope: string } | undefined {
  let smallest: { bytes: number; file: string; line: number; scope: string } | undefined;
  for (const f of files) {
    const text = stripComments(f.content);
    const lineAt = lineNumbers(text);
    for (const m of text.matchAll(/\blog[-_]msg[-_]size\s*\(\s*(\d+)\s*\)/g)) {
      const before = text.slice(0, m.index);
      const scope = /\b(options|source\s+[\w-]+)\s*\{[^}]*$/.exec(before)?.[1]?.replace(/\s+/g, ' ') ?? 'options';
      const bytes = Number(m[1]);
      if (!smallest || bytes < smallest.bytes) smallest = { bytes, file: f.path, line: lineAt(m.index!), scope };
    }
  }
  return smallest;
}
