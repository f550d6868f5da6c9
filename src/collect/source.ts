import type { CheckDef, ProbeDef } from '../checks/types.js';
import type { Evidence, Finding, SyslogCanarySettings, TransportError } from '../model.js';
import { classifyFinished, failedResult, readFileCommand, rootedPath, shellQuote } from '../transport/shell.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  type HostInfo,
  type ProbeResult,
  type Transport,
} from '../transport/types.js';
import { GLOB_DENIED, globCommand } from './glob.js';
import { LONG_CANARY_BYTES, runHostCanary } from './host-canary.js';
import { readSiemSearch, type SiemSearchAnswer, siemSearchProbe } from './siem-search.js';
import type { TracePlaces } from './trace.js';

/**
 * Where a target's probe answers come from: a live transport, or a file of evidence collected offline. The collector
 * asks a source for probes by definition, so the same catalog drives live scans and offline replays alike.
 */
export interface ProbeSource {
  readonly label: string;
  open(): Promise<TransportError | undefined>;
  collect(probe: ProbeDef): Promise<ProbeResult>;
  /** Collects many probes; sources that batch (one PowerShell start per host) override this. */
  collectAll?(probes: ProbeDef[]): Promise<Map<string, ProbeResult>>;
  describe(): Promise<HostInfo>;
  close(): Promise<void>;
  /** What was run or read for a probe, for the evidence record. */
  what(probe: ProbeDef): string;
  /**
   * Whether the source asks its target this probe at all (default: every probe but live ones, which only a web
   * target's source sends). A check needing a probe the source
   * does not plan is not applicable to the target and not reported: a web target without a host has no configuration
   * findings, and without --active no canary finding.
   */
  plans?(probe: ProbeDef): boolean;
  /**
   * Whether a check is asked of this target, given which of its probes are planned (default: all of them). A web
   * target declared as nginx keeps the ModSecurity checks, which read nginx or Apache probes, but not the Apache ones.
   */
  plansCheck?(
    check: CheckDef,
    planned: (probeId: string) => boolean,
    probe: (probeId: string) => ProbeDef | undefined,
  ): boolean;
  /** Evidence the source recorded itself for a probe (a live probe sent to several URLs), instead of one record. */
  ownEvidence?(probeId: string): Evidence[] | undefined;
  /**
   * Lets the source settle what only it knows after evaluation (a web server that is not installed: not-applicable);
   * false: the finding is not reported (a check about a server the target turned out not to run).
   */
  settle?(finding: Finding, check: CheckDef, outputs: Record<string, ProbeResult>): boolean;
  /** After collection: a problem that did not stop the target (its host unreachable), and whether nothing answered. */
  outcome?(): { error?: TransportError; unreachable?: boolean };
}

export interface TransportSourceOptions {
  rootdir?: string;
  /** The inventory allows `sudo -n` for probes that need root. */
  sudo: boolean;
  /** The host canary (a live probe, --active only): where the host's syslog must arrive. */
  canary?: HostCanaryPlan;
}

/**
 * The places a source's logs must reach, as its host's `syslog` declaration names them: the collector (another
 * target, its own transport) and the SIEM (its API source). Any canary (host, web, database) is traced through them.
 */
export interface TracePlan {
  /** The longest wait for a canary in all places together, seconds (default 30). */
  maxWaitS?: number;
  collectorId: string;
  collectorPaths: string[];
  /** Opened and closed by the probe; absent when the collector has no transport socready can use. */
  collector?: Transport;
  collectorSudo?: boolean;
  /** How the collector is read when not by tails of its paths (a Windows Event Collector's event logs). */
  collectorCommand?: string;
  /** The SIEM searched for the canaries after the collector, through its API source (opened and closed here). */
  siem?: { id: string; product: string; index?: string; timeoutS?: number; source: ProbeSource };
}

/** What the host-canary live probe needs: the host's settings and the places its syslog must reach. */
export interface HostCanaryPlan extends TracePlan {
  active: boolean;
  runId: string;
  targetId: string;
  settings: SyslogCanarySettings;
}

/**
 * Opens the places of a trace plan for `traceMarkers` (collect/trace.ts); `close` ends what was opened. An opening
 * error is kept (not thrown): the trace then reports the place unreachable instead of waiting for it.
 */
export async function openTracePlaces(
  plan: TracePlan,
): Promise<{ places: TracePlaces; openErrors: string[]; close(): Promise<void> }> {
  const openErrors: string[] = [];
  const err = plan.collector
    ? await plan.collector.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }))
    : undefined;
  if (err) openErrors.push(`collector ${plan.collectorId}: ${err.kind}: ${err.message}`);
  const siem = plan.siem ? await openSiemSearch(plan.siem) : undefined;
  return {
    places: {
      collector: {
        id: plan.collectorId,
        transport: err ? undefined : plan.collector,
        paths: plan.collectorPaths,
        sudo: plan.collectorSudo ?? false,
        ...(plan.collectorCommand ? { command: plan.collectorCommand } : {}),
      },
      ...(siem ? { siem } : {}),
    },
    openErrors,
    close: async () => {
      await plan.collector?.close().catch(() => undefined);
      await plan.siem?.source.close().catch(() => undefined);
    },
  };
}

/** Runs catalog probes over any Transport (local, ssh), honouring rootdir images and sudo. */
export class TransportProbeSource implements ProbeSource {
  readonly label: string;

  constructor(
    private readonly transport: Transport,
    private readonly options: TransportSourceOptions,
  ) {
    this.label = transport.name;
  }

  open(): Promise<TransportError | undefined> {
    return this.transport.open();
  }

  /** Live probes: only the host canary, only with --active and a collector declared. */
  plans(probe: ProbeDef): boolean {
    if (probe.platform === 'export') return false;
    if (probe.kind !== 'live') return true;
    return probe.live === 'host-canary' && Boolean(this.options.canary?.active) && !this.options.rootdir;
  }

  what(probe: ProbeDef): string {
    if (probe.kind === 'command') return probe.command!;
    if (probe.kind === 'live') {
      const c = this.options.canary;
      return c
        ? `logger canaries (short, ${LONG_CANARY_BYTES} bytes) then tails of ` +
            `${c.collectorId}:${c.collectorPaths.join(',')}`
        : probe.id;
    }
    return rootedPath(probe.path!, this.options.rootdir);
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    const timeoutMs = (probe.timeout ?? DEFAULT_TIMEOUT_MS / 1000) * 1000;
    const maxBytes = probe.max_bytes ?? DEFAULT_MAX_BYTES;
    const sudo = Boolean(probe.sudo && this.options.sudo);
    switch (probe.kind) {
      case 'command':
        // A mounted image has no running kernel or daemons to ask: its command probes are not collected.
        if (this.options.rootdir) {
          return failedResult({
            kind: 'offline',
            message: `not run: the target is an image at ${this.options.rootdir}`,
          });
        }
        return this.transport.run(probe.command!, { timeoutMs, maxBytes, sudo });
      case 'file': {
        const path = rootedPath(probe.path!, this.options.rootdir);
        if (!this.options.rootdir)
          return this.transport.readFile(path, { timeoutMs, maxBytes, tail: probe.tail, sudo });
        // In an image, a link may point at the auditor's own files: resolve it and read only inside the root.
        const root = shellQuote(this.options.rootdir.replace(/\/+$/, ''));
        const command =
          `r=$(readlink -f -- ${root}); p=$(readlink -f -- ${shellQuote(path)}) || p=${shellQuote(path)}; ` +
          (`case "$p" in "$r"/*) ;; *) echo "${probe.path}: Permission denied (resolves outside the image ` +
            'root)" >&2; exit 1;; esac; ') +
          readFileCommand('$p', maxBytes, probe.tail).replace("'$p'", '"$p"');
        const result = await this.transport.run(command, { timeoutMs, maxBytes, sudo });
        return classifyFinished(result, { readPath: probe.path! });
      }
      case 'glob': {
        const result = await this.transport.run(globCommand(probe.path!, maxBytes, this.options.rootdir), {
          timeoutMs,
          maxBytes: maxBytes * 4,
          sudo,
        });
        return globPermission(result);
      }
      case 'http':
        // Product API probes are answered by ApiProbeSource (src/collect/api-source.ts), never by a host transport.
        return failedResult({ kind: 'unsupported', message: `${probe.id} is a product API probe, not a host probe` });
      case 'live':
        if (probe.live === 'host-canary' && this.options.canary?.active) return this.hostCanary(this.options.canary);
        // Other live probes are sent to a web target from outside (src/web/source.ts), never run on a host.
        return failedResult({
          kind: 'unsupported',
          message: `${probe.id} is a live probe sent to a web target, not a host probe`,
        });
      case 'query':
        // Database queries are run by a database target's source (src/database/source.ts) with the product's client.
        return failedResult({ kind: 'unsupported', message: `${probe.id} is a database query, not a host probe` });
    }
  }

  private async hostCanary(plan: HostCanaryPlan): Promise<ProbeResult> {
    const started = Date.now();
    const openError = plan.collector
      ? await plan.collector.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }))
      : undefined;
    const siem = plan.siem ? await openSiemSearch(plan.siem) : undefined;
    try {
      const doc = await runHostCanary({
        host: this.transport,
        collector: openError ? undefined : plan.collector,
        collectorId: plan.collectorId,
        collectorPaths: plan.collectorPaths,
        settings: plan.settings,
        runId: plan.runId,
        targetId: plan.targetId,
        sudo: this.options.sudo,
        ...(plan.collectorSudo !== undefined ? { collectorSudo: plan.collectorSudo } : {}),
        ...(siem ? { siem } : {}),
      });
      if (openError) doc.read_errors.unshift(`collector ${plan.collectorId}: ${openError.kind}: ${openError.message}`);
      // The document is the evidence too: what was planted, where each canary was found and after how long.
      return documentAnswer(doc, started);
    } finally {
      await plan.collector?.close().catch(() => undefined);
      await plan.siem?.source.close().catch(() => undefined);
    }
  }

  describe(): Promise<HostInfo> {
    return this.transport.describe();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** A live probe's answer: its document is the data and, as JSON, the evidence (so a stored run re-evaluates). */
export function documentAnswer(doc: object, started: number): ProbeResult {
  return {
    stdout: `${JSON.stringify(doc, null, 2)}\n`,
    stderr: '',
    exitCode: 0,
    truncated: false,
    durationMs: Date.now() - started,
    data: doc,
  };
}

/** The SIEM search the host canary calls: one read-only GET per marker through the SIEM's API source. */
export async function openSiemSearch(
  p: NonNullable<HostCanaryPlan['siem']>,
): Promise<{ id: string; search(marker: string): Promise<SiemSearchAnswer> }> {
  const openError = await p.source.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }));
  return {
    id: p.id,
    search: async (marker) => {
      if (openError)
        return { answered: false, found: false, fields: [], error: `${openError.kind}: ${openError.message}` };
      const r = await p.source.collect(siemSearchProbe(p.product, marker, p.index, p.timeoutS));
      return readSiemSearch(p.product, r, marker);
    },
  };
}

/** A glob that found nothing because a folder was unreadable is a permission problem, not an empty folder. */
export function globPermission(result: ProbeResult): ProbeResult {
  if (result.error || result.stdout.trim() !== '' || !result.stderr.includes(GLOB_DENIED)) return result;
  const dir = result.stderr
    .split('\n')
    .find((l) => l.startsWith(GLOB_DENIED))!
    .slice(GLOB_DENIED.length)
    .trim();
  return {
    ...result,
    error: { kind: 'permission-denied', message: `${dir}: permission denied (run with sudo or as root)` },
  };
}
