import type { SourceLine } from '../../model.js';
import type { ProbeResult } from '../../transport/types.js';
import { resolveApacheTree, type ScopedDirective } from './apache-config.js';
import { modsecurityFacts } from './modsecurity.js';
import { splitSections } from './sections.js';

/** Module names from `apache2ctl -M` (` security2_module (shared)`). */
export function parseModules(output: string): string[] {
  return [...output.matchAll(/^\s+(\w+_module)\s+\((?:static|shared)\)/gm)].map((m) => m[1]!);
}

/** Virtual hosts from `apache2ctl -S` (`*:443  example.org (/etc/apache2/sites-enabled/x.conf:2)`). */
export function parseVhosts(output: string): { address: string; name: string; source: string }[] {
  const out: { address: string; name: string; source: string }[] = [];
  let address = '';
  for (const line of output.split('\n')) {
    const head = /^(\S+:\d+)\s+(?:is a NameVirtualHost|(\S+) \((.+)\))/.exec(line);
    if (head) {
      address = head[1]!;
      if (head[2]) out.push({ address, name: head[2], source: head[3]! });
      continue;
    }
    const sub = /^\s+(?:default server|port \d+ namevhost|alias)\s+(\S+) \((.+)\)/.exec(line);
    if (sub && address) out.push({ address, name: sub[1]!, source: sub[2]! });
  }
  return out;
}

const lower = (d: ScopedDirective) => d.name.toLowerCase();
/** A directive where the dump read it. */
const where = (d: ScopedDirective): SourceLine & { probe?: string } => ({
  file: d.file,
  line: d.line,
  text: `${d.name} ${d.args.join(' ')}`.slice(0, 300),
});

/** Facts of an Apache httpd configuration: modules, ModSecurity, logging, real client IP, TLS termination. */
export function apacheFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const mods = outputs['apache-modules'];
  const dump = outputs['apache-config-dump'];
  const modules = parseModules(mods?.stdout ?? '');
  const { files } = splitSections(dump?.stdout ?? '');
  if (modules.length === 0 && files.length === 0) {
    const why = mods?.error?.message ?? (mods?.stderr || mods?.stdout || dump?.error?.message || '');
    return { present: false, error: why.trim().slice(0, 500) };
  }
  const tree = resolveApacheTree(files, new Set(modules));
  const loaded = new Set([...modules, ...tree.loadModules]);
  const d = tree.directives;

  const formats = new Map<
    string,
    { name: string; xff: boolean; user_agent: boolean; status: boolean; unique_id: boolean }
  >();
  const formatFacts = (name: string, f: string) => ({
    name,
    xff: /%\{(X-Forwarded-For|X-Real-IP|Forwarded)\}i/i.test(f),
    user_agent: /%\{User-agent\}i/i.test(f),
    status: /%(>|<)?s/.test(f),
    unique_id: /%\{UNIQUE_ID\}e|%L/.test(f),
  });
  const formatAt = new Map<string, SourceLine>();
  for (const x of d.filter((x) => lower(x) === 'logformat')) {
    const [fmt = '', name = 'default'] = x.args;
    formats.set(name, formatFacts(name, fmt));
    formatAt.set(name, where(x));
  }
  const customLogs = d
    .filter((x) => lower(x) === 'customlog' || lower(x) === 'transferlog')
    .map((x) => {
      const fmt = x.args[1] ?? 'default';
      const f = formats.get(fmt) ?? formatFacts(fmt, fmt);
      return {
        path: x.args[0] ?? '',
        format: fmt,
        scope: x.scope.join(' > '),
        xff: f.xff,
        user_agent: f.user_agent,
        status: f.status,
        file: x.file,
        line: x.line,
      };
    });
  // Credential stuffing and bots show as one user agent across many addresses: every access log needs %{User-agent}i.
  const withoutUa = customLogs.filter((l) => !l.user_agent);
  const userAgent = {
    logs: customLogs.length,
    missing: withoutUa.map((l) => `${l.path} (format ${l.format}) at ${l.file}:${l.line}`),
    missing_at: withoutUa.map((l) => ({ file: l.file, line: l.line, text: `CustomLog ${l.path} ${l.format}` })),
    why:
      customLogs.length === 0
        ? 'no CustomLog or TransferLog is configured: no access log at all'
        : withoutUa.length === 0
          ? 'every access log records the user agent: ' +
            `${customLogs.map((l) => `${l.path} (format ${l.format})`).join(', ')}`
          : 'no %{User-agent}i in ' +
            `${withoutUa.map((l) => `${l.path} (format ${l.format}, ${l.file}:${l.line})`).join(', ')}`,
  };
  const remoteIpHeader = d.filter((x) => lower(x) === 'remoteipheader').at(-1)?.args[0] ?? null;
  const trusted = d.filter((x) => /^remoteip(trusted|internal)proxy(list)?$/.test(lower(x))).flatMap((x) => x.args);
  const realIpModule = loaded.has('remoteip_module') && remoteIpHeader !== null;
  const xffLogged = customLogs.some((l) => l.xff);
  const realIpAt = d.filter((x) => /^remoteip(header|(trusted|internal)proxy(list)?)$/.test(lower(x))).map(where);
  // Each access log and the format it writes: without mod_remoteip they are what records (or loses) the client IP.
  const logLines = customLogs.flatMap((l) => [
    { file: l.file, line: l.line, text: `CustomLog ${l.path} ${l.format}` },
    ...(formatAt.has(l.format) ? [formatAt.get(l.format)!] : []),
  ]);

  const vhosts = new Map<string, ScopedDirective[]>();
  for (const x of d) {
    if (!x.vhost) continue;
    const list = vhosts.get(x.vhost);
    if (list) list.push(x);
    else vhosts.set(x.vhost, [x]);
  }
  let sslVhosts = 0;
  let sslProxyVhosts = 0;
  const certificates: string[] = [];
  for (const inside of vhosts.values()) {
    const ssl = inside.some((x) => lower(x) === 'sslengine' && x.args[0]?.toLowerCase() === 'on');
    if (!ssl) continue;
    sslVhosts++;
    certificates.push(...inside.filter((x) => lower(x) === 'sslcertificatefile').map((x) => x.args[0] ?? ''));
    if (
      inside.some(
        (x) =>
          /^(proxypass|proxypassmatch|rewriterule)$/.test(lower(x)) &&
          (lower(x) !== 'rewriterule' || /\[.*P.*\]/.test(x.args.at(-1) ?? '')),
      )
    )
      sslProxyVhosts++;
  }
  const dumpioLines = (name: string) => d.filter((x) => lower(x) === name && x.args[0]?.toLowerCase() === 'on');
  const listed = /^\s*dumpio_module\s+\((?:static|shared)\)/m.exec(mods?.stdout ?? '');
  const loadedAt = [
    ...d.filter((x) => lower(x) === 'loadmodule' && x.args[0] === 'dumpio_module').map(where),
    ...(listed ? [{ probe: 'apache-modules', text: listed[0].trim() }] : []),
  ];
  const dumpio = {
    loaded: loaded.has('dumpio_module'),
    input: dumpioLines('dumpioinput').length > 0,
    output: dumpioLines('dumpiooutput').length > 0,
    at: {
      loaded: loadedAt,
      input: dumpioLines('dumpioinput').map(where),
      output: dumpioLines('dumpiooutput').map(where),
    },
  };
  const modsecLoaded = loaded.has('security2_module');
  return {
    present: true,
    syntax_ok: !/Syntax error/i.test(dump?.stdout ?? ''),
    files: tree.files,
    modules: [...loaded].sort(),
    vhosts: parseVhosts(outputs['apache-vhosts']?.stdout ?? ''),
    dumpio,
    log_formats: [...formats.values()],
    custom_logs: customLogs,
    user_agent: userAgent,
    real_ip: {
      header: remoteIpHeader,
      trusted,
      module_configured: realIpModule,
      xff_logged: xffLogged,
      ok: realIpModule || xffLogged,
      at: {
        header: realIpAt,
        module_configured: realIpAt,
        xff_logged: logLines,
        ok: [...realIpAt, ...(realIpModule ? [] : logLines)],
      },
    },
    tls: { ssl_vhosts: sslVhosts, ssl_proxy_vhosts: sslProxyVhosts, certificates },
    modsecurity: modsecurityFacts(modsecLoaded ? d : [], files, modsecLoaded, 2, {
      probe: 'apache-config-dump',
      files: files.length,
    }),
  };
}
