import type { ProbeResult } from '../../transport/types.js';

const DECRYPTING = new Set(['bump', 'client-first', 'server-first']);

/**
 * The directive lines of `squid -k parse` ("Processing: <line>"), or of squid.conf itself when that is what was read.
 */
export function squidDirectives(output: string): string[] {
  const processed = [...output.matchAll(/Processing: (.*)$/gm)].map((m) => m[1]!);
  const lines = processed.length > 0 ? processed : output.split('\n');
  return lines.map((l) => l.replace(/\s#.*$/, '').trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Facts of Squid TLS interception: ssl-bump ports and the ssl_bump rules (peek/stare/bump versus splice). */
export function squidFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const out = outputs['squid-config'];
  const text = `${out?.stdout ?? ''}\n${out?.stderr ?? ''}`;
  const lines = squidDirectives(text);
  if (!/Processing:|^\s*http_port/m.test(text)) {
    return { present: false, error: (out?.error?.message ?? text).trim().slice(0, 500) };
  }
  const ports = lines
    .filter((l) => /^(http_port|https_port)\s/.test(l))
    .map((l) => {
      const [, port = '', ...opts] = l.split(/\s+/);
      return {
        port,
        ssl_bump: opts.includes('ssl-bump'),
        cert: opts.find((o) => /^(tls-)?cert=/.test(o))?.replace(/^(tls-)?cert=/, '') ?? null,
      };
    });
  const rules = lines
    .filter((l) => l.startsWith('ssl_bump '))
    .map((l) => {
      const [, action = '', ...acls] = l.split(/\s+/);
      return { action, acls };
    });
  const bumpPorts = ports.filter((p) => p.ssl_bump).length;
  const bumpLines = lines
    .filter((l) => l.startsWith('ssl_bump ') || (/^https?_port\s/.test(l) && /\sssl-bump\b/.test(l)))
    .map((text) => ({ probe: 'squid-config', text }));
  const lacking = [
    ...(bumpPorts === 0 ? ['(no http_port or https_port with ssl-bump: TLS is not intercepted)'] : []),
    ...(bumpPorts > 0 && rules.length === 0 ? ['(no ssl_bump rule: Squid splices, relaying TLS unread)'] : []),
  ].map((text) => ({ probe: 'squid-config', text }));
  const decrypts = bumpPorts > 0 && rules.some((r) => DECRYPTING.has(r.action));
  return {
    present: true,
    errors: [...text.matchAll(/(?:ERROR|FATAL): (.*)$/gm)].map((m) => m[1]!).slice(0, 10),
    ports,
    ssl_bump_ports: bumpPorts,
    rules,
    decrypts,
    mode:
      bumpPorts === 0
        ? 'no-interception'
        : decrypts
          ? 'bump'
          : rules.length === 0
            ? 'splice (default)'
            : 'splice/peek only',
    ca_certificates: ports.filter((p) => p.ssl_bump && p.cert).map((p) => p.cert),
    // The directives behind the mode: the ssl-bump ports and the ssl_bump rules, as `squid -k parse` processed them.
    at: {
      decrypts: [...bumpLines, ...lacking],
      mode: [...bumpLines, ...lacking],
    },
    access_log: lines.filter((l) => l.startsWith('access_log ')).map((l) => l.split(/\s+/)[1] ?? ''),
  };
}
