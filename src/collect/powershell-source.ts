import type { TransportError } from '../model.js';
import type { ProbeDef } from '../checks/types.js';
import type { PowerShellTransport } from '../transport/powershell.js';
import { failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult } from '../transport/types.js';
import type { ProbeSource } from './source.js';

/** Windows probes all run in one PowerShell start per host (per-call spawning is what makes Windows scans slow). */
export class PowerShellProbeSource implements ProbeSource {
  readonly label = 'powershell';

  constructor(private readonly transport: PowerShellTransport) {}

  open(): Promise<TransportError | undefined> {
    return this.transport.open();
  }

  what(probe: ProbeDef): string {
    return probe.command ?? probe.path ?? probe.id;
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    return (await this.collectAll([probe])).get(probe.id)!;
  }

  async collectAll(probes: ProbeDef[]): Promise<Map<string, ProbeResult>> {
    const runnable = probes.filter((p) => p.kind === 'command');
    const results = runnable.length
      ? await this.transport.runBatch(
          runnable.map((p) => ({ id: p.id, script: p.command! })),
          { tailIds: runnable.filter((p) => p.tail).map((p) => p.id) },
        )
      : {};
    return new Map(
      probes.map((p) => [
        p.id,
        results[p.id] ??
          failedResult({ kind: 'unsupported', message: `${p.kind} probes are not collected over PowerShell` }),
      ]),
    );
  }

  describe(): Promise<HostInfo> {
    return this.transport.describe();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
