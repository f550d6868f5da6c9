// A web target as a probe source, so it goes through the one per-target path (collect/assess-target.ts) like every
// other kind: its configuration probes run on the host its `web.host` names, its live probes (TLS handshake; with
// --active the canary and the WAF probe) are sent from outside, and the catalog's checks are evaluated by the one
// evaluator. What only a web target has (the URLs, the log landings, the notes) is kept for the analyses.web view.
import type { CheckDef, ProbeDef } from '../checks/types.js';
import { redact } from '../util/redact.js';
import type { ProbeSource } from '../collect/source.js';
import type { Bilingual, Evidence, Finding, Target, TransportError, WebSettings } from '../model.js';
import type { TlsResult } from '../parsers/web/live.js';
import { failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult, Transport } from '../transport/types.js';
import {
  type LiveProbeOptions,
  type LiveProbeResult,
  type LogSource,
  type ProbeRecord,
  probeMarker,
  runCanary,
  runWafProbe,
  WEB_LONG_CANARY_BYTES,
} from './canary.js';
import { liveAnswer } from './findings.js';
import { openTracePlaces, type TracePlan } from '../collect/source.js';
import { traceMarkers } from '../collect/trace.js';
import { DEFAULT_MAX_WAIT_S } from '../collect/host-canary.js';
import { RateLimiter } from './http.js';
import {
  certificatePaths,
  logSourcesFrom,
  ownerOf,
  readCertificates,
  SSH_RDP_NOTE,
  serverFacts,
  type WebDetails,
  webProbeCommand,
} from './web-facts.js';
import { inspectTls } from './tls.js';
import { logSampleCommand, splitLogSample } from '../cost/web-sample.js';
import {
  type ConfigLocation,
  listenPorts,
  type RunningKind,
  tieConfiguration,
  urlPort,
} from '../parsers/web/running.js';

export interface WebSourceOptions {
  /** Transport to the ssh/local target named by `web.host` (configuration and logs); absent: outside view only. */
  hostTransport?: Transport;
  /** The source closes the host transport when it opened it (a scan), not when the caller lent it (a test). */
  ownsHostTransport?: boolean;
  /** Send the active live probes (canary POST, WAF probe). Without it nothing but TLS handshakes reaches the server. */
  active: boolean;
  runId: string;
  /** Run sudo-flagged probes and log reads through `sudo -n` (the host target's ssh.sudo). */
  sudo?: boolean;
  timeoutMs?: number;
  logWaitMs?: number;
  pollMs?: number;
  maxLogBytes?: number;
  minIntervalMs?: number;
  tlsCa?: string;
  /** Where the host's logs must arrive (its syslog collector and SIEM): the canaries are followed there too. */
  trace?: TracePlan;
}

/** Not installed on the host: the server a configuration check is about is absent. */
function notInstalled(r: ProbeResult | undefined): boolean {
  if (!r) return true;
  if (r.error?.kind === 'unsupported' || r.error?.kind === 'not-found') return true;
  return r.exitCode === 127 || /command not found|: not found/.test(r.stdout + r.stderr);
}

/**
 * An evidence record for something sent over the network (its details are in analyses.web). What was sent and the
 * error text are redacted like every other evidence: an error may quote a URL with credentials or a server's answer.
 */
function httpEvidence(
  target: string,
  probe: string,
  what: string,
  durationMs: number,
  code: number | null,
  error?: string,
  at?: string,
): Evidence {
  const shown = redact(what);
  const message = error === undefined ? undefined : redact(error);
  return {
    id: `${target}/${probe}`,
    target,
    probe,
    kind: 'http',
    what: shown.text,
    exit_code: code,
    started_at: at ?? new Date(Date.now() - durationMs).toISOString(),
    duration_ms: durationMs,
    bytes: 0,
    truncated: false,
    redactions: shown.count + (message?.count ?? 0),
    ...(error && message
      ? {
          error: {
            kind: /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/.test(error)
              ? 'unreachable'
              : /within \d+ ms|ETIMEDOUT/.test(error)
                ? 'timeout'
                : 'other',
            message: message.text,
          },
        }
      : {}),
  };
}

/** What a live request recorded, redacted for analyses.web: its URL and error text like its log excerpts. */
function redactRequest(r: ProbeRecord): ProbeRecord {
  return { ...r, url: redact(r.url).text, ...(r.error !== undefined ? { error: redact(r.error).text } : {}) };
}

function redactLanding(r: LiveProbeResult): LiveProbeResult {
  return {
    ...r,
    request: redactRequest(r.request),
    logs: r.logs.map((l) => ({ ...l, hits: l.hits.map((h) => ({ ...h, excerpt: redact(h.excerpt).text })) })),
  };
}

const RUNNING_PROBE = 'web-running-servers';

/** The servers a check's asked probes are about, in words. */
function serversOf(check: CheckDef, asked: string[]): string {
  const names = new Set(
    asked.map((p) =>
      p.startsWith('nginx') ? 'nginx' : p.startsWith('apache') ? 'Apache httpd' : p.startsWith('squid') ? 'Squid' : p,
    ),
  );
  return [...names].join(' or ') || check.id;
}

export class WebProbeSource implements ProbeSource {
  readonly label = 'web';
  private readonly settings: WebSettings;
  private readonly declared: string;
  private readonly urls: URL[];
  private readonly notes: Bilingual[] = [];
  private readonly own = new Map<string, Evidence[]>();
  private hostError: TransportError | undefined;
  private hostOk = false;
  private tls: TlsResult[] = [];
  private canary: LiveProbeResult[] = [];
  /** The long body canaries (over 8 KB), one per URL after the short one. */
  private longCanary: LiveProbeResult[] = [];
  private traceErrors: string[] = [];
  private traceWaitMs: number | undefined;
  private waf: LiveProbeResult[] = [];
  private sources: LogSource[] = [];
  private detected: string[] = [];
  /** Where the configuration probes read from (config_path, or the server the URL's port is tied to). */
  private location: ConfigLocation | undefined;
  private configRead: { path: string; how: string } | undefined;
  /** Why the configuration cannot be tied to the server answering the URL: then no configuration verdict is given. */
  private untied: string | undefined;
  /** The kind of server that answers the URL, when the running processes said so. */
  private answering: RunningKind | undefined;
  /** Socket owners were not visible: the configuration's listen directives must name the URL's port. */
  private verifyListen = false;

  constructor(
    private readonly target: Target,
    private readonly opts: WebSourceOptions,
  ) {
    this.settings = target.web ?? { urls: [] };
    if (this.settings.config_path) {
      this.location = { config: this.settings.config_path };
      this.configRead = { path: this.settings.config_path, how: 'web.config_path in the inventory' };
    }
    this.declared = this.settings.server ?? 'auto';
    this.urls = this.settings.urls.flatMap((u) => {
      try {
        return [new URL(u)];
      } catch {
        this.notes.push({ en: `Not a URL, skipped: ${u}`, ja: `URL ではないためスキップ: ${u}` });
        return [];
      }
    });
    if (!opts.hostTransport) {
      this.notes.push({
        en: 'Configuration not assessed: the target names no host (`web.host`) holding its configuration and logs.',
        ja: '設定は評価していません。設定とログを持つホスト（`web.host`）が指定されていません。',
      });
    }
  }

  private get https(): URL[] {
    return this.urls.filter((u) => u.protocol === 'https:');
  }

  /** Live probes are sent unless the target is a forward proxy (its URLs are other people's sites). */
  private get liveAllowed(): boolean {
    return this.opts.active && this.urls.length > 0 && this.declared !== 'squid';
  }

  /**
   * Which catalog probes this target is asked: its configuration through its host (when it names one), a TLS
   * handshake per https URL, and the active probes only with --active. A check needing a probe not planned here is
   * not applicable to this target and not reported (a web target without a host has no configuration findings).
   */
  plans(probe: ProbeDef): boolean {
    if (probe.platform !== 'web') return false;
    if (probe.kind === 'live') {
      if (probe.live === 'tls-handshake') return this.https.length > 0;
      // Reads the logs on the host (sizes, a bounded tail): sends nothing to the server.
      if (probe.live === 'log-sample') return this.opts.hostTransport !== undefined;
      // Every live probe but the passive handshake sends traffic: only --active allows it, whatever the catalog says.
      return this.liveAllowed;
    }
    // Configuration probes of a server the target does not run are not asked (auto: every server is tried).
    if (this.declared !== 'auto' && probe.servers && !probe.servers.includes(this.declared)) return false;
    return this.opts.hostTransport !== undefined;
  }

  /** Live checks need all their probes; a configuration check needs one probe of the target's server. */
  plansCheck(
    check: CheckDef,
    planned: (probeId: string) => boolean,
    probe: (probeId: string) => ProbeDef | undefined,
  ): boolean {
    const live = check.probes.filter((p) => probe(p)?.kind === 'live');
    const config = check.probes.filter((p) => !live.includes(p));
    return live.every(planned) && (config.length === 0 || config.some(planned));
  }

  async open(): Promise<TransportError | undefined> {
    // The host is only one part of a web target: its failure leaves the configuration inconclusive, not the target.
    if (this.opts.hostTransport) {
      this.hostError = await this.opts.hostTransport
        .open()
        .catch((e: Error): TransportError => ({ kind: 'other', message: e.message }));
      this.hostOk = !this.hostError;
    }
    return undefined;
  }

  describe(): Promise<HostInfo> {
    return Promise.reject(new Error('a web target is described by its URLs'));
  }

  what(probe: ProbeDef): string {
    return probe.kind === 'command' ? webProbeCommand(probe, this.location) : (probe.description ?? probe.id);
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    return (await this.collectAll([probe])).get(probe.id)!;
  }

  /** Configuration first: the live probes need what it says (certificate paths, log files). */
  async collectAll(probes: ProbeDef[]): Promise<Map<string, ProbeResult>> {
    const out = new Map<string, ProbeResult>();
    const config = probes.filter((p) => p.kind === 'command' && p.id !== RUNNING_PROBE);
    const running = probes.find((p) => p.id === RUNNING_PROBE);
    if (running) {
      const r = await this.runConfigProbe(running);
      out.set(running.id, r);
      if (!this.settings.config_path) this.tie(r);
    }
    for (const probe of config) out.set(probe.id, this.skipConfig(probe) ?? (await this.runConfigProbe(probe)));
    if (this.verifyListen) this.checkListen(out);
    const facts = this.untied ? {} : serverFacts(Object.fromEntries(out));
    this.detected = Object.keys(facts);
    // Logs named by a configuration that is not the URL's server would say nothing about this target.
    this.sources =
      this.hostOk && !this.untied
        ? logSourcesFrom(this.settings, facts)
        : (this.settings.log_paths ?? []).map((path) => ({ path, origin: 'inventory' }));
    const live = new Map(probes.filter((p) => p.kind === 'live').map((p) => [p.live!, p]));
    const tlsProbe = live.get('tls-handshake');
    if (tlsProbe) out.set(tlsProbe.id, await this.handshakes(tlsProbe, facts));
    const sampleProbe = live.get('log-sample');
    if (sampleProbe) out.set(sampleProbe.id, await this.logSamples(sampleProbe));
    const canaryProbe = live.get('body-canary');
    const wafProbe = live.get('waf-probe');
    if (canaryProbe || wafProbe) {
      await this.sendLive(Boolean(canaryProbe), Boolean(wafProbe));
      if (canaryProbe) out.set(canaryProbe.id, this.canaryAnswer(canaryProbe));
      if (wafProbe) out.set(wafProbe.id, this.landings(wafProbe, this.waf));
    }
    if (this.detected.length > 0 || this.https.length > 0) this.notes.push(SSH_RDP_NOTE);
    if (this.opts.active && this.urls.length > 0 && this.declared === 'squid') {
      this.notes.push({
        en:
          'Live probes are not sent through a forward proxy (Squid): its logs record URLs, not bodies; assess ' +
          'the origin servers instead.',
        ja: 'フォワードプロキシ（Squid）経由ではライブプローブを送信しません。Squid のログに残るのは URL でボディではないため、オリジンサーバー側を評価してください。',
      });
    } else if (!this.opts.active) {
      this.notes.push({
        en: 'Live probes not sent (run with --active to send the canary POST and the WAF detection probe).',
        ja: 'ライブプローブは送信していません（カナリア POST と WAF 検知プローブを送るには --active を指定してください）。',
      });
    }
    for (const p of probes)
      if (!out.has(p.id))
        out.set(p.id, failedResult({ kind: 'unsupported', message: `${p.id} is not asked of a web target` }));
    return out;
  }

  /**
   * Ties every URL's port to the server process answering it (src/parsers/web/running.ts). All URLs must lead to the
   * same server; otherwise, or when nothing can be tied, the configuration is not judged (`untied`).
   */
  private tie(r: ProbeResult): void {
    if (this.urls.length === 0) return;
    if (r.error || !r.stdout.trim()) {
      // The processes could not be listed: the default configuration is read, and only counts if it listens on the
      // port.
      this.verifyListen = true;
      this.configRead = {
        path: 'the default configuration of each server',
        how: `the running processes could not be listed (${r.error?.message ?? 'no output'})`,
      };
      return;
    }
    const ties = this.urls.map((u) => ({
      port: urlPort(u),
      tie: tieConfiguration(r.stdout, urlPort(u), this.declared),
    }));
    const failed = ties.find((t) => t.tie.untied);
    if (failed) {
      this.untied = failed.tie.untied;
      return;
    }
    const pids = new Set(ties.map((t) => t.tie.server!.pid));
    if (pids.size > 1) {
      this.untied =
        'the URLs are answered by different server processes ' +
        `(${ties.map((t) => `port ${t.port}: ${t.tie.server!.kind} pid ${t.tie.server!.pid}`).join(', ')}): ` +
        'declare one web target per server';
      return;
    }
    const server = ties[0]!.tie.server!;
    this.location = server.location;
    this.answering = server.kind;
    this.verifyListen = !ties[0]!.tie.owners_visible;
    const ports = ties.map((t) => t.port).join(', ');
    this.configRead = {
      path: server.location.config,
      how: ties[0]!.tie.owners_visible
        ? `${server.how}; it answers port ${ports} (ss -ltnp)`
        : `${server.how}; the only running ${server.kind}, its listen directives must name port ${ports} ` +
          '(socket owners not visible)',
    };
  }

  /**
   * Configuration probes not run: the configuration cannot be tied, or the URL is answered by another kind of server.
   */
  private skipConfig(probe: ProbeDef): ProbeResult | undefined {
    if (this.untied) return failedResult({ kind: 'other', message: this.untied });
    const kind = probe.id.startsWith('nginx') ? 'nginx' : probe.id.startsWith('apache') ? 'apache' : undefined;
    if (this.answering && kind && kind !== this.answering) {
      return failedResult({
        kind: 'unsupported',
        message: `${probe.id} is not asked of this target: its URL is answered by ${this.answering}`,
      });
    }
    return undefined;
  }

  /** The configuration read must listen on the URL's port, or it is not the one answering it. */
  private checkListen(out: Map<string, ProbeResult>): void {
    const wanted = this.urls.map(urlPort);
    const listening = (['nginx', 'apache'] as const).filter((kind) => {
      if (this.answering && kind !== this.answering) return false;
      const ports =
        kind === 'nginx'
          ? listenPorts(out.get('nginx-config')?.stdout ?? '', '')
          : listenPorts('', out.get('apache-config-dump')?.stdout ?? '');
      return wanted.every((p) => ports.includes(p));
    });
    const port = [...new Set(wanted)].join(', ');
    if (listening.length === 0) {
      const ports = listenPorts(out.get('nginx-config')?.stdout ?? '', out.get('apache-config-dump')?.stdout ?? '');
      this.untied =
        `the configuration read (${this.configRead?.path}) has no listen directive for port ${port} (it ` +
        `listens on ${ports.join(', ') || 'no port'}): it is not the server answering the URL; set ` +
        'web.config_path';
    } else if (listening.length > 1) {
      this.untied =
        `both the nginx and the Apache configurations read listen on port ${port}, and the running processes ` +
        'could not say which answers: set web.config_path';
    } else {
      // Only the server whose configuration listens on the port is judged; the other's checks are not reported.
      this.answering = listening[0];
      if (this.configRead)
        this.configRead = {
          ...this.configRead,
          how: `${this.configRead.how}; the ${listening[0]} configuration's listen directives name port ${port}`,
        };
    }
  }

  private async runConfigProbe(probe: ProbeDef): Promise<ProbeResult> {
    if (!this.opts.hostTransport || this.hostError)
      return failedResult(this.hostError ?? { kind: 'unsupported', message: 'no web.host' });
    return this.opts.hostTransport.run(webProbeCommand(probe, this.location), {
      timeoutMs: (probe.timeout ?? 30) * 1000,
      ...(probe.max_bytes ? { maxBytes: probe.max_bytes } : {}),
      sudo: Boolean(this.opts.sudo) && probe.sudo === true,
    });
  }

  /** TLS from outside, compared with the certificates the configuration names. */
  private async handshakes(probe: ProbeDef, facts: ReturnType<typeof serverFacts>): Promise<ProbeResult> {
    const started = Date.now();
    const host = this.hostOk ? this.opts.hostTransport : undefined;
    const certs = certificatePaths(facts);
    const sudo = this.opts.sudo ?? false;
    const serverCerts = host ? await readCertificates(host, certs.server, sudo) : [];
    const caCerts = host ? await readCertificates(host, certs.interceptionCa, sudo) : [];
    const compared = serverCerts.length > 0 || caCerts.length > 0;
    // A Squid target is a forward proxy: its URLs are sites reached through it, as a client configured with it would.
    const t = this.target;
    const proxy =
      this.declared === 'squid' && t.port
        ? new URL(`http://${t.address.includes(':') ? `[${t.address}]` : t.address}:${t.port}`)
        : undefined;
    for (const u of this.https) {
      const r = await inspectTls(u, {
        timeoutMs: this.opts.timeoutMs ?? 10_000,
        ...(this.opts.tlsCa ? { ca: this.opts.tlsCa } : {}),
        ...(proxy ? { proxy } : {}),
      });
      this.tls.push({ ...r, owner: ownerOf(r, serverCerts, caCerts, compared) });
    }
    this.own.set(
      probe.id,
      this.tls.map((r, i) =>
        httpEvidence(
          t.id,
          `tls-handshake-${i + 1}`,
          `TLS handshake with ${r.host}:${r.port}`,
          r.duration_ms,
          r.ok ? 0 : null,
          r.error,
        ),
      ),
    );
    return liveAnswer({ urls: this.tls }, Date.now() - started);
  }

  /**
   * Volume of each log the configuration names and a bounded tail of it (src/cost/web-volume.ts reads them). The
   * sampled lines may hold bodies and credentials: only the rates the parser derives are kept, so the evidence
   * records say what was read and store no output.
   */
  private async logSamples(probe: ProbeDef): Promise<ProbeResult> {
    const started = Date.now();
    const host = this.hostOk ? this.opts.hostTransport : undefined;
    const logs = [];
    const records: Evidence[] = [];
    for (const [i, s] of (host ? this.sources : []).entries()) {
      const at = new Date().toISOString();
      const r = await host!.run(logSampleCommand(s.path), {
        timeoutMs: 30_000,
        maxBytes: 2 * 1024 * 1024,
        sudo: this.opts.sudo ?? false,
      });
      logs.push({
        path: s.path,
        origin: s.origin,
        ...splitLogSample(r.stdout),
        ...(r.error ? { error: `${r.error.kind}: ${r.error.message}` } : {}),
      });
      records.push({
        id: `${this.target.id}/${probe.id}-${i + 1}`,
        target: this.target.id,
        probe: probe.id,
        kind: 'command',
        what: redact(`sizes and first/last lines of ${s.path} and its rotated files; its last 2000 lines`).text,
        ...(this.opts.sudo ? { sudo: true } : {}),
        exit_code: r.exitCode,
        started_at: at,
        duration_ms: r.durationMs,
        bytes: 0,
        truncated: r.truncated,
        redactions: 0,
        ...(r.error ? { error: r.error } : {}),
      });
    }
    this.own.set(probe.id, records);
    return liveAnswer({ has_host: Boolean(host), logs }, Date.now() - started);
  }

  /** The canary POST and the WAF probe, URL after URL, one request at a time. */
  private async sendLive(canary: boolean, waf: boolean): Promise<void> {
    if (!this.liveAllowed) return;
    const live: LiveProbeOptions = {
      transport: this.hostOk ? this.opts.hostTransport : undefined,
      sources: this.sources,
      limiter: new RateLimiter(this.opts.minIntervalMs ?? 500),
      timeoutMs: this.opts.timeoutMs ?? 10_000,
      logWaitMs: this.opts.logWaitMs ?? 8_000,
      pollMs: this.opts.pollMs ?? 400,
      maxLogBytes: this.opts.maxLogBytes ?? 1024 * 1024,
      sudo: this.opts.sudo ?? false,
    };
    let n = 0;
    for (const [i, base] of this.urls.entries()) {
      const login = this.settings.login ? { login: this.settings.login } : {};
      if (canary) {
        const t = { base, ...login };
        const short = await runCanary(t, probeMarker('canary', this.opts.runId, this.target.id, ++n), live);
        this.canary.push(short);
        // Numbered from 1001 so the short canaries keep their numbers (1001 is not read as 1: a digit follows).
        // A server that did not answer the short canary is not sent the long one.
        const marker = probeMarker('canary', this.opts.runId, this.target.id, 1001 + i);
        if (short.request.status !== null)
          this.longCanary.push(await runCanary(t, marker, live, WEB_LONG_CANARY_BYTES));
      }
      if (waf) this.waf.push(await runWafProbe(base, probeMarker('waf', this.opts.runId, this.target.id, ++n), live));
    }
    if (canary && this.opts.trace) await this.traceCanaries(this.opts.trace);
  }

  /** Follows every canary that was sent to the collector and the SIEM the web host's logs must reach. */
  private async traceCanaries(plan: TracePlan): Promise<void> {
    const sent = [...this.canary, ...this.longCanary].filter((r) => r.request.status !== null);
    if (sent.length === 0) return;
    const opened = await openTracePlaces(plan);
    try {
      this.traceWaitMs = (plan.maxWaitS ?? DEFAULT_MAX_WAIT_S) * 1000;
      const result = await traceMarkers(
        sent.map((r) => ({ marker: r.marker, sentAt: Date.parse(r.request.time), expectsEnd: r.long !== undefined })),
        opened.places,
        { maxWaitMs: this.traceWaitMs, pollMs: this.opts.pollMs ?? 250 },
      );
      this.traceErrors = [...opened.openErrors, ...result.read_errors];
      for (const r of sent) r.trace = result.markers.find((m) => m.marker === r.marker);
    } finally {
      await opened.close();
    }
  }

  private landings(probe: ProbeDef, results: LiveProbeResult[]): ProbeResult {
    const t = this.target.id;
    this.own.set(
      probe.id,
      results.map((r) =>
        httpEvidence(
          t,
          r.marker,
          `${r.request.method} ${r.request.url}`,
          r.request.duration_ms,
          r.request.status,
          r.request.error,
          r.request.time,
        ),
      ),
    );
    return liveAnswer(
      { has_host: this.hostOk, probes: results },
      results.reduce((s, r) => s + r.request.duration_ms, 0),
    );
  }

  /** The body canary's answer: the short canaries, the long ones, and where they were followed. */
  private canaryAnswer(probe: ProbeDef): ProbeResult {
    const answer = this.landings(probe, [...this.canary, ...this.longCanary]);
    const plan = this.opts.trace;
    answer.data = {
      has_host: this.hostOk,
      probes: this.canary,
      long: this.longCanary,
      ...(plan
        ? {
            trace: {
              collector: plan.collectorId,
              ...(plan.siem ? { siem: plan.siem.id } : {}),
              max_wait_ms: this.traceWaitMs ?? (plan.maxWaitS ?? DEFAULT_MAX_WAIT_S) * 1000,
              errors: this.traceErrors,
            },
          }
        : {}),
    };
    return answer;
  }

  ownEvidence(probeId: string): Evidence[] | undefined {
    return this.own.get(probeId);
  }

  /**
   * In auto mode a server that is simply not installed is not-applicable, with that reason. A server the target
   * declares but its host does not have is not a reason to skip its checks: they are inconclusive, saying so.
   */
  settle(finding: Finding, check: CheckDef, outputs: Record<string, ProbeResult>): boolean {
    const configCheck = check.probes.some((p) => outputs[p] && !outputs[p].data && p !== RUNNING_PROBE);
    if (!configCheck) return true;
    if (this.untied) {
      // Never a verdict on a file that is not the URL's server's.
      for (const k of ['observed', 'excerpt', 'explanation', 'decisive'] as const) delete finding[k];
      finding.status = 'inconclusive';
      finding.reason = `configuration not judged: ${this.untied}`;
      return true;
    }
    const kinds = new Set(
      check.probes.map((p) => (p.startsWith('nginx') ? 'nginx' : p.startsWith('apache') ? 'apache' : 'other')),
    );
    // The URL is answered by another kind of server than this check is about: the check is not reported at all.
    if (this.answering && !kinds.has(this.answering)) return false;
    if (this.configRead && this.hostOk) finding.config_read = this.configRead;
    const asked = check.probes.filter(
      (p) => outputs[p] && !/is not asked of this target$/.test(outputs[p].error?.message ?? ''),
    );
    const absent = this.hostOk && asked.length > 0 && asked.every((p) => notInstalled(outputs[p]));
    if (!absent || (finding.status !== 'inconclusive' && finding.status !== 'not-applicable')) return true;
    const host = this.settings.host ?? 'its host';
    if (this.declared === 'auto') {
      finding.status = 'not-applicable';
      finding.reason = `no ${serversOf(check, asked)} is installed on ${host}`;
    } else {
      finding.status = 'inconclusive';
      finding.reason =
        `the target declares server ${this.declared}, but ${host} has no ${serversOf(check, asked)} installed: ` +
        'set web.host to the host that runs it';
    }
    return true;
  }

  outcome(): { error?: TransportError; unreachable?: boolean } {
    const sent = [...this.canary, ...this.longCanary, ...this.waf];
    const unreachable =
      this.tls.length > 0 && this.tls.every((t) => !t.ok) && sent.every((r) => r.request.status === null);
    return { ...(this.hostError ? { error: this.hostError } : {}), unreachable };
  }

  /** What the analyses.web view shows of this target. */
  details(): WebDetails {
    return {
      target: this.target.id,
      // An inventory URL may carry credentials (https://user:pass@host/): the view shows it redacted.
      urls: this.urls.map((u) => redact(u.toString()).text),
      server: { declared: this.declared, detected: this.detected },
      ...(this.settings.config_path ? { config_path: this.settings.config_path } : {}),
      ...(this.configRead && this.hostOk && !this.untied ? { config_read: this.configRead } : {}),
      ...(this.untied ? { config_untied: this.untied } : {}),
      ...(this.settings.host ? { host: this.settings.host } : {}),
      tls: this.tls.map((t) => (t.error === undefined ? t : { ...t, error: redact(t.error).text })),
      canary: this.canary.map(redactLanding),
      ...(this.longCanary.length > 0 ? { canary_long: this.longCanary.map(redactLanding) } : {}),
      waf: this.waf.map(redactLanding),
      probes: [...this.canary, ...this.longCanary, ...this.waf]
        .map((r) => redactRequest(r.request))
        .sort((a, b) => a.time.localeCompare(b.time)),
      log_sources: this.sources,
      notes: this.notes,
    };
  }

  async close(): Promise<void> {
    if (this.opts.ownsHostTransport) await this.opts.hostTransport?.close();
  }
}
