// The web part of a scan, per web target: read the server's configuration through the host that holds it, evaluate the
// web catalog checks, look at TLS from outside, and (only with --active) send the canary and WAF probes.
import type { Catalog } from '../checks/catalog.js';
import { loadCatalog } from '../checks/catalog.js';
import { evaluateCheck, type FactsCache } from '../checks/evaluate.js';
import type { ProbeDef } from '../checks/types.js';
import { EvidenceStore } from '../collect/evidence-store.js';
import { redact, redactDeep } from '../util/redact.js';
import type { Bilingual, Evidence, Finding, Target, TargetResult, TransportError, WebSettings } from '../model.js';
import { apacheFacts } from '../parsers/web/apache.js';
import { nginxFacts } from '../parsers/web/nginx.js';
import { squidFacts } from '../parsers/web/squid.js';
import { failedResult, shellQuote } from '../transport/shell.js';
import type { ProbeResult, Transport } from '../transport/types.js';
import { type LiveProbeOptions, type LiveProbeResult, type LogSource, type ProbeRecord, runCanary, runWafProbe } from './canary.js';
import { canaryFinding, type CertOwner, type TlsResult, tlsFindings, wafFinding } from './findings.js';
import { RateLimiter } from './http.js';
import { inspectTls, pemFingerprint } from './tls.js';

export interface WebAssessmentOptions {
  target: Target;
  /** Transport to the ssh/local target named by `web.host` (configuration and logs); absent: outside view only. */
  hostTransport?: Transport;
  /** Send the live probes (canary POST, WAF probe). Without it nothing but TLS handshakes reaches the server. */
  active: boolean;
  runId: string;
  catalog?: Catalog;
  /** Records evidence (and writes it redacted when it has a run folder). */
  store?: EvidenceStore;
  /** Run sudo-flagged probes and log reads through `sudo -n` (the host target's ssh.sudo). */
  sudo?: boolean;
  /** Per request / per probe timeout (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for a marker to reach the logs (default 8 s), and the poll interval (default 400 ms). */
  logWaitMs?: number;
  pollMs?: number;
  /** Tail of each log read per poll (default 1 MiB). */
  maxLogBytes?: number;
  /** Minimum gap between live requests (default 500 ms). */
  minIntervalMs?: number;
  /** Extra CA (PEM) the TLS inspection trusts, e.g. an internal PKI. */
  tlsCa?: string;
}

export interface WebDetails {
  target: string;
  urls: string[];
  server: { declared: string; detected: string[] };
  config_path?: string;
  host?: string;
  tls: TlsResult[];
  canary: LiveProbeResult[];
  waf: LiveProbeResult[];
  /** Every request the live probes sent, with its time and marker, for the blue team. */
  probes: ProbeRecord[];
  log_sources: LogSource[];
  notes: Bilingual[];
}

export interface WebAssessment {
  target: string;
  /** Same shape as the other targets' results, so a scan can list web targets beside hosts. */
  result: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
  details: WebDetails;
}

const PROBES_BY_SERVER: Record<string, string[]> = {
  nginx: ['nginx-config', 'nginx-modsecurity-files'],
  'modsecurity-nginx': ['nginx-config', 'nginx-modsecurity-files'],
  apache: ['apache-modules', 'apache-vhosts', 'apache-config-dump'],
  'modsecurity-apache': ['apache-modules', 'apache-vhosts', 'apache-config-dump'],
  squid: ['squid-config'],
};
const ALL_PROBES = [...new Set(Object.values(PROBES_BY_SERVER).flat())];

export const SSH_RDP_NOTE: Bilingual = {
  en: 'SSH and RDP sessions are encrypted end to end: no proxy or WAF can log what happens inside them. Their visibility must come from endpoint logging (sshd LogLevel VERBOSE and auditd on Linux; 4624/4625, RDP 1149 and Sysmon on Windows).',
  ja: 'SSH と RDP のセッションはエンドツーエンドで暗号化されており、プロキシや WAF はその中で起きたことを記録できません。可視性はエンドポイント側のログ（Linux では sshd の LogLevel VERBOSE と auditd、Windows では 4624 / 4625、RDP の 1149、Sysmon）で確保する必要があります。',
};

/** The command a web probe runs, with the target's configuration path set as a quoted shell variable. */
export function webProbeCommand(probe: ProbeDef, configPath: string | undefined): string {
  const command = probe.command ?? '';
  return configPath ? `SOCREADY_WEB_CONFIG=${shellQuote(configPath)}\n${command}` : command;
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
  const a = facts.apache as { custom_logs?: { path: string }[]; modsecurity?: { audit_log: string | null } } | undefined;
  for (const l of a?.custom_logs ?? []) add(l.path, 'Apache CustomLog');
  add(a?.modsecurity?.audit_log, 'ModSecurity SecAuditLog (Apache)');
  const q = facts.squid as { access_log?: string[] } | undefined;
  for (const p of q?.access_log ?? []) add(p, 'Squid access_log');
  return out;
}

/** Certificate files the configuration names (nginx ssl_certificate, Apache SSLCertificateFile, Squid's bump CA). */
function certificatePaths(facts: ServerFacts): { server: string[]; interceptionCa: string[] } {
  const tlsOf = (x: Record<string, unknown> | undefined) => ((x?.tls as { certificates?: string[] } | undefined)?.certificates ?? []);
  const server = [...tlsOf(facts.nginx), ...tlsOf(facts.apache)];
  const ca = (facts.squid?.ca_certificates as string[] | undefined) ?? [];
  return { server: server.filter((p) => p.startsWith('/') && !p.includes('$')), interceptionCa: ca.filter((p) => p.startsWith('/')) };
}

async function readCertificates(t: Transport, paths: string[], sudo: boolean): Promise<{ fingerprint256: string; subject: string }[]> {
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

function ownerOf(tls: TlsResultBase, serverCerts: { fingerprint256: string }[], caCerts: { subject: string }[], compared: boolean): CertOwner {
  if (!tls.ok || !tls.leaf) return 'unknown';
  if (serverCerts.some((c) => c.fingerprint256 === tls.leaf!.fingerprint256)) return 'this-server';
  const issuerCn = /CN=([^,]+)/.exec(tls.leaf.issuer)?.[1];
  if (issuerCn && caCerts.some((c) => c.subject.includes(`CN=${issuerCn}`))) return 'interception-ca';
  return compared ? 'elsewhere' : 'unknown';
}
type TlsResultBase = Omit<TlsResult, 'owner'>;

/**
 * Assesses one web target. Never throws for the target's failures: an unreachable host or server, a failed handshake
 * or an unreadable log becomes an inconclusive finding with its reason.
 */
export async function runWebAssessment(opts: WebAssessmentOptions): Promise<WebAssessment> {
  const { target } = opts;
  const started = Date.now();
  const settings: WebSettings = target.web ?? { urls: [] };
  const declared = settings.server ?? 'auto';
  const catalog = opts.catalog ?? loadCatalog();
  const store = opts.store ?? new EvidenceStore(undefined);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const sudo = opts.sudo ?? false;
  const findings: Finding[] = [];
  const evidence: Evidence[] = [];
  const notes: Bilingual[] = [];
  const outputs: Record<string, ProbeResult> = {};
  const urls = settings.urls.flatMap((u) => {
    try {
      return [new URL(u)];
    } catch {
      notes.push({ en: `Not a URL, skipped: ${u}`, ja: `URL ではないためスキップ: ${u}` });
      return [];
    }
  });

  // 1. Configuration through the host, then the web catalog checks.
  const wanted = PROBES_BY_SERVER[declared] ?? ALL_PROBES;
  let hostOk = false;
  let hostError: TransportError | undefined;
  if (opts.hostTransport) {
    const openError = await opts.hostTransport.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }));
    hostError = openError;
    hostOk = !openError;
    for (const id of ALL_PROBES) {
      const probe = catalog.probes.get(id);
      if (!probe) continue;
      if (!wanted.includes(id)) {
        outputs[id] = failedResult({ kind: 'unsupported', message: `not collected: the target's server is ${declared}` });
        continue;
      }
      const at = new Date();
      const out = openError
        ? failedResult(openError)
        : await opts.hostTransport.run(webProbeCommand(probe, settings.config_path), {
            timeoutMs: (probe.timeout ?? 30) * 1000,
            maxBytes: probe.max_bytes,
            sudo: sudo && probe.sudo === true,
          });
      outputs[id] = out;
      evidence.push(store.record(target.id, probe, webProbeCommand(probe, settings.config_path), out, at));
    }
    const evidenceIds = Object.fromEntries(evidence.map((e) => [e.probe, e.id]));
    const cache: FactsCache = new Map();
    for (const check of catalog.checks) {
      if (!check.kinds.includes(target.kind) || !check.probes.every((p) => ALL_PROBES.includes(p))) continue;
      const f = evaluateCheck(check, outputs, { targetId: target.id, kind: target.kind, evidenceIds }, cache);
      // In auto mode a server that is simply not installed is not-applicable, not inconclusive.
      if (f.status === 'inconclusive' && !openError && check.probes.every((p) => notInstalled(outputs[p]))) {
        f.status = 'not-applicable';
        f.reason = 'the server this check is about is not installed on the host';
      }
      if (f.excerpt) f.excerpt = redact(f.excerpt).text;
      if (f.observed) f.observed = redactDeep(f.observed);
      if (f.reason) f.reason = redact(f.reason).text;
      findings.push(f);
    }
  } else {
    notes.push({
      en: 'Configuration not assessed: the target names no host (`web.host`) holding its configuration and logs.',
      ja: '設定は評価していません。設定とログを持つホスト（`web.host`）が指定されていません。',
    });
  }
  const facts = serverFacts(outputs);
  const detected = Object.keys(facts);
  const sources = hostOk ? logSourcesFrom(settings, facts) : (settings.log_paths ?? []).map((path) => ({ path, origin: 'inventory' }));

  // 2. TLS from outside, compared with the certificates the configuration names.
  const tls: TlsResult[] = [];
  const https = urls.filter((u) => u.protocol === 'https:');
  if (https.length > 0) {
    const certs = certificatePaths(facts);
    const serverCerts = hostOk && opts.hostTransport ? await readCertificates(opts.hostTransport, certs.server, sudo) : [];
    const caCerts = hostOk && opts.hostTransport ? await readCertificates(opts.hostTransport, certs.interceptionCa, sudo) : [];
    const compared = serverCerts.length > 0 || caCerts.length > 0;
    // A Squid target is a forward proxy: its URLs are sites reached through it, as a client configured with it would.
    const proxy = declared === 'squid' && target.port ? new URL(`http://${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}`) : undefined;
    for (const u of https) {
      const r = await inspectTls(u, { timeoutMs, ...(opts.tlsCa ? { ca: opts.tlsCa } : {}), ...(proxy ? { proxy } : {}) });
      tls.push({ ...r, owner: ownerOf(r, serverCerts, caCerts, compared) });
    }
    const ids = tls.map((r, i) => {
      const e = httpEvidence(target.id, `tls-handshake-${i + 1}`, `TLS handshake with ${r.host}:${r.port}`, r.duration_ms, r.ok ? 0 : null, r.error);
      evidence.push(e);
      return e.id;
    });
    findings.push(...tlsFindings(target.id, tls, ids));
  }
  if (detected.length > 0 || https.length > 0) notes.push(SSH_RDP_NOTE);

  // 3. Live probes, only when asked for.
  const canary: LiveProbeResult[] = [];
  const waf: LiveProbeResult[] = [];
  if (opts.active && urls.length > 0 && declared === 'squid') {
    notes.push({
      en: 'Live probes are not sent through a forward proxy (Squid): its logs record URLs, not bodies; assess the origin servers instead.',
      ja: 'フォワードプロキシ（Squid）経由ではライブプローブを送信しません。Squid のログに残るのは URL でボディではないため、オリジンサーバー側を評価してください。',
    });
  } else if (opts.active && urls.length > 0) {
    const live: LiveProbeOptions = {
      transport: hostOk ? opts.hostTransport : undefined,
      sources,
      limiter: new RateLimiter(opts.minIntervalMs ?? 500),
      timeoutMs,
      logWaitMs: opts.logWaitMs ?? 8_000,
      pollMs: opts.pollMs ?? 400,
      maxLogBytes: opts.maxLogBytes ?? 1024 * 1024,
      sudo,
    };
    let n = 0;
    for (const base of urls) {
      canary.push(await runCanary({ base, ...(settings.login ? { login: settings.login } : {}) }, opts.runId, ++n, live));
      waf.push(await runWafProbe(base, opts.runId, ++n, live));
    }
    const record = (r: LiveProbeResult) => {
      const e = httpEvidence(target.id, r.marker, `${r.request.method} ${r.request.url}`, r.request.duration_ms, r.request.status, r.request.error, r.request.time);
      evidence.push(e);
      return e.id;
    };
    const c = canaryFinding(target.id, canary, hostOk, canary.map(record));
    const w = wafFinding(target.id, waf, hostOk, waf.map(record));
    for (const f of [c, w]) {
      if (!f) continue;
      if (f.observed) f.observed = redactDeep(f.observed);
      findings.push(f);
    }
  } else if (!opts.active) {
    notes.push({
      en: 'Live probes not sent (run with --active to send the canary POST and the WAF detection probe).',
      ja: 'ライブプローブは送信していません（カナリア POST と WAF 検知プローブを送るには --active を指定してください）。',
    });
  }

  const details: WebDetails = {
    target: target.id,
    urls: urls.map((u) => u.toString()),
    server: { declared, detected },
    ...(settings.config_path ? { config_path: settings.config_path } : {}),
    ...(settings.host ? { host: settings.host } : {}),
    tls,
    canary: canary.map(redactLanding),
    waf: waf.map(redactLanding),
    probes: [...canary, ...waf].map((r) => r.request).sort((a, b) => a.time.localeCompare(b.time)),
    log_sources: sources,
    notes,
  };
  const unreachable = tls.length > 0 && tls.every((t) => !t.ok) && [...canary, ...waf].every((r) => r.request.status === null);
  const result: TargetResult = {
    id: target.id,
    kind: target.kind,
    address: target.address,
    transport: target.transport,
    status: unreachable ? 'unreachable' : hostError || findings.some((f) => f.status === 'inconclusive' || f.status === 'error') ? 'partial' : 'ok',
    ...(hostError ? { error: hostError } : {}),
    duration_ms: Date.now() - started,
    checks_run: findings.length,
  };
  return { target: target.id, result, findings, evidence, details };
}

/** An evidence record for something sent over the network (its details are in analyses.web). */
function httpEvidence(target: string, probe: string, what: string, durationMs: number, code: number | null, error?: string, at?: string): Evidence {
  return {
    id: `${target}/${probe}`,
    target,
    probe,
    kind: 'http',
    what: redact(what).text,
    exit_code: code,
    started_at: at ?? new Date(Date.now() - durationMs).toISOString(),
    duration_ms: durationMs,
    bytes: 0,
    truncated: false,
    redactions: 0,
    ...(error ? { error: { kind: /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/.test(error) ? 'unreachable' : /within \d+ ms|ETIMEDOUT/.test(error) ? 'timeout' : 'other', message: error } } : {}),
  };
}

function redactLanding(r: LiveProbeResult): LiveProbeResult {
  return { ...r, logs: r.logs.map((l) => ({ ...l, hits: l.hits.map((h) => ({ ...h, excerpt: redact(h.excerpt).text })) })) };
}

function notInstalled(r: ProbeResult | undefined): boolean {
  if (!r) return true;
  if (r.error?.kind === 'unsupported' || r.error?.kind === 'not-found') return true;
  return r.exitCode === 127 || /command not found|: not found/.test(r.stdout + r.stderr);
}
