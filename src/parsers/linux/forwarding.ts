// Where a Linux host's logs leave it: rsyslog, syslog-ng, systemd-journal-upload and audisp-remote, each only when
// configured to a network collector *and* its daemon runs; plus log agents we can see running but not read.
import { type Forwarder, parseRsyslog, rsyslogGlobalTls, rsyslogIncludes } from './rsyslog.js';
import { parseSyslogNg, syslogNgIncludes } from './syslog-ng.js';
import { hasPathWildcard, pathPatternToRegExp } from '../../util/glob.js';
import { parseKeyValue, splitHostPort } from './util.js';

/** systemd-journal-upload: the [Upload] URL of journal-upload.conf, drop-ins (sorted) override the main file. */
export function parseJournalUpload(files: { path: string; content: string }[]): Forwarder | undefined {
  let url: string | undefined;
  let where: { file: string; line: number } | undefined;
  for (const f of files) {
    let section = '';
    f.content.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) return;
      const s = /^\[(.+)\]$/.exec(line);
      if (s) {
        section = s[1]!;
        return;
      }
      const m = /^URL\s*=\s*(.*)$/.exec(line);
      if (m && section === 'Upload') {
        url = m[1]!.trim();
        where = { file: f.path, line: i + 1 };
      }
    });
  }
  if (!url || !where) return undefined;
  // URL may be just a host; https is the default scheme and 19532 the default port (systemd-journal-upload(8)).
  const u = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^/:]+)(?::(\d+))?/.exec(url);
  if (!u) return undefined;
  const https = (u[1] ?? 'https') === 'https';
  return {
    via: 'journal-upload',
    host: u[2]!.replace(/^\[|\]$/g, ''),
    port: Number(u[3] ?? 19532),
    protocol: https ? 'https' : 'http',
    transport: 'tcp',
    tls: https,
    ...where,
  };
}

export interface AuditPlugin {
  file: string;
  active: boolean;
  path: string;
  args?: string;
}

export function parseAuditPlugins(files: { path: string; content: string }[]): AuditPlugin[] {
  return files.map((f) => {
    const kv = parseKeyValue(f.content);
    const plugin: AuditPlugin = {
      file: f.path,
      active: (kv.active ?? 'no').toLowerCase() === 'yes',
      path: kv.path ?? '',
    };
    if (kv.args) plugin.args = kv.args;
    return plugin;
  });
}

/** audisp-remote.conf: remote_server (required), port (60), transport tcp|krb5. */
export function parseAudispRemote(file: { path: string; content: string } | undefined): Forwarder | undefined {
  if (!file) return undefined;
  const kv = parseKeyValue(file.content);
  const server = kv.remote_server?.trim();
  if (!server) return undefined;
  const { host, port } = splitHostPort(server);
  const transport = (kv.transport ?? 'tcp').toLowerCase();
  const lineNo = file.content.split('\n').findIndex((l) => /^\s*remote_server\s*=/.test(l)) + 1;
  return {
    via: 'audisp-remote',
    host,
    port: Number(kv.port ?? port ?? 60),
    protocol: 'tcp',
    transport: 'tcp',
    tls: transport === 'krb5',
    file: file.path,
    line: lineNo,
  };
}

type ConfigFile = { path: string; content: string };

/** Keeps the files some include pattern reads; a directory pattern (`conf.d`) also reads the files in it. */
export function included(files: ConfigFile[], patterns: string[]): { kept: ConfigFile[]; ignored: string[] } {
  const res = patterns.map((p) =>
    hasPathWildcard(p) ? pathPatternToRegExp(p) : new RegExp(`${pathPatternToRegExp(p).source.slice(0, -1)}(/[^/]*)?$`),
  );
  const kept = files.filter((f) => res.some((re) => re.test(f.path)));
  return { kept, ignored: files.filter((f) => !kept.includes(f)).map((f) => f.path) };
}

export interface SyslogForwarders {
  forwarders: Forwarder[];
  syslogNgUnused: string[];
  ignoredFiles: string[];
}

/**
 * The last few configurations parsed. The log-forwarding, log-forwarding-connection and audit-forwarding parsers of one
 * host read the same rsyslog/syslog-ng text (megabytes on a busy host), so they share one parse. Inputs are compared
 * with `===` (by value: the same string object compares at once, an equal copy costs one memcmp). Bounded, so a scan of
 * many hosts keeps only a few configurations alive.
 */
const RECENT_MAX = 8;
const recent: { key: (string | number)[]; value: SyslogForwarders }[] = [];

function sameKey(a: (string | number)[], b: (string | number)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Every network forwarder of rsyslog (main file, then the drop-ins it includes) and syslog-ng (main file and what
 * it @includes). Drop-ins whose include line is commented out are not read by the daemon, so they do not count.
 */
export function syslogForwarders(
  rsyslogMain: ConfigFile | undefined,
  rsyslogDropins: ConfigFile[],
  syslogNgFiles: ConfigFile[],
): SyslogForwarders {
  // Main file (or nothing), the number of drop-ins, then every path and text: one flat list, unambiguous.
  const key: (string | number)[] = [
    ...(rsyslogMain ? [rsyslogMain.path, rsyslogMain.content] : []),
    rsyslogDropins.length,
  ];
  for (const f of [...rsyslogDropins, ...syslogNgFiles]) key.push(f.path, f.content);
  const at = recent.findIndex((e) => sameKey(e.key, key));
  const entry =
    at >= 0
      ? recent.splice(at, 1)[0]!
      : { key, value: parseSyslogForwarders(rsyslogMain, rsyslogDropins, syslogNgFiles) };
  recent.unshift(entry);
  if (recent.length > RECENT_MAX) recent.length = RECENT_MAX;
  // Copies: each caller owns what it gets and cannot change what the next one is given.
  const v = entry.value;
  return {
    forwarders: v.forwarders.map((f) => ({ ...f })),
    syslogNgUnused: [...v.syslogNgUnused],
    ignoredFiles: [...v.ignoredFiles],
  };
}

function parseSyslogForwarders(
  rsyslogMain: ConfigFile | undefined,
  rsyslogDropins: ConfigFile[],
  syslogNgFiles: ConfigFile[],
): SyslogForwarders {
  const forwarders: Forwarder[] = [];
  const ignoredFiles: string[] = [];
  const tls = rsyslogMain ? rsyslogGlobalTls(rsyslogMain.content) : { driver: '', mode: '' };
  let dropins = rsyslogDropins;
  if (rsyslogMain) {
    for (const f of parseRsyslog(rsyslogMain.path, rsyslogMain.content, tls)) forwarders.push(f);
    const inc = included(rsyslogDropins, rsyslogIncludes(rsyslogMain.content));
    dropins = inc.kept;
    ignoredFiles.push(...inc.ignored);
  }
  // One push per forwarder: spreading a list of 100k+ into push() overflows the stack.
  for (const d of dropins) for (const f of parseRsyslog(d.path, d.content, tls)) forwarders.push(f);
  const ngMain = syslogNgFiles.find((f) => f.path === '/etc/syslog-ng/syslog-ng.conf');
  let ngFiles = syslogNgFiles;
  if (ngMain) {
    const inc = included(
      syslogNgFiles.filter((f) => f !== ngMain),
      syslogNgIncludes(ngMain.content),
    );
    ngFiles = [ngMain, ...inc.kept];
    ignoredFiles.push(...inc.ignored);
  }
  const ng = parseSyslogNg(ngFiles);
  for (const f of ng.forwarders) forwarders.push(f);
  return { forwarders, syslogNgUnused: ng.unused, ignoredFiles };
}

export type { Forwarder };
