import type { SourceLine } from '../../model.js';
import type { ProbeResult } from '../../transport/types.js';
import { parseApacheFile, type ScopedDirective } from './apache-config.js';
import { type ModSecurityFacts, modsecurityFacts } from './modsecurity.js';
import { parseNginxDump, type NginxDirective } from './nginx-config.js';
import { type ConfigFile, matchInclude, parseSize, splitSections } from './sections.js';

export interface NginxLogFormat {
  name: string;
  escape: string;
  request_body: boolean;
  xff: boolean;
  user_agent: boolean;
  status: boolean;
  remote_addr: boolean;
  /** The body is logged only through a `map $request_body` variable (the usual way to mask a password field). */
  body_masked: boolean;
  /** The log_format directive (absent for nginx's built-in combined format). */
  at?: SourceLine;
}

export interface NginxLocation {
  server: string;
  path: string;
  /** A content handler that reads the body into memory (proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass). */
  pass: string | null;
  reads_body: boolean;
  logs: { path: string; format: string }[];
  logs_request_body: boolean;
  logs_xff: boolean;
  logs_user_agent: boolean;
  logs_status: boolean;
  logs_masked_body: boolean;
  body_buffer_bytes: number;
  modsecurity: boolean;
  /** Where the location block starts in the configuration nginx -T printed. */
  at: SourceLine;
  /** The client_body_buffer_size directive that applies here (absent: nginx's default). */
  buffer_at?: SourceLine;
}

const COMBINED: NginxLogFormat = {
  name: 'combined',
  escape: 'default',
  request_body: false,
  xff: false,
  user_agent: true,
  status: true,
  remote_addr: true,
  body_masked: false,
};
/** nginx's default on 64-bit platforms (two memory pages). */
const DEFAULT_BODY_BUFFER = 16 * 1024;
const PASS = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass'];
const SSH_RDP_PORTS = new Set(['22', '3389']);

/** A directive as nginx -T printed it: its file and line, and the directive itself (block bodies left out). */
const where = (d: NginxDirective): SourceLine => ({
  file: d.file,
  line: d.line,
  text: `${d.name} ${d.args.join(' ')}${d.block ? ' { … }' : ';'}`.slice(0, 300),
});

const usesVar = (text: string, name: string) => new RegExp(`\\$\\{?${name}(?![\\w])`).test(text);

/** `bodyVars`: variables that `map $request_body $x {...}` derives from the body (masked copies). */
function formatOf(d: NginxDirective, bodyVars: string[]): NginxLogFormat {
  const [name = '', ...rest] = d.args;
  let escaping = 'default';
  if (rest[0]?.startsWith('escape=')) escaping = rest.shift()!.slice('escape='.length);
  const text = rest.join('');
  const raw = usesVar(text, 'request_body');
  const derived = bodyVars.some((v) => usesVar(text, v));
  return {
    name,
    escape: escaping,
    request_body: raw || derived,
    body_masked: derived && !raw,
    xff: /\$\{?(http_x_forwarded_for|proxy_add_x_forwarded_for|http_x_real_ip|http_forwarded)\b/.test(text),
    user_agent: /\$\{?http_user_agent\b/.test(text),
    status: /\$\{?status\b/.test(text),
    remote_addr: /\$\{?(remote_addr|realip_remote_addr|binary_remote_addr)\b/.test(text),
    at: where(d),
  };
}

const children = (list: NginxDirective[] | undefined, name: string) => (list ?? []).filter((d) => d.name === name);
const last = (list: NginxDirective[] | undefined, name: string) => children(list, name).at(-1);

function listenPort(arg: string | undefined): string {
  if (!arg) return '';
  const m = /(?:^|:)(\d+)$/.exec(arg.replace(/^\[.*\]/, (s) => s.replace(/:/g, '')));
  return m ? m[1]! : arg;
}

function uniqueLogs(logs: { path: string; format: string }[]): { path: string; format: string }[] {
  const seen = new Set<string>();
  return logs.filter((l) => {
    const key = `${l.path}\u0000${l.format}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The stream{} servers: what they listen on, where they pass to, whether TLS ends here, whether it is SSH or RDP. */
function streamProxiesOf(config: NginxDirective[]) {
  const stream = config.filter((d) => d.name === 'stream').flatMap((d) => d.block ?? []);
  return children(stream, 'server').map((srv) => {
    const b = srv.block ?? [];
    const listen = children(b, 'listen').map((l) => l.args[0] ?? '');
    const target = last(b, 'proxy_pass')?.args[0] ?? '';
    const sslTerminated = children(b, 'listen').some((l) => l.args.includes('ssl'));
    const ports = [...listen.map(listenPort), listenPort(target)];
    const shown = [...children(b, 'listen'), ...children(b, 'proxy_pass')].map((d) => `${d.name} ${d.args.join(' ')};`);
    return {
      listen: listen.join(','),
      proxy_pass: target,
      ssl_terminated: sslTerminated,
      ssh_or_rdp: ports.some((p) => SSH_RDP_PORTS.has(p)),
      at: { file: srv.file, line: srv.line, text: `server { ${shown.join(' ')} } (stream)` } as SourceLine,
    };
  });
}

/** Which locations read request bodies, and whether those log them (with what buffer and escaping). */
function bodyFacts(formats: NginxLogFormat[], locations: NginxLocation[]) {
  const bodyFormats = formats.filter((f) => f.request_body);
  const reading = locations.filter((l) => l.reads_body);
  const bodyLogging = locations.filter((l) => l.logs_request_body && l.reads_body);
  const minBuffer = bodyLogging.length > 0 ? Math.min(...bodyLogging.map((l) => l.body_buffer_bytes)) : null;
  const defaultBuffer = (l: NginxLocation): SourceLine => ({
    ...l.at,
    text: `${l.at.text} (no client_body_buffer_size: nginx's default ${DEFAULT_BODY_BUFFER / 1024}k applies)`,
  });
  return {
    formats_with_body: bodyFormats.length,
    escape_json: bodyFormats.length > 0 && bodyFormats.every((f) => f.escape === 'json'),
    reading_locations: reading.length,
    reading_locations_logging_body: bodyLogging.length,
    reading_locations_missing_body: reading.filter((l) => !l.logs_request_body).map((l) => `${l.server} ${l.path}`),
    reading_locations_missing_at: reading.filter((l) => !l.logs_request_body).map((l) => l.at),
    logging_without_read: locations
      .filter((l) => l.logs_request_body && !l.reads_body)
      .map((l) => `${l.server} ${l.path}`),
    logging_without_read_at: locations.filter((l) => l.logs_request_body && !l.reads_body).map((l) => l.at),
    min_buffer_bytes: minBuffer,
    /** The lines behind the facts above: the body-logging formats, the smallest buffer where bodies are logged. */
    at: {
      formats_with_body: bodyFormats.flatMap((f) => (f.at ? [f.at] : [])),
      escape_json: bodyFormats.filter((f) => f.escape !== 'json').flatMap((f) => (f.at ? [f.at] : [])),
      min_buffer_bytes: bodyLogging
        .filter((l) => l.body_buffer_bytes === minBuffer)
        .map((l) => l.buffer_at ?? defaultBuffer(l)),
    },
  };
}

/**
 * ModSecurity v3 facts from the rules files nginx names (read by the nginx-modsecurity-files probe, following their
 * Include lines) and the inline modsecurity_rules blocks.
 */
function modsecurityRules(
  outputs: Record<string, ProbeResult>,
  rulesFiles: Set<string>,
  inlineRules: string[],
  enabled: boolean,
): ModSecurityFacts {
  const modsecFiles = splitSections(outputs['nginx-modsecurity-files']?.stdout ?? '').files;
  const byPath = new Map<string, ConfigFile>(modsecFiles.map((f) => [f.path, f]));
  const directives: ScopedDirective[] = [];
  const seen = new Set<string>();
  const readRules = (file: ConfigFile, depth: number) => {
    if (seen.has(file.path) || depth > 8) return;
    seen.add(file.path);
    for (const d of parseApacheFile(file.text, file.path)) {
      if (/^include$/i.test(d.name) && d.args[0]) {
        const base = file.path.slice(0, file.path.lastIndexOf('/')) || '/';
        for (const f of matchInclude(d.args[0], base, byPath)) readRules(f, depth + 1);
        continue;
      }
      if (!d.block) directives.push({ name: d.name, args: d.args, file: d.file, line: d.line, scope: [] });
    }
  };
  for (const path of rulesFiles) {
    const f = byPath.get(path);
    if (f) readRules(f, 0);
  }
  inlineRules.forEach((r, i) => {
    readRules({ path: `(modsecurity_rules #${i + 1})`, text: r }, 0);
  });
  const src = { probe: 'nginx-modsecurity-files', files: seen.size };
  return modsecurityFacts(directives, [...byPath.values()], enabled, 3, src);
}

/** Facts of an nginx configuration (`nginx -T`) and of the ModSecurity v3 rules files it loads. */
export function nginxFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const dump = outputs['nginx-config'];
  const text = dump?.stdout ?? '';
  const { messages, files, config } = parseNginxDump(text);
  if (files.length === 0) {
    return { present: false, syntax_ok: false, error: (dump?.error?.message ?? messages ?? '').trim().slice(0, 500) };
  }
  const syntaxOk = /syntax is ok/.test(messages) || !/\[emerg\]/.test(messages);
  const formats = new Map<string, NginxLogFormat>([['combined', COMBINED]]);
  const http = config.filter((d) => d.name === 'http').flatMap((d) => d.block ?? []);
  const bodyVars = children(http, 'map')
    .filter((m) => m.args[0] === '$request_body' && m.args[1]?.startsWith('$'))
    .map((m) => m.args[1]!.slice(1));
  for (const d of children(http, 'log_format')) formats.set(d.args[0] ?? '', formatOf(d, bodyVars));

  const accessLogs = (list: NginxDirective[] | undefined) =>
    children(list, 'access_log').map((d) => ({
      path: d.args[0] ?? '',
      format: d.args[0] === 'off' ? 'off' : (d.args[1] ?? 'combined'),
    }));
  const httpLogs = accessLogs(http);
  const httpBuffer = parseSize(last(http, 'client_body_buffer_size')?.args[0]) ?? DEFAULT_BODY_BUFFER;
  const bufferAt = (list: NginxDirective[] | undefined, inherited: SourceLine | undefined) => {
    const d = last(list, 'client_body_buffer_size');
    return d && parseSize(d.args[0]) !== undefined ? where(d) : inherited;
  };
  const httpBufferAt = bufferAt(http, undefined);
  const modsecLoaded = config.some((d) => d.name === 'load_module' && /modsecurity/.test(d.args[0] ?? ''));
  const modsecOn = (list: NginxDirective[] | undefined, inherited: boolean) => {
    const m = last(list, 'modsecurity');
    return m ? m.args[0] === 'on' : inherited;
  };

  const locations: NginxLocation[] = [];
  const servers = children(http, 'server');
  const realIp = {
    header: last(http, 'real_ip_header')?.args[0] ?? null,
    trusted: children(http, 'set_real_ip_from').map((d) => d.args[0] ?? ''),
  };
  const realIpAt = [...children(http, 'real_ip_header'), ...children(http, 'set_real_ip_from')].map(where);
  let sslServers = 0;
  let sslProxyServers = 0;
  const certificates = new Set<string>();
  let modsecEnabled = false;
  const rulesFiles = new Set<string>();
  const inlineRules: string[] = [];
  const collectModsec = (list: NginxDirective[] | undefined) => {
    for (const d of children(list, 'modsecurity_rules_file')) if (d.args[0]) rulesFiles.add(d.args[0]);
    for (const d of children(list, 'modsecurity_rules')) inlineRules.push(d.args.join('\n'));
  };
  collectModsec(http);
  const httpModsec = modsecOn(http, false);

  for (const server of servers) {
    const s = server.block ?? [];
    const names = last(s, 'server_name')?.args.join(' ') || '_';
    const listens = children(s, 'listen');
    const label = `${names} ${listens.map((l) => l.args[0]).join(',')}`.trim();
    const ssl = listens.some((l) => l.args.includes('ssl')) || last(s, 'ssl')?.args[0] === 'on';
    for (const c of children(s, 'ssl_certificate')) if (c.args[0]) certificates.add(c.args[0]);
    if (ssl) sslServers++;
    for (const d of children(s, 'set_real_ip_from')) realIp.trusted.push(d.args[0] ?? '');
    if (last(s, 'real_ip_header')) realIp.header = last(s, 'real_ip_header')!.args[0] ?? null;
    realIpAt.push(...[...children(s, 'real_ip_header'), ...children(s, 'set_real_ip_from')].map(where));
    collectModsec(s);
    const serverLogs = accessLogs(s);
    const serverBuffer = parseSize(last(s, 'client_body_buffer_size')?.args[0]) ?? httpBuffer;
    const serverModsec = modsecOn(s, httpModsec);
    let proxies = false;
    const walk = (
      list: NginxDirective[],
      parent: { logs: { path: string; format: string }[]; buffer: number; bufferAt?: SourceLine; modsec: boolean },
    ) => {
      for (const loc of children(list, 'location')) {
        const b = loc.block ?? [];
        collectModsec(b);
        const own = accessLogs(b);
        const logs = own.length > 0 ? own : parent.logs;
        const buffer = parseSize(last(b, 'client_body_buffer_size')?.args[0]) ?? parent.buffer;
        const bufferHere = bufferAt(b, parent.bufferAt);
        const modsec = modsecOn(b, parent.modsec);
        const pass =
          PASS.find((p) => b.some((d) => d.name === p || (d.name === 'if' && children(d.block, p).length > 0))) ?? null;
        if (pass) proxies = true;
        if (modsec) modsecEnabled = true;
        const used = logs
          .filter((l) => l.format !== 'off')
          .map((l) => formats.get(l.format) ?? { ...COMBINED, name: l.format });
        locations.push({
          server: label,
          path: loc.args.join(' '),
          pass,
          reads_body: pass !== null,
          logs: logs.filter((l) => l.format !== 'off'),
          logs_request_body: used.some((f) => f.request_body),
          logs_xff: used.some((f) => f.xff),
          logs_user_agent: used.some((f) => f.user_agent),
          logs_status: used.some((f) => f.status),
          logs_masked_body:
            used.some((f) => f.request_body) && used.filter((f) => f.request_body).every((f) => f.body_masked),
          body_buffer_bytes: buffer,
          modsecurity: modsec,
          at: {
            file: loc.file,
            line: loc.line,
            text:
              `location ${loc.args.join(' ')} { ${pass ?? 'no proxy/fastcgi pass'}; access_log ` +
              `${logs.map((l) => `${l.path} ${l.format}`).join(', ') || 'off'} }`,
          },
          ...(bufferHere ? { buffer_at: bufferHere } : {}),
        });
        walk(b, { logs, buffer, bufferAt: bufferHere, modsec });
      }
    };
    walk(s, {
      logs:
        serverLogs.length > 0
          ? serverLogs
          : httpLogs.length > 0
            ? httpLogs
            : [{ path: 'logs/access.log', format: 'combined' }],
      buffer: serverBuffer,
      bufferAt: bufferAt(s, httpBufferAt),
      modsec: serverModsec,
    });
    if (serverModsec) modsecEnabled = true;
    if (ssl && proxies) sslProxyServers++;
  }

  const streamProxies = streamProxiesOf(config);
  const xffLogged = locations.some((l) => l.logs_xff);
  const realIpConfigured = realIp.header !== null && realIp.trusted.length > 0;
  // The formats the access logs write: without the real-IP module, they are what records (or loses) the client IP.
  const usedFormats = new Set(locations.flatMap((l) => l.logs.map((x) => x.format)));
  const formatLines = [...formats.values()]
    .filter((f) => usedFormats.has(f.name))
    .map((f) => f.at ?? { probe: 'nginx-config', text: `log_format ${f.name} (nginx's built-in: no X-Forwarded-For)` });
  const streamAt = (pick: (s: (typeof streamProxies)[number]) => boolean) =>
    streamProxies.filter(pick).map((s) => s.at);

  const modsecurity = modsecurityRules(outputs, rulesFiles, inlineRules, modsecLoaded || modsecEnabled);

  return {
    present: true,
    syntax_ok: syntaxOk,
    files,
    log_formats: [...formats.values()],
    access_logs: uniqueLogs([...httpLogs, ...locations.flatMap((l) => l.logs)]),
    locations,
    body: bodyFacts([...formats.values()], locations),
    real_ip: {
      header: realIp.header,
      trusted: realIp.trusted,
      module_configured: realIpConfigured,
      xff_logged: xffLogged,
      ok: realIpConfigured || xffLogged,
      at: {
        header: realIpAt,
        module_configured: realIpAt,
        xff_logged: formatLines,
        ok: [...realIpAt, ...(realIpConfigured ? [] : formatLines)],
      },
    },
    tls: {
      ssl_servers: sslServers,
      ssl_proxy_servers: sslProxyServers,
      certificates: [...certificates],
      stream_proxies: streamProxies,
      stream_passthrough: streamProxies.filter((s) => !s.ssl_terminated).length,
      ssh_rdp_streams: streamProxies.filter((s) => s.ssh_or_rdp).length,
      at: {
        stream_proxies: streamAt(() => true),
        stream_passthrough: streamAt((s) => !s.ssl_terminated),
        ssh_rdp_streams: streamAt((s) => s.ssh_or_rdp),
      },
    },
    modsecurity_enabled: modsecEnabled,
    modsecurity_rules_files: [...rulesFiles],
    modsecurity,
  };
}
