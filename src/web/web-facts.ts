// What a web target's configuration says, as the web probe source and the analyses.web view need it: which server
// is installed, where it logs, which certificates it is configured with; and the shape of the analyses.web details.
import type { ProbeDef } from '../checks/types.js';
import type { Bilingual, WebSettings } from '../model.js';
import { apacheFacts } from '../parsers/web/apache.js';
import type { CertOwner, TlsResult } from '../parsers/web/live.js';
import { nginxFacts } from '../parsers/web/nginx.js';
import type { ConfigLocation } from '../parsers/web/running.js';
import { squidFacts } from '../parsers/web/squid.js';
import { shellQuote } from '../transport/shell.js';
import type { ProbeResult, Transport } from '../transport/types.js';
import type { LiveProbeResult, LogSource, ProbeRecord } from './canary.js';
import { pemFingerprint, type TlsInspection } from './tls.js';

export interface WebDetails {
  target: string;
  urls: string[];
  server: { declared: string; detected: string[] };
  config_path?: string;
  /** The configuration that was read and how it was tied to the server answering the URL, or why it could not be. */
  config_read?: { path: string; how: string };
  config_untied?: string;
  host?: string;
  tls: TlsResult[];
  canary: LiveProbeResult[];
  /** The long body canaries (over 8 KB): whole in the server's log, on the collector, in the SIEM, or where cut. */
  canary_long?: LiveProbeResult[];
  waf: LiveProbeResult[];
  /** Every request the live probes sent, with its time and marker, for the blue team. */
  probes: ProbeRecord[];
  log_sources: LogSource[];
  notes: Bilingual[];
}

export const SSH_RDP_NOTE: Bilingual = {
  en:
    'SSH and RDP sessions are encrypted end to end: no proxy or WAF can log what happens inside them. Their ' +
    'visibility must come from endpoint logging (sshd LogLevel VERBOSE and auditd on Linux; 4624/4625, RDP ' +
    '1149 and Sysmon on Windows).',
  ja:
    'SSH と RDP のセッションはエンドツーエンドで暗号化されており、プロキシや WAF はその中で起きたことを記録できません。可視性はエンドポイント側のログ（Linux では sshd の LogLevel ' +
    'VERBOSE と auditd、Windows では 4624 / 4625、RDP の 1149、Sysmon）で確保する必要があります。',
};

/**
 * The command a web probe runs, with the configuration to read set as quoted shell variables: the target's
 * `config_path`, or where the server answering its URL was started from (nginx -p, Apache -d, APACHE_CONFDIR).
 */
export function webProbeCommand(probe: ProbeDef, where: string | ConfigLocation | undefined): string {
  const command = probe.command ?? '';
  const loc = typeof where === 'string' ? { config: where } : where;
  if (!loc) return command;
  const vars = [
    `SOCREADY_WEB_CONFIG=${shellQuote(loc.config)}`,
    ...(loc.prefix ? [`SOCREADY_WEB_PREFIX=${shellQuote(loc.prefix)}`] : []),
    ...(loc.root ? [`SOCREADY_WEB_ROOT=${shellQuote(loc.root)}`] : []),
    ...(loc.confdir ? [`export APACHE_CONFDIR=${shellQuote(loc.confdir)}`] : []),
  ];
  return `${vars.join('\n')}\n${command}`;
}

/** Facts of each server found in the outputs, computed once (a parse error leaves that server out). */
export interface ServerFacts {
  nginx?: Record<string, unknown>;
  apache?: Record<string, unknown>;
  squid?: Record<string, unknown>;
}

export function serverFacts(outputs: Record<string, ProbeResult>): ServerFacts {
  const facts: ServerFacts = {};
  const attempt = (key: keyof ServerFacts, probe: string, f: () => Record<string, unknown>) => {
    if (!outputs[probe] || outputs[probe].error) return;
    try {
      const x = f();
      if (x.present === true) facts[key] = x;
    } catch {
      // an unparsable configuration is reported by the checks themselves
    }
  };
  attempt('nginx', 'nginx-config', () => nginxFacts(outputs));
  attempt('apache', 'apache-modules', () => apacheFacts(outputs));
  attempt('squid', 'squid-config', () => squidFacts(outputs));
  return facts;
}

/** Paths the configuration names for logs, resolved where a Debian default is known. */
export function logSourcesFrom(settings: WebSettings, facts: ServerFacts): LogSource[] {
  const out: LogSource[] = (settings.log_paths ?? []).map((path) => ({ path, origin: 'inventory' }));
  const add = (path: string | null | undefined, origin: string) => {
    if (!path || path === 'off' || path.startsWith('|') || /^(syslog|udp|tcp|none):/.test(path)) return;
    const p = path.replace(/^(stdio|daemon):/, '').replace(/\$\{APACHE_LOG_DIR\}/g, '/var/log/apache2');
    if (!p.startsWith('/') || out.some((s) => s.path === p)) return;
    out.push({ path: p, origin });
  };
  const n = facts.nginx as { access_logs?: { path: string }[]; modsecurity?: { audit_log: string | null } } | undefined;
  for (const l of n?.access_logs ?? []) add(l.path, 'nginx access_log');
  add(n?.modsecurity?.audit_log, 'ModSecurity SecAuditLog (nginx)');
  const a = facts.apache as
    | { custom_logs?: { path: string }[]; modsecurity?: { audit_log: string | null } }
    | undefined;
  for (const l of a?.custom_logs ?? []) add(l.path, 'Apache CustomLog');
  add(a?.modsecurity?.audit_log, 'ModSecurity SecAuditLog (Apache)');
  const q = facts.squid as { access_log?: string[] } | undefined;
  for (const p of q?.access_log ?? []) add(p, 'Squid access_log');
  return out;
}

/** Certificate files the configuration names (nginx ssl_certificate, Apache SSLCertificateFile, Squid's bump CA). */
export function certificatePaths(facts: ServerFacts): { server: string[]; interceptionCa: string[] } {
  const tlsOf = (x: Record<string, unknown> | undefined) =>
    (x?.tls as { certificates?: string[] } | undefined)?.certificates ?? [];
  const server = [...tlsOf(facts.nginx), ...tlsOf(facts.apache)];
  const ca = (facts.squid?.ca_certificates as string[] | undefined) ?? [];
  return {
    server: server.filter((p) => p.startsWith('/') && !p.includes('$')),
    interceptionCa: ca.filter((p) => p.startsWith('/')),
  };
}

export async function readCertificates(
  t: Transport,
  paths: string[],
  sudo: boolean,
): Promise<{ fingerprint256: string; subject: string }[]> {
  const out: { fingerprint256: string; subject: string }[] = [];
  for (const path of paths) {
    const r = await t.readFile(path, { maxBytes: 256 * 1024, timeoutMs: 10_000, sudo });
    if (r.error) continue;
    // Only the certificate block is kept: a combined PEM may also hold the private key, which is never stored.
    const fp = pemFingerprint(r.stdout);
    if (fp) out.push(fp);
  }
  return out;
}

export function ownerOf(
  tls: TlsInspection,
  serverCerts: { fingerprint256: string }[],
  caCerts: { subject: string }[],
  compared: boolean,
): CertOwner {
  if (!tls.ok || !tls.leaf) return 'unknown';
  if (serverCerts.some((c) => c.fingerprint256 === tls.leaf!.fingerprint256)) return 'this-server';
  const issuerCn = /CN=([^,]+)/.exec(tls.leaf.issuer)?.[1];
  if (issuerCn && caCerts.some((c) => c.subject.includes(`CN=${issuerCn}`))) return 'interception-ca';
  return compared ? 'elsewhere' : 'unknown';
}
