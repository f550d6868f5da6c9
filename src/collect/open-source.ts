import { DatabaseProbeSource, isDatabaseTarget } from '../database/source.js';
import type { Target } from '../model.js';
import { createLocalTransport } from '../transport/local.js';
import { type HostKeyOptions, openSshTransport } from '../transport/open.js';
import { createPowerShellTransport } from '../transport/powershell.js';
import { eventLogTailScript } from '../transport/pwsh-canary.js';
import { isWebTarget, webHostTransport } from '../web/host.js';
import { WebProbeSource, type WebSourceOptions } from '../web/source.js';
import { API_KINDS, ApiProbeSource } from './api-source.js';
import { ExportProbeSource, isExportTarget } from './export-source.js';
import { DEFAULT_MAX_WAIT_S } from './host-canary.js';
import { EvidenceProbeSource } from './offline.js';
import { PowerShellProbeSource } from './powershell-source.js';
import type { ProbeSource } from './source.js';
import { type HostCanaryPlan, type TracePlan, TransportProbeSource } from './source.js';

/** Timing and trust of a web target's live probes (waits, request interval, a CA to verify TLS); defaults apply. */
export type WebLiveTuning = Pick<
  WebSourceOptions,
  'timeoutMs' | 'logWaitMs' | 'pollMs' | 'maxLogBytes' | 'minIntervalMs' | 'tlsCa'
>;

/** Host-key policy for every SSH-opening source (see transport/open.ts), and what web targets need. */
export interface SourceOptions extends HostKeyOptions {
  /** The scan's clock (product API windows such as the Security Analytics findings' 30 days end by it). */
  now?: () => Date;
  /** Where product API targets read token_env (default process.env), as the scan's own searches do. */
  env?: NodeJS.ProcessEnv;
  web?: {
    /** The inventory's targets, where a web target's `web.host` is looked up. */
    targets: Target[];
    /** Send the active live probes (canary, WAF probe). */
    active: boolean;
    runId: string;
    live?: WebLiveTuning;
  };
}

/**
 * Where a host's logs must arrive, from its `syslog` declaration: the collector (another target, its own transport)
 * and the SIEM (its API source). Web and database targets are traced through the places of the host they run on.
 */
export function tracePlanOf(host: Target | undefined, options: SourceOptions): TracePlan | undefined {
  const syslog = host?.syslog ?? host?.eventlog;
  if (!syslog) return undefined;
  const collector = options.web?.targets.find((t) => t.id === syslog.collector);
  // A Windows Event Collector is read through PowerShell: its forwarded-events logs, not files.
  const wec = collector?.transport === 'powershell' && collector.collector?.event_logs !== undefined;
  const transport = wec ? createPowerShellTransport(collector, { ssh: options }) : webHostTransport(collector, options);
  const siem = syslog.siem ? options.web?.targets.find((t) => t.id === syslog.siem!.target) : undefined;
  return {
    maxWaitS: syslog.max_wait ?? DEFAULT_MAX_WAIT_S,
    collectorId: syslog.collector,
    collectorPaths: (wec ? collector.collector?.event_logs : collector?.collector?.paths) ?? [],
    ...(wec ? { collectorCommand: eventLogTailScript(collector.collector!.event_logs!) } : {}),
    ...(transport ? { collector: transport } : {}),
    collectorSudo: Boolean(collector?.ssh?.sudo),
    ...(siem?.api
      ? {
          siem: {
            id: siem.id,
            product: siem.api.product!.toLowerCase(),
            ...(syslog.siem?.index ? { index: syslog.siem.index } : {}),
            ...(syslog.siem?.timeout ? { timeoutS: syslog.siem.timeout } : {}),
            source: new ApiProbeSource(siem),
          },
        }
      : {}),
  };
}

/** A Linux host's canary plan: its collector is another target, reached through that target's own transport. */
function hostCanaryPlan(target: Target, options: SourceOptions): HostCanaryPlan | undefined {
  if (target.kind !== 'linux' || !target.syslog) return undefined;
  const places = tracePlanOf(target, options)!;
  return {
    active: options.web?.active ?? false,
    runId: options.web?.runId ?? 'run',
    targetId: target.id,
    settings: target.syslog,
    ...places,
  };
}

/** A probe source for a live target: a web target through the host holding its configuration, others by transport. */
export function openSource(target: Target, options: SourceOptions = {}): ProbeSource | { unsupported: string } {
  if (isWebTarget(target)) {
    const host = target.web?.host ? options.web?.targets.find((t) => t.id === target.web!.host) : undefined;
    const hostTransport = webHostTransport(host, options);
    // The canaries are followed to the host's collector and SIEM only when they are sent (--active).
    const trace = options.web?.active ? tracePlanOf(host, options) : undefined;
    return new WebProbeSource(target, {
      ...options.web?.live,
      ...(hostTransport ? { hostTransport, ownsHostTransport: true } : {}),
      active: options.web?.active ?? false,
      runId: options.web?.runId ?? 'run',
      sudo: host?.ssh?.sudo ?? false,
      ...(trace ? { trace } : {}),
    });
  }
  // Exported configuration files (cloud WAF, firewall appliance): read here, nothing is reached.
  if (isExportTarget(target)) return new ExportProbeSource(target);
  // A host of the estate scanned from its collection script's evidence file, beside the live targets.
  if (target.transport === 'evidence' && target.evidence_file)
    return new EvidenceProbeSource(target.evidence_file, { platform: target.kind as 'linux' | 'windows' });
  if (isDatabaseTarget(target)) {
    // Read through the host it runs on, as a web target is: the same transport factory, the same host-key policy.
    const host = options.web?.targets.find((t) => t.id === target.database!.host);
    // A Windows host is read through PowerShell (SQL Server: Invoke-Sqlcmd or sqlcmd.exe, the registry).
    const hostTransport =
      host?.transport === 'powershell'
        ? createPowerShellTransport(host, { ssh: options })
        : webHostTransport(host, options);
    // The canaries are followed where the host forwards its logs: the collector (and SIEM) its `syslog` names.
    const fwd = host ? hostCanaryPlan(host, options) : undefined;
    return new DatabaseProbeSource(target, {
      ...(hostTransport ? { hostTransport, ownsHostTransport: true } : {}),
      ...(fwd
        ? {
            arrival: {
              collectorId: fwd.collectorId,
              collectorPaths: fwd.collectorPaths,
              ...(fwd.collector ? { collector: fwd.collector } : {}),
              ...(fwd.collectorSudo !== undefined ? { collectorSudo: fwd.collectorSudo } : {}),
              ...(fwd.siem ? { siem: fwd.siem } : {}),
              maxWaitMs: (fwd.settings.max_wait ?? DEFAULT_MAX_WAIT_S) * 1000,
            },
          }
        : {}),
      active: options.web?.active ?? false,
      runId: options.web?.runId ?? 'run',
      sudo: host?.ssh?.sudo ?? false,
    });
  }
  const canary = hostCanaryPlan(target, options);
  switch (target.transport) {
    case 'local': {
      // The probe source applies the rootdir to every file and glob probe; the transport must not add it again.
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      return new TransportProbeSource(createLocalTransport(), {
        rootdir: target.rootdir,
        sudo: !isRoot && Boolean(target.ssh?.sudo),
        ...(canary ? { canary } : {}),
      });
    }
    case 'ssh': {
      return new TransportProbeSource(openSshTransport(target, options), {
        rootdir: target.rootdir,
        sudo: Boolean(target.ssh?.sudo),
        ...(canary ? { canary } : {}),
      });
    }
    case 'powershell': {
      const places = target.kind === 'windows' && target.eventlog ? tracePlanOf(target, options) : undefined;
      return new PowerShellProbeSource(createPowerShellTransport(target, { ssh: options }), {
        ...(places && target.eventlog
          ? {
              canary: {
                active: options.web?.active ?? false,
                runId: options.web?.runId ?? 'run',
                targetId: target.id,
                settings: target.eventlog,
                ...places,
              },
            }
          : {}),
      });
    }
    case 'http':
      // Security products (siem, soar, edr, waf, ips, ndr) are audited through their own read-only REST APIs.
      if (target.api && API_KINDS.has(target.kind))
        return new ApiProbeSource(target, {
          ...(options.now ? { now: options.now } : {}),
          ...(options.env ? { env: options.env } : {}),
        });
      return { unsupported: `transport "${target.transport}" has no host checks in this version` };
    default:
      return { unsupported: `transport "${target.transport}" has no host checks in this version` };
  }
}
