// A target read from files its product's own CLI or API exported (a cloud WAF's logging configuration, a firewall
// appliance's configuration): `transport: evidence` with `export: { product, files }`. Each export probe of that
// product answers with every listed file as `==> path <==` sections; the product's parser tells the files apart by
// their content. Files are read with the input size cap and symbolic links refused, like every evidence input.
import { statSync } from 'node:fs';
import type { CheckDef, ProbeDef } from '../checks/types.js';
import type { Target, TransportError } from '../model.js';
import { failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult } from '../transport/types.js';
import { INPUT_LIMITS, readInputText } from '../util/input-file.js';
import type { ProbeSource } from './source.js';

export function isExportTarget(t: Target): boolean {
  return t.export !== undefined;
}

export class ExportProbeSource implements ProbeSource {
  readonly label = 'export';

  constructor(
    private readonly target: Target,
    private readonly options: { followSymlinks?: boolean } = {},
  ) {}

  /** Only the export probes of this target's product. */
  plans(probe: ProbeDef): boolean {
    return probe.platform === 'export' && (probe.products ?? []).includes(this.target.export!.product);
  }

  /** A check reading several products' exports applies when this product's export is among them. */
  plansCheck(check: CheckDef, planned: (probeId: string) => boolean): boolean {
    return check.probes.some(planned);
  }

  async open(): Promise<TransportError | undefined> {
    const missing = this.target.export!.files.filter((f) => {
      try {
        return !statSync(f).isFile();
      } catch {
        return true;
      }
    });
    return missing.length === this.target.export!.files.length
      ? { kind: 'not-found', message: `no exported file could be read: ${missing.join(', ')}` }
      : undefined;
  }

  what(): string {
    return `exported ${this.target.export!.product} configuration: ${this.target.export!.files.join(', ')}`;
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    const started = Date.now();
    let stdout = '';
    const problems: string[] = [];
    for (const file of this.target.export!.files) {
      try {
        const text = readInputText(file, {
          maxBytes: probe.max_bytes ?? INPUT_LIMITS.yamlBytes,
          followSymlinks: Boolean(this.options.followSymlinks),
          symlinkFlag: '--follow-symlinks',
        });
        stdout += `==> ${file} <==\n${text}\n`;
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (!stdout) return failedResult({ kind: 'not-found', message: problems.join('; ') }, Date.now() - started);
    return { stdout, stderr: problems.join('\n'), exitCode: 0, truncated: false, durationMs: Date.now() - started };
  }

  async describe(): Promise<HostInfo> {
    return { platform: 'unknown', os: `exported ${this.target.export!.product} configuration` };
  }

  async close(): Promise<void> {}
}
