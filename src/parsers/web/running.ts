// Which configuration the server answering a URL actually runs. Without `web.config_path`, the tools' defaults
// (/etc/nginx, /etc/apache2) may describe another server than the one on the URL's port, and a verdict on that file
// would be a verdict on the wrong server. The web-running-servers probe lists the processes, the listening sockets
// with their owners, the Apache instances' APACHE_CONFDIR and the compiled-in defaults; this module ties the URL's
// port to one server process and says which configuration it loaded, or why it cannot.
import { isAbsolute, posix } from 'node:path';
import { splitSections } from './sections.js';

export type RunningKind = 'nginx' | 'apache';

/** Where a running server's configuration is, as the probe commands take it (SOCREADY_WEB_*). */
export interface ConfigLocation {
  /** nginx -c / Apache -f: the main configuration file. */
  config: string;
  /** nginx -p (prefix) */
  prefix?: string;
  /** Apache -d (ServerRoot) */
  root?: string;
  /** A Debian Apache instance's APACHE_CONFDIR (its envvars live there). */
  confdir?: string;
}

export interface RunningServer {
  kind: RunningKind;
  pid: number;
  args: string;
  location: ConfigLocation;
  /** How the configuration path was found, in words. */
  how: string;
  ports: number[];
}

export interface ConfigTie {
  /** The server answering the URL's port, and its configuration. */
  server?: RunningServer;
  /** Why the configuration cannot be tied to the server answering the URL (then no configuration verdict is given). */
  untied?: string;
  /** Whether socket owners were visible (ss -p needs root for other users' sockets). */
  owners_visible: boolean;
  servers: RunningServer[];
}

interface Proc {
  pid: number;
  ppid: number;
  args: string;
}

function processes(text: string): Proc[] {
  const out: Proc[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! });
  }
  return out;
}

/** Listening TCP ports and the pids owning them, from `ss -Hltnp` (`users:(("nginx",pid=12,fd=6),...)`). */
function listeners(text: string): { port: number; pids: number[]; names: string[] }[] {
  const out: { port: number; pids: number[]; names: string[] }[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || !/^LISTEN$/i.test(cols[0]!)) continue;
    const port = Number(/:(\d+)$/.exec(cols[3]!)?.[1]);
    if (!Number.isInteger(port) || port <= 0) continue;
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    const names = [...line.matchAll(/\("([^"]+)",pid=/g)].map((m) => m[1]!);
    out.push({ port, pids, names });
  }
  return out;
}

/** Splits a command line the way the shell did for a simple argv (ps joins argv with spaces). */
function argv(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

function flag(words: string[], name: string): string | undefined {
  const i = words.indexOf(name);
  if (i >= 0) return words[i + 1];
  const joined = words.find((w) => w.startsWith(name) && w.length > name.length);
  return joined?.slice(name.length);
}

function compiled(text: string, re: RegExp): string | undefined {
  return re.exec(text)?.[1];
}

const NGINX_MASTER = /^nginx: master process\s+(.*)$/;
const APACHE_BIN = /(^|\/)(apache2|httpd)(\s|$)/;

function nginxServer(p: Proc, nginxV: string): RunningServer {
  const words = argv(NGINX_MASTER.exec(p.args)![1]!);
  const prefixFlag = flag(words, '-p');
  const configFlag = flag(words, '-c');
  const prefix = prefixFlag ?? compiled(nginxV, /--prefix=(\S+)/) ?? '/usr/share/nginx';
  const compiledConf = compiled(nginxV, /--conf-path=(\S+)/) ?? '/etc/nginx/nginx.conf';
  const raw = configFlag ?? compiledConf;
  // nginx resolves a relative -c against its prefix.
  const config = isAbsolute(raw) ? raw : posix.join(prefix, raw);
  const how = configFlag
    ? `nginx master pid ${p.pid} was started with -c ${configFlag}${prefixFlag ? ` -p ${prefixFlag}` : ''}`
    : `nginx master pid ${p.pid} was started without -c: its compiled-in --conf-path ${compiledConf}`;
  return {
    kind: 'nginx',
    pid: p.pid,
    args: p.args,
    location: { config, ...(prefixFlag ? { prefix: prefixFlag } : {}) },
    how,
    ports: [],
  };
}

function apacheServer(p: Proc, apacheV: string, confdir: string | undefined): RunningServer {
  const words = argv(p.args);
  const fileFlag = flag(words, '-f');
  const rootFlag = flag(words, '-d');
  const httpdRoot = compiled(apacheV, /-D HTTPD_ROOT="([^"]+)"/) ?? '/etc/apache2';
  const compiledConf = compiled(apacheV, /-D SERVER_CONFIG_FILE="([^"]+)"/) ?? 'apache2.conf';
  // A Debian instance (apache2@foo, /etc/apache2-foo) is told its ServerRoot by APACHE_CONFDIR.
  const root = rootFlag ?? confdir ?? httpdRoot;
  const raw = fileFlag ?? compiledConf;
  const config = isAbsolute(raw) ? raw : posix.join(root, raw);
  const how = fileFlag
    ? `Apache parent pid ${p.pid} was started with -f ${fileFlag}${rootFlag ? ` -d ${rootFlag}` : ''}`
    : rootFlag
      ? `Apache parent pid ${p.pid} was started with -d ${rootFlag}: ${compiledConf} under it`
      : confdir
        ? `Apache parent pid ${p.pid} runs with APACHE_CONFDIR=${confdir}: ${compiledConf} under it`
        : `Apache parent pid ${p.pid} was started without -f/-d: the compiled-in ${compiledConf} under ${httpdRoot}`;
  const location: ConfigLocation = {
    config,
    ...(rootFlag || confdir ? { root } : {}),
    ...(confdir ? { confdir } : {}),
  };
  return { kind: 'apache', pid: p.pid, args: p.args, location, how, ports: [] };
}

/** The default port of a URL (80 for http, 443 for https) when it names none. */
export function urlPort(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/**
 * Ties `port` to a running nginx or Apache parent process and its configuration. `declared` is the target's server
 * (`auto`: either). Pure: reads only the probe's output.
 */
export function tieConfiguration(output: string, port: number, declared: string): ConfigTie {
  const { files } = splitSections(output);
  const section = (name: string) =>
    files.filter((f) => f.path === name || f.path.startsWith(`${name} `)).map((f) => f.text);
  const procs = processes(section('ps').join('\n'));
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const nginxV = section('nginx -V').join('\n');
  const apacheV = section('apache -V').join('\n');
  const confdirs = new Map<number, string>();
  for (const f of files) {
    const m = /^environ (\d+)$/.exec(f.path);
    const dir = m ? /^APACHE_CONFDIR=(.+)$/m.exec(f.text)?.[1] : undefined;
    if (m && dir) confdirs.set(Number(m[1]), dir.trim());
  }
  const isApache = (p: Proc | undefined) => p !== undefined && APACHE_BIN.test(argv(p.args)[0] ?? '');
  const servers = new Map<number, RunningServer>();
  for (const p of procs) {
    if (NGINX_MASTER.test(p.args)) servers.set(p.pid, nginxServer(p, nginxV));
    else if (isApache(p) && !isApache(byPid.get(p.ppid)))
      servers.set(p.pid, apacheServer(p, apacheV, confdirs.get(p.pid)));
  }
  /** The server a pid belongs to: itself, or the parent it was forked from (nginx workers, Apache children). */
  const serverOf = (pid: number): RunningServer | undefined => {
    for (let p = byPid.get(pid), hops = 0; p && hops < 8; p = byPid.get(p.ppid), hops++) {
      const s = servers.get(p.pid);
      if (s) return s;
    }
    return undefined;
  };
  const sockets = listeners(section('ss').join('\n'));
  const ownersVisible = sockets.some((s) => s.pids.length > 0);
  for (const s of sockets) {
    for (const pid of s.pids) {
      const server = serverOf(pid);
      if (server && !server.ports.includes(s.port)) server.ports.push(s.port);
    }
  }
  const all = [...servers.values()];
  const base = { owners_visible: ownersVisible, servers: all };
  const onPort = sockets.filter((s) => s.port === port);
  const wanted = (k: RunningKind) => declared === 'auto' || declared.endsWith(k);
  if (ownersVisible) {
    if (onPort.length === 0) {
      return {
        ...base,
        untied:
          `nothing listens on port ${port} on this host: the URL is answered by another machine (set web.host ` +
          'to the host that serves it, or web.config_path)',
      };
    }
    const answering = [
      ...new Set(onPort.flatMap((s) => s.pids.map(serverOf)).filter((s): s is RunningServer => s !== undefined)),
    ];
    if (answering.length === 0) {
      const names = [...new Set(onPort.flatMap((s) => s.names))].join(', ') || 'an unknown process';
      return {
        ...base,
        untied:
          `port ${port} is answered by ${names}, not by an nginx or Apache process socready can read the ` +
          'configuration of (set web.config_path)',
      };
    }
    if (answering.length > 1) {
      return {
        ...base,
        untied:
          `port ${port} is answered by ${answering.length} server processes ` +
          `(${answering.map((s) => `${s.kind} pid ${s.pid}`).join(', ')}): set web.config_path`,
      };
    }
    const server = answering[0]!;
    if (!wanted(server.kind)) {
      return {
        ...base,
        untied: `port ${port} is answered by ${server.kind} (pid ${server.pid}), not by the declared ${declared}`,
      };
    }
    return { ...base, server };
  }
  // Socket owners not visible (no root): a single running server of the declared kind is the only candidate, and
  // its listen directives must still name the port (checked once its configuration is read).
  const candidates = all.filter((s) => wanted(s.kind));
  if (candidates.length === 1) return { ...base, server: candidates[0]! };
  if (candidates.length === 0) {
    return {
      ...base,
      untied:
        `no running ${declared === 'auto' ? 'nginx or Apache' : declared} process was found on this host (set ` +
        'web.config_path)',
    };
  }
  return {
    ...base,
    untied:
      `the owners of listening sockets are not visible (run with sudo) and ${candidates.length} servers run ` +
      `(${candidates.map((s) => `${s.kind} pid ${s.pid}`).join(', ')}): set web.config_path`,
  };
}

/** Ports the configuration's listen directives name (nginx `listen`, Apache `Listen`), from the collected dumps. */
export function listenPorts(nginxDump: string, apacheDump: string): number[] {
  const ports = new Set<number>();
  for (const m of nginxDump.matchAll(/^\s*listen\s+([^;]+);/gm)) {
    const first = m[1]!.trim().split(/\s+/)[0]!;
    const port = /^(?:\[[^\]]*\]:|[^:]*:)?(\d+)$/.exec(first)?.[1];
    if (port) ports.add(Number(port));
    else if (!/^unix:/.test(first)) ports.add(80);
  }
  for (const m of apacheDump.matchAll(/^\s*Listen\s+(\S+)/gim)) {
    const port = /(\d+)$/.exec(m[1]!)?.[1];
    if (port) ports.add(Number(port));
  }
  return [...ports].sort((a, b) => a - b);
}
