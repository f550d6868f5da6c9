import type { ProbeDef } from '../checks/types.js';
import type { EventLogCanarySettings, TransportError } from '../model.js';
import type { PowerShellTransport } from '../transport/powershell.js';
import { failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult } from '../transport/types.js';
import { documentAnswer, openTracePlaces, type ProbeSource, type TracePlan } from './source.js';
import { runWindowsCanary } from './windows-canary.js';

/** What the Windows host canary needs (--active only): the host's settings and the places its events must reach. */
export interface WindowsCanaryPlan extends TracePlan {
  active: boolean;
  runId: string;
  targetId: string;
  settings: EventLogCanarySettings;
}

export const WINDOWS_CANARY_PROBE = 'windows-event-canary';

/** Windows probes all run in one PowerShell start per host (per-call spawning is what makes Windows scans slow). */
export class PowerShellProbeSource implements ProbeSource {
  readonly label = 'powershell';

  constructor(
    private readonly transport: PowerShellTransport,
    private readonly options: { canary?: WindowsCanaryPlan } = {},
  ) {}

  open(): Promise<TransportError | undefined> {
    return this.transport.open();
  }

  /** Live probes: only the Windows host canary, only with --active and a collector declared. */
  plans(probe: ProbeDef): boolean {
    if (probe.platform === 'export') return false;
    if (probe.kind !== 'live') return true;
    return probe.live === WINDOWS_CANARY_PROBE && Boolean(this.options.canary?.active);
  }

  what(probe: ProbeDef): string {
    const c = this.options.canary;
    if (probe.kind === 'live' && c)
      return (
        `Application-log canary event${c.settings.long_canary ? ' and a long one (Write-EventLog only)' : ''} ` +
        `(source ${c.settings.source ?? 'socready'}), Get-WinEvent read-back, then ` +
        `${c.collectorId}:${c.collectorPaths.join(',')}${c.siem ? ` and SIEM ${c.siem.id}` : ''}`
      );
    return probe.command ?? probe.path ?? probe.id;
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    return (await this.collectAll([probe])).get(probe.id)!;
  }

  async collectAll(probes: ProbeDef[]): Promise<Map<string, ProbeResult>> {
    const runnable = probes.filter((p) => p.kind === 'command');
    const results: Record<string, ProbeResult> = runnable.length
      ? await this.transport.runBatch(
          runnable.map((p) => ({ id: p.id, script: p.command! })),
          { tailIds: runnable.filter((p) => p.tail).map((p) => p.id) },
        )
      : {};
    const canary = this.options.canary;
    for (const p of probes)
      if (p.kind === 'live' && p.live === WINDOWS_CANARY_PROBE && canary?.active)
        results[p.id] = await this.windowsCanary(canary);
    return new Map(
      probes.map((p) => [
        p.id,
        results[p.id] ??
          failedResult({ kind: 'unsupported', message: `${p.kind} probes are not collected over PowerShell` }),
      ]),
    );
  }

  private async windowsCanary(plan: WindowsCanaryPlan): Promise<ProbeResult> {
    const started = Date.now();
    const opened = await openTracePlaces(plan);
    try {
      const doc = await runWindowsCanary({
        host: this.transport,
        places: opened.places,
        openErrors: opened.openErrors,
        collectorId: plan.collectorId,
        collectorPaths: plan.collectorPaths,
        settings: plan.settings,
        runId: plan.runId,
        targetId: plan.targetId,
      });
      // The document is the evidence too: what was written, where it was found and after how long.
      return documentAnswer(doc, started);
    } finally {
      await opened.close();
    }
  }

  describe(): Promise<HostInfo> {
    return this.transport.describe();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
