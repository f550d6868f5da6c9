import type { Evidence, Finding, TransportError } from '../model.js';
import type { CheckDef, ProbeDef } from '../checks/types.js';
import { classifyFinished, failedResult, readFileCommand, rootedPath, shellQuote } from '../transport/shell.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type HostInfo, type ProbeResult, type Transport } from '../transport/types.js';
import { GLOB_DENIED, globCommand } from './glob.js';

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
  plansCheck?(check: CheckDef, planned: (probeId: string) => boolean, probe: (probeId: string) => ProbeDef | undefined): boolean;
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

  what(probe: ProbeDef): string {
    if (probe.kind === 'command') return probe.command!;
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
          return failedResult({ kind: 'offline', message: `not run: the target is an image at ${this.options.rootdir}` });
        }
        return this.transport.run(probe.command!, { timeoutMs, maxBytes, sudo });
      case 'file': {
        const path = rootedPath(probe.path!, this.options.rootdir);
        if (!this.options.rootdir) return this.transport.readFile(path, { timeoutMs, maxBytes, tail: probe.tail, sudo });
        // In an image, a link may point at the auditor's own files: resolve it and read only inside the root.
        const root = shellQuote(this.options.rootdir.replace(/\/+$/, ''));
        const command =
          `r=$(readlink -f -- ${root}); p=$(readlink -f -- ${shellQuote(path)}) || p=${shellQuote(path)}; ` +
          `case "$p" in "$r"/*) ;; *) echo "${probe.path}: Permission denied (resolves outside the image root)" >&2; exit 1;; esac; ` +
          readFileCommand('$p', maxBytes, probe.tail).replace("'$p'", '"$p"');
        const result = await this.transport.run(command, { timeoutMs, maxBytes, sudo });
        return classifyFinished(result, { readPath: probe.path! });
      }
      case 'glob': {
        const result = await this.transport.run(globCommand(probe.path!, maxBytes, this.options.rootdir), { timeoutMs, maxBytes: maxBytes * 4, sudo });
        return globPermission(result);
      }
      case 'http':
        // Product API probes are answered by ApiProbeSource (src/collect/api-source.ts), never by a host transport.
        return failedResult({ kind: 'unsupported', message: `${probe.id} is a product API probe, not a host probe` });
      case 'live':
        // Live probes are sent to a web target from outside (src/web/live-probes.ts), never run on a host.
        return failedResult({ kind: 'unsupported', message: `${probe.id} is a live probe sent to a web target, not a host probe` });
    }
  }

  describe(): Promise<HostInfo> {
    return this.transport.describe();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** A glob that found nothing because a folder was unreadable is a permission problem, not an empty folder. */
export function globPermission(result: ProbeResult): ProbeResult {
  if (result.error || result.stdout.trim() !== '' || !result.stderr.includes(GLOB_DENIED)) return result;
  const dir = result.stderr.split('\n').find((l) => l.startsWith(GLOB_DENIED))!.slice(GLOB_DENIED.length).trim();
  return { ...result, error: { kind: 'permission-denied', message: `${dir}: permission denied (run with sudo or as root)` } };
}
