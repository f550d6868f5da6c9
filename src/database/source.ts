// A database target as a probe source, on the one per-target path (collect/assess-target.ts) like a web target
// (src/web/source.ts is the model): its files and its client run on the host `database.host` names, through that
// host's transport. Query probes (one SELECT/SHOW each) need a connection; the canaries need --active as well.
import type { DatabaseSettings, Target, TransportError } from '../model.js';
import type { ProbeDef } from '../checks/types.js';
import { documentAnswer, type HostCanaryPlan, openSiemSearch, type ProbeSource } from '../collect/source.js';
import type { DbArrival, DbCanaryDocument } from '../parsers/database/canary.js';
import { failedResult, shellQuote } from '../transport/shell.js';
import type { HostInfo, ProbeResult, Transport } from '../transport/types.js';
import { type DbArrivalPlan, traceDbArrival } from './arrival.js';
import { canaryMarker, runFailedLoginCanary, runQueryCanary } from './canary.js';
import { DATABASE_PRODUCTS, type DatabaseProductModule, mssqlInstance } from './products.js';
import type { PowerShellTransport } from '../transport/powershell.js';

export interface DatabaseSourceOptions {
  /** The host's transport; a PowerShellTransport (runBatch) when the host is Windows. */
  hostTransport?: Transport | PowerShellTransport;
  ownsHostTransport?: boolean;
  active: boolean;
  runId: string;
  sudo?: boolean;
  /** How long the canary search waits for the marker (ms). */
  logWaitMs?: number;
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the database's host forwards its logs (its inventory `syslog`): the canaries are followed there. */
  arrival?: DatabaseArrivalOptions;
}

/** The host's collector (and SIEM), through their own transports; opened on first use, closed with the source. */
export interface DatabaseArrivalOptions {
  collectorId: string;
  collectorPaths: string[];
  collector?: Transport;
  collectorSudo?: boolean;
  /** A Windows Event Collector: its forwarded-events logs are read with this PowerShell script, not tailed. */
  collectorCommand?: string;
  siem?: HostCanaryPlan['siem'];
  maxWaitMs: number;
  pollMs?: number;
}

export function isDatabaseTarget(t: Target): boolean {
  return t.kind === 'database' && t.database !== undefined;
}

/**
 * `@CONFIG@` in a command probe: the configured main file, or empty for the product's default search;
 * `@INSTANCE@` (inside quotes of a PowerShell probe): the SQL Server instance the address names.
 */
function withConfig(command: string, settings: DatabaseSettings, address: string): string {
  const instance = mssqlInstance(address);
  return command
    .replaceAll('@CONFIG@', settings.config_path ? shellQuote(settings.config_path) : "''")
    .replaceAll('@INSTANCE@', /^[A-Z0-9_$#]{1,16}$/.test(instance) ? instance : 'MSSQLSERVER');
}

function isPowerShell(t: Transport | undefined): t is PowerShellTransport {
  return t !== undefined && 'runBatch' in t;
}

export class DatabaseProbeSource implements ProbeSource {
  readonly label = 'database';
  private readonly settings: DatabaseSettings;
  private readonly product: DatabaseProductModule | undefined;
  private arrivalOpened?: Promise<Omit<DbArrivalPlan, 'maxWaitMs'> & { openError?: string }>;

  constructor(
    private readonly target: Target,
    private readonly opts: DatabaseSourceOptions,
  ) {
    this.settings = target.database!;
    this.product = DATABASE_PRODUCTS[this.settings.product];
  }

  /** The host is Windows, reached through PowerShell: one batch per host, statements through psQuery. */
  private get windows(): boolean {
    return isPowerShell(this.opts.hostTransport);
  }

  /** A read-only login, peer authentication over a socket on the host, or Windows authentication on a Windows host. */
  private get connected(): boolean {
    if (this.product === undefined) return false;
    if (this.windows) return this.product.psQuery !== undefined;
    return this.settings.user !== undefined || this.settings.socket !== undefined;
  }

  /** One statement as this host runs it. */
  private call(statement: string, env?: NodeJS.ProcessEnv) {
    return this.windows
      ? (this.product!.psQuery?.(this.settings, this.target.address, statement) ?? {
          command: '',
          env: {},
          error: `${this.settings.product} is not read through PowerShell`,
        })
      : this.product!.query(this.settings, this.target.address, statement, env);
  }

  plans(probe: ProbeDef): boolean {
    if (probe.platform !== 'database' || !probe.products?.includes(this.settings.product)) return false;
    if (!this.opts.hostTransport) return false;
    // Asked even without a connection: the answer says so and the parser reads the configuration files instead.
    if (probe.kind === 'query') return this.product !== undefined;
    // A PowerShell command runs on a Windows host only, a shell command never does.
    if (probe.kind === 'command') return (probe.shell === 'powershell') === this.windows;
    if (probe.kind === 'live') {
      if (!this.opts.active || !this.connected) return false;
      return probe.live === 'db-failed-login' ? this.settings.failed_login_canary === true : probe.live === 'db-canary';
    }
    return true;
  }

  async open(): Promise<TransportError | undefined> {
    if (!this.opts.hostTransport)
      return {
        kind: 'config',
        message: `database.host "${this.settings.host}" is not a host socready can reach (ssh, local or powershell)`,
      };
    return this.opts.hostTransport.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }));
  }

  describe(): Promise<HostInfo> {
    return this.opts.hostTransport!.describe();
  }

  what(probe: ProbeDef): string {
    // The client's command line as run (secrets are in its environment, so none shows here).
    const noSecret = this.settings.password_env ? { [this.settings.password_env]: '' } : {};
    if (probe.kind === 'query' && this.product) return this.call(probe.query!, noSecret).command;
    if (probe.kind === 'command') return withConfig(probe.command!, this.settings, this.target.address);
    return probe.description ?? probe.id;
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    return (await this.collectAll([probe])).get(probe.id)!;
  }

  /** Files and queries first: the canaries search where the settings say the server logs. */
  async collectAll(probes: ProbeDef[]): Promise<Map<string, ProbeResult>> {
    const out = new Map<string, ProbeResult>();
    const direct = probes.filter((p) => p.kind !== 'live');
    if (isPowerShell(this.opts.hostTransport)) for (const [id, r] of await this.collectBatch(direct)) out.set(id, r);
    else for (const probe of direct) out.set(probe.id, await this.collectOne(probe));
    const outputs = Object.fromEntries(out);
    for (const probe of probes.filter((p) => p.kind === 'live')) {
      // The gate is code, not catalog data: without --active and a connection nothing is sent, whatever is asked.
      if (!this.plans(probe)) {
        out.set(
          probe.id,
          failedResult({ kind: 'unsupported', message: `${probe.id} is sent only with --active and a connection` }),
        );
        continue;
      }
      const started = Date.now();
      const o = {
        transport: this.opts.hostTransport!,
        product: this.product!,
        settings: this.settings,
        address: this.target.address,
        outputs,
        sudo: this.opts.sudo ?? false,
        waitMs: this.opts.logWaitMs ?? 10_000,
        pollMs: this.opts.pollMs ?? 500,
        ...(this.opts.env ? { env: this.opts.env } : {}),
        windows: this.windows,
      };
      const doc =
        probe.live === 'db-canary'
          ? await runQueryCanary(o, canaryMarker(this.opts.runId, this.target.id, 'query'))
          : await runFailedLoginCanary(o, canaryMarker(this.opts.runId, this.target.id, 'login').replace(/-/g, '_'));
      if (this.opts.arrival) doc.arrival = await this.follow(doc);
      out.set(probe.id, documentAnswer(doc, started));
    }
    return out;
  }

  /** Follows a canary written on the host to the collector (and SIEM) the host forwards to. */
  private async follow(doc: DbCanaryDocument): Promise<DbArrival> {
    const a = this.opts.arrival!;
    const skipped = (why: string): DbArrival => ({
      collector: a.collectorId,
      collector_paths: a.collectorPaths,
      skipped: why,
      arrived: false,
      reads: 0,
      errors: [],
      max_wait_ms: a.maxWaitMs,
    });
    if (!doc.sent || !doc.sent_at) return skipped('the canary was not sent');
    // Files known and the marker not in them: nothing on the host wrote it, so nothing can forward it.
    if (!doc.found && doc.searched.length > 0) return skipped("the marker was not written in the server's own log");
    this.arrivalOpened ??= (async () => {
      const openError = a.collector
        ? await a.collector.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }))
        : undefined;
      return {
        collectorId: a.collectorId,
        collectorPaths: a.collectorPaths,
        ...(a.collector && !openError ? { collector: a.collector } : {}),
        ...(a.collectorSudo !== undefined ? { collectorSudo: a.collectorSudo } : {}),
        ...(a.collectorCommand ? { collectorCommand: a.collectorCommand } : {}),
        ...(a.siem ? { siem: await openSiemSearch(a.siem) } : {}),
        ...(openError ? { openError: `collector ${a.collectorId}: ${openError.kind}: ${openError.message}` } : {}),
      };
    })();
    const { openError, ...plan } = await this.arrivalOpened;
    const traced = await traceDbArrival(
      { ...plan, maxWaitMs: a.maxWaitMs, ...(a.pollMs !== undefined ? { pollMs: a.pollMs } : {}) },
      doc.marker,
      Date.parse(doc.sent_at),
    );
    if (openError) traced.errors.unshift(openError);
    return traced;
  }

  /** A Windows host: every statement and PowerShell probe in one PowerShell start (one batch). */
  private async collectBatch(probes: ProbeDef[]): Promise<Map<string, ProbeResult>> {
    const transport = this.opts.hostTransport as PowerShellTransport;
    const out = new Map<string, ProbeResult>();
    const batch: { id: string; script: string }[] = [];
    for (const probe of probes) {
      if (probe.kind === 'query' && this.connected) {
        const call = this.call(probe.query!);
        if (call.error) out.set(probe.id, failedResult({ kind: 'config', message: call.error }));
        else batch.push({ id: probe.id, script: call.command });
      } else if (probe.kind === 'command' && probe.shell === 'powershell') {
        batch.push({ id: probe.id, script: withConfig(probe.command!, this.settings, this.target.address) });
      } else {
        out.set(
          probe.id,
          failedResult({ kind: 'unsupported', message: `${probe.id} is not collected from a Windows database host` }),
        );
      }
    }
    if (batch.length > 0) for (const [id, r] of Object.entries(await transport.runBatch(batch))) out.set(id, r);
    return out;
  }

  private async collectOne(probe: ProbeDef): Promise<ProbeResult> {
    const transport = this.opts.hostTransport!;
    const timeoutMs = (probe.timeout ?? 30) * 1000;
    if (probe.kind === 'query') {
      if (!this.connected)
        return failedResult({
          kind: 'unsupported',
          message:
            'no connection declared (database.user or database.socket): settings read from the configuration files',
        });
      const call = this.product!.query(this.settings, this.target.address, probe.query!, this.opts.env);
      if (call.error) return failedResult({ kind: 'config', message: call.error });
      return transport.run(call.command, {
        timeoutMs,
        env: call.env,
        ...(probe.max_bytes ? { maxBytes: probe.max_bytes } : {}),
      });
    }
    if (probe.kind === 'command') {
      return transport.run(withConfig(probe.command!, this.settings, this.target.address), {
        timeoutMs,
        sudo: Boolean(this.opts.sudo && probe.sudo),
        ...(probe.max_bytes ? { maxBytes: probe.max_bytes } : {}),
      });
    }
    if (probe.kind === 'file')
      return transport.readFile(probe.path!, { timeoutMs, sudo: Boolean(this.opts.sudo && probe.sudo) });
    return failedResult({ kind: 'unsupported', message: `${probe.id} is not asked of a database target` });
  }

  async close(): Promise<void> {
    if (this.opts.ownsHostTransport) await this.opts.hostTransport?.close();
    if (this.arrivalOpened) {
      await this.opts.arrival?.collector?.close().catch(() => undefined);
      await this.opts.arrival?.siem?.source.close().catch(() => undefined);
    }
  }
}
