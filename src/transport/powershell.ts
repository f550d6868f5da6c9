// The powershell transport: ONE PowerShell start per host, one batched read-only collection script (pwsh-script.ts).
// Three ways to reach a host: local pwsh, WinRM from a local pwsh (New-PSSession + Invoke-Command, HTTPS preferred),
// or PowerShell over SSH through the ssh transport. Failures come back as data, per probe.
import { PowerShell } from 'node-powershell';
import type { Target, TransportError } from '../model.js';
import {
  buildCollectionScript,
  encodeCommand,
  exitViolation,
  oneLineInvocation,
  parseCollectionOutput,
  probeResultsFrom,
  PROBE_ID_PATTERN,
  psQuote,
  type PwshProbe,
  readOnlyViolation,
  STDIN_BOOTSTRAP,
} from './pwsh-script.js';
import { CANARY_PROBE_ID, canaryDataError, type EventLogCanary, eventLogCanaryScript } from './pwsh-canary.js';
import { failedResult, seconds } from './shell.js';
import { openSshTransport, type SshOpenOptions } from './open.js';
import type { SshTransport } from './ssh.js';
import type { HostInfo, ProbeResult, ReadOptions, RunOptions, Transport } from './types.js';
import { DEFAULT_MAX_BYTES } from './types.js';

export interface PowerShellTransportOptions {
  /** Local PowerShell executable (default: $NODE_POWERSHELL, else `pwsh`). */
  executable?: string;
  /** Executable started on a Windows host reached over SSH (default `powershell`, Windows PowerShell 5.1). */
  remoteExecutable?: string;
  /** For PowerShell over SSH: host-key policy and connection options (the one factory in open.ts applies them). */
  ssh?: SshOpenOptions;
  /** Whole-batch timeout (default 180 s; the target's `timeout` wins when set). */
  batchTimeoutMs?: number;
  /** Where credential variables are read (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface BatchOptions {
  timeoutMs?: number;
  /** Cap per probe output (characters in PowerShell). */
  maxBytes?: number;
  /** Probe ids whose output keeps its end when cut. */
  tailIds?: string[];
  /** --active only: the Windows host canary event, written first in the batch (its result is CANARY_PROBE_ID). */
  plant?: EventLogCanary;
}

export interface PowerShellConnection {
  method: 'local' | 'winrm' | 'ssh';
  /** WinRM listener used; 'http' means no HTTPS listener answered (a finding). */
  scheme?: 'https' | 'http';
  port?: number;
  /** Why HTTPS was not used when the transport fell back to HTTP. */
  httpsError?: string;
}

export interface PowerShellTransport extends Transport {
  /** Runs all probes in one PowerShell start; one result per id, failures as data. */
  runBatch(probes: PwshProbe[], options?: BatchOptions): Promise<Record<string, ProbeResult>>;
  /**
   * --active only: writes the canary event to the Application log (src/transport/pwsh-canary.ts builds the one
   * script); the result's stdout says how it was written, its error why it was not.
   */
  plantEventLogCanary(canary: EventLogCanary, options?: { timeoutMs?: number }): Promise<ProbeResult>;
  /** How the host was reached (known after open()). */
  readonly connection: PowerShellConnection;
  /** The `host` object of the last collection document (hostname, os, ps_version, culture, is_admin, ...). */
  readonly hostInfo: Record<string, unknown> | undefined;
}

const LOCAL_ADDRESSES = new Set(['localhost', '127.0.0.1', '::1', '.']);
const DEFAULT_BATCH_TIMEOUT_MS = 180_000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SESSION_OK = 'SOCREADY-SESSION ok';
const SESSION_ERROR = /SOCREADY-SESSION error ([A-Za-z0-9+/=]+)/;

export function createPowerShellTransport(target: Target, opts: PowerShellTransportOptions = {}): PowerShellTransport {
  return new PowerShellTransportImpl(target, opts);
}

/** Which way the target is reached. */
export function connectionMethod(target: Target): PowerShellConnection['method'] {
  if (target.winrm?.over_ssh) return 'ssh';
  if (LOCAL_ADDRESSES.has(target.address.toLowerCase())) return 'local';
  return 'winrm';
}

const WINRM_AUTH_FAILED = new RegExp(
  'Access is denied|AccessDenied|LogonFailure|logon failure|user name or (bad )?password|' +
    'credentials were rejected|authenticat',
  'i',
);

const WINRM_UNREACHABLE = new RegExp(
  'cannot connect|cannot complete the operation|unreachable|timed out|' +
    'No such host|could not resolve|network path|refused|listener|' +
    'not be resolved|WinRM client cannot process',
  'i',
);

/** Maps a New-PSSession / Invoke-Command failure (FullyQualifiedErrorId + message) onto a failure kind. */
export function winrmErrorKind(text: string): TransportError['kind'] {
  if (WINRM_AUTH_FAILED.test(text)) {
    return 'auth-failed';
  }
  if (/certificate|\bSSL\b|\bCA\b|CN name|revocation/i.test(text)) return 'other';
  if (WINRM_UNREACHABLE.test(text)) {
    return 'unreachable';
  }
  return 'other';
}

class PowerShellTransportImpl implements PowerShellTransport {
  readonly name = 'powershell';
  connection: PowerShellConnection;
  hostInfo: Record<string, unknown> | undefined;

  private shell: PowerShell | undefined;
  private ssh: SshTransport | undefined;
  private opening: Promise<TransportError | undefined> | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly target: Target,
    private readonly opts: PowerShellTransportOptions,
  ) {
    this.env = opts.env ?? process.env;
    this.connection = { method: connectionMethod(target) };
  }

  open(): Promise<TransportError | undefined> {
    if (!this.opening) this.opening = this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<TransportError | undefined> {
    if (this.connection.method === 'ssh') {
      this.ssh = openSshTransport(this.target, this.opts.ssh ?? {});
      return this.ssh.open();
    }
    const credentialError = this.credentialError();
    if (credentialError) return credentialError;
    const started = this.startShell();
    if (started) return started;
    if (this.connection.method === 'local') {
      const probe = await this.invoke("[Console]::Out.WriteLine('SOCREADY-READY')", 30_000);
      if (probe.error) return probe.error;
      if (!probe.stdout.includes('SOCREADY-READY'))
        return { kind: 'other', message: `PowerShell did not answer: ${probe.stderr.slice(0, 200)}` };
      return undefined;
    }
    return this.openWinrmSession();
  }

  private credentialError(): TransportError | undefined {
    const w = this.target.winrm;
    if (this.connection.method !== 'winrm' || !w?.password_env) return undefined;
    if (!ENV_NAME.test(w.password_env))
      return { kind: 'config', message: `winrm.password_env: "${w.password_env}" is not a valid variable name` };
    if (this.env[w.password_env] === undefined)
      return { kind: 'config', message: `winrm.password_env: environment variable ${w.password_env} is not set` };
    if (!w.user) return { kind: 'config', message: 'winrm.user is required with winrm.password_env' };
    return undefined;
  }

  private startShell(): TransportError | undefined {
    try {
      const options: ConstructorParameters<typeof PowerShell>[0] = {
        executableOptions: { '-NoProfile': true, '-NonInteractive': true },
        throwOnInvocationError: false,
        // The child inherits our environment: the WinRM password is read there as $env:NAME, never put on a line.
        spawnOptions: { env: this.env },
      };
      const exe = this.opts.executable;
      if (exe) options.executable = exe;
      const shell = new PowerShell(options);
      // node-powershell keeps a promise that rejects when the process fails to start or dies; keep it handled.
      (shell as unknown as { exitPromise?: Promise<void> }).exitPromise?.catch(() => {});
      this.shell = shell;
      return undefined;
    } catch (e) {
      return { kind: 'unsupported', message: `cannot start PowerShell: ${(e as Error).message}` };
    }
  }

  /**
   * Sends one script line to the long-lived local PowerShell; a timeout kills that process (it is restarted lazily).
   */
  private async invoke(
    line: string,
    timeoutMs: number,
  ): Promise<{ stdout: string; stderr: string; error?: TransportError }> {
    const shell = this.shell;
    if (!shell) return { stdout: '', stderr: '', error: { kind: 'other', message: 'PowerShell is not running' } };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => {
      timer = setTimeout(() => res('timeout'), timeoutMs);
    });
    const invocation = shell.invoke(line).then(
      (r) => ({ ok: true as const, r }),
      (e: Error) => ({ ok: false as const, e }),
    );
    const outcome = await Promise.race([invocation, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.shell = undefined;
      this.opening = undefined;
      await shell.dispose('SIGKILL').catch(() => {});
      return {
        stdout: '',
        stderr: '',
        error: { kind: 'timeout', message: `PowerShell did not finish within ${seconds(timeoutMs)} and was stopped` },
      };
    }
    if (!outcome.ok) {
      this.shell = undefined;
      this.opening = undefined;
      const exe = this.opts.executable ?? this.env.NODE_POWERSHELL ?? 'pwsh';
      const missing = /ENOENT|exited|spawn/i.test(
        `${outcome.e.message} ${String((outcome.e as { cause?: unknown }).cause ?? '')}`,
      );
      return {
        stdout: '',
        stderr: '',
        error: missing
          ? {
              kind: 'unsupported',
              message:
                `PowerShell (${exe}) could not be started or exited: install PowerShell 7 or set ` +
                `NODE_POWERSHELL (${outcome.e.message})`,
            }
          : { kind: 'other', message: `PowerShell invocation failed: ${outcome.e.message}` },
      };
    }
    const r = outcome.r;
    return { stdout: r.stdout?.toString('utf8') ?? '', stderr: r.stderr?.toString('utf8') ?? '' };
  }

  private sessionScript(useSsl: boolean, port: number): string {
    const w = this.target.winrm ?? {};
    const lines = [
      '$ErrorActionPreference = "Stop"',
      'try {',
      `  $socreadyOpts = @{ ComputerName = ${psQuote(this.target.address)}; Port = ${port}; ErrorAction = 'Stop' }`,
      useSsl ? '  $socreadyOpts.UseSSL = $true' : '',
    ];
    if (w.password_env) {
      lines.push(
        `  $socreadySecret = ConvertTo-SecureString ([string]$env:${w.password_env}) -AsPlainText -Force`,
        '  $socreadyOpts.Credential = New-Object ' +
          `System.Management.Automation.PSCredential(${psQuote(w.user ?? '')}, $socreadySecret)`,
      );
    }
    lines.push(
      '  if ($global:socreadySession) { Remove-PSSession $global:socreadySession -ErrorAction SilentlyContinue }',
      '  $global:socreadySession = New-PSSession @socreadyOpts',
      `  [Console]::Out.WriteLine('${SESSION_OK}')`,
      '} catch {',
      "  $socreadyWhy = [string]$_.FullyQualifiedErrorId + ' ' + $_.Exception.Message",
      "  [Console]::Out.WriteLine('SOCREADY-SESSION error ' + " +
        '[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($socreadyWhy)))',
      '}',
    );
    return lines.filter(Boolean).join('\n');
  }

  private async tryWinrm(useSsl: boolean, port: number): Promise<TransportError | undefined> {
    const r = await this.invoke(oneLineInvocation(this.sessionScript(useSsl, port)), this.connectTimeoutMs());
    if (r.error) return r.error;
    if (r.stdout.includes(SESSION_OK)) return undefined;
    const m = SESSION_ERROR.exec(r.stdout);
    const why = m
      ? Buffer.from(m[1]!, 'base64').toString('utf8')
      : `no answer from New-PSSession ${r.stderr.slice(0, 200)}`;
    const where = `${this.target.address}:${port} (WinRM ${useSsl ? 'HTTPS' : 'HTTP'})`;
    return { kind: winrmErrorKind(why), message: `${where}: ${why.trim()}` };
  }

  private connectTimeoutMs(): number {
    return 60_000;
  }

  private async openWinrmSession(): Promise<TransportError | undefined> {
    const w = this.target.winrm ?? {};
    if (w.https === false) {
      const port = w.port ?? 5985;
      Object.assign(this.connection, { scheme: 'http', port });
      return this.tryWinrm(false, port);
    }
    const httpsPort = w.port ?? 5986;
    const https = await this.tryWinrm(true, httpsPort);
    if (!https) {
      Object.assign(this.connection, { scheme: 'https', port: httpsPort });
      return undefined;
    }
    // Only an absent HTTPS listener is worth a retry over HTTP, and only when HTTPS was not demanded.
    if (w.https === true || https.kind !== 'unreachable' || w.port !== undefined) return https;
    if (!this.shell) this.startShell();
    const http = await this.tryWinrm(false, 5985);
    if (http) return https;
    Object.assign(this.connection, { scheme: 'http', port: 5985, httpsError: https.message });
    return undefined;
  }

  async runBatch(probes: PwshProbe[], options: BatchOptions = {}): Promise<Record<string, ProbeResult>> {
    const started = Date.now();
    const plantError = options.plant ? canaryDataError(options.plant) : undefined;
    const plant =
      options.plant && !plantError ? { id: CANARY_PROBE_ID, script: eventLogCanaryScript(options.plant) } : undefined;
    const ids = [...(plant ? [plant.id] : []), ...probes.map((p) => p.id)];
    const all = (error: TransportError): Record<string, ProbeResult> =>
      Object.fromEntries(ids.map((id) => [id, failedResult(error, Date.now() - started)]));

    // Bad probes are refused one by one; the others still run.
    const refused: Record<string, ProbeResult> = {};
    if (plantError) refused[CANARY_PROBE_ID] = failedResult({ kind: 'config', message: plantError });
    const runnable: PwshProbe[] = [];
    for (const p of probes) {
      const why = !PROBE_ID_PATTERN.test(p.id)
        ? `invalid probe id ${JSON.stringify(p.id)}`
        : (readOnlyViolation(p.script) ?? exitViolation(p.script));
      if (why || runnable.some((q) => q.id === p.id) || (options.plant && p.id === CANARY_PROBE_ID))
        refused[p.id] = failedResult({ kind: 'config', message: why ?? `duplicate probe id ${p.id}` });
      else runnable.push(p);
    }

    const openError = await this.open();
    if (openError) return all(openError);
    const timeoutMs =
      options.timeoutMs ??
      (this.target.timeout ? this.target.timeout * 1000 : (this.opts.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS));
    const script = buildCollectionScript(runnable, {
      maxChars: options.maxBytes ?? DEFAULT_MAX_BYTES,
      output: 'marker',
      tailIds: options.tailIds ?? [],
      ...(plant ? { plant } : {}),
    });

    let stdout: string;
    let stderr: string;
    if (this.connection.method === 'ssh' && this.ssh) {
      const exe = this.opts.remoteExecutable ?? 'powershell';
      const r = await this.ssh.execRaw(
        `${exe} -NoProfile -NonInteractive -EncodedCommand ${encodeCommand(STDIN_BOOTSTRAP)}`,
        {
          input: `${Buffer.from(script, 'utf8').toString('base64')}\n`,
          timeoutMs,
          maxBytes: 256 * 1024 * 1024,
        },
      );
      if (r.error) return { ...all(r.error), ...refused };
      stdout = r.stdout;
      stderr = r.stderr;
    } else {
      if (!this.shell) {
        // A previous batch timed out and its PowerShell was stopped: start again (and reopen the session).
        this.opening = undefined;
        const reopen = await this.open();
        if (reopen) return { ...all(reopen), ...refused };
      }
      const line =
        this.connection.method === 'winrm'
          ? oneLineInvocation(
              [
                'try {',
                '  $socreadyOut = Invoke-Command -Session $global:socreadySession -ScriptBlock ' +
                  `([ScriptBlock]::Create(${psQuote(script)})) -ErrorAction Stop`,
                '  foreach ($socreadyLine in @($socreadyOut)) { [Console]::Out.WriteLine([string]$socreadyLine) }',
                '} catch {',
                "  [Console]::Out.WriteLine('SOCREADY-SESSION error ' + " +
                  '[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([string]$_.FullyQualifiedErrorId + ' +
                  "' ' + $_.Exception.Message)))",
                '}',
              ].join('\n'),
            )
          : oneLineInvocation(
              `foreach ($socreadyLine in @(& ([ScriptBlock]::Create(${psQuote(script)})))) { ` +
                '[Console]::Out.WriteLine([string]$socreadyLine) }',
            );
      const r = await this.invoke(line, timeoutMs);
      if (r.error) return { ...all(r.error), ...refused };
      const sessionError = SESSION_ERROR.exec(r.stdout);
      if (sessionError) {
        const why = Buffer.from(sessionError[1]!, 'base64').toString('utf8').trim();
        return {
          ...all({ kind: winrmErrorKind(why), message: `Invoke-Command on ${this.target.address}: ${why}` }),
          ...refused,
        };
      }
      stdout = r.stdout;
      stderr = r.stderr;
    }

    const parsed = parseCollectionOutput(stdout);
    if ('error' in parsed) {
      const detail = stderr.trim() ? ` (stderr: ${stderr.trim().slice(0, 300)})` : '';
      return { ...all({ kind: parsed.error.kind, message: parsed.error.message + detail }), ...refused };
    }
    this.hostInfo = parsed.doc.host;
    return {
      ...probeResultsFrom(parsed.doc, [...(plant ? [plant.id] : []), ...runnable.map((p) => p.id)]),
      ...refused,
    };
  }

  async run(command: string, options: RunOptions = {}): Promise<ProbeResult> {
    const batch: BatchOptions = {};
    if (options.timeoutMs !== undefined) batch.timeoutMs = options.timeoutMs;
    if (options.maxBytes !== undefined) batch.maxBytes = options.maxBytes;
    const r = await this.runBatch([{ id: 'run', script: command }], batch);
    return r.run!;
  }

  async plantEventLogCanary(canary: EventLogCanary, options: { timeoutMs?: number } = {}): Promise<ProbeResult> {
    const r = await this.runBatch([], {
      plant: canary,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    return r[CANARY_PROBE_ID]!;
  }

  async readFile(path: string, options: ReadOptions = {}): Promise<ProbeResult> {
    const batch: BatchOptions = { tailIds: options.tail ? ['read'] : [] };
    if (options.timeoutMs !== undefined) batch.timeoutMs = options.timeoutMs;
    if (options.maxBytes !== undefined) batch.maxBytes = options.maxBytes;
    const r = await this.runBatch(
      [{ id: 'read', script: `Get-Content -LiteralPath ${psQuote(path)} -Raw -ErrorAction Stop` }],
      batch,
    );
    return r.read!;
  }

  async describe(): Promise<HostInfo> {
    if (!this.hostInfo) await this.runBatch([]);
    const h = this.hostInfo;
    if (!h) return { platform: 'unknown' };
    const info: HostInfo = { platform: h.platform === 'windows' ? 'windows' : 'unknown' };
    if (typeof h.hostname === 'string') info.hostname = h.hostname;
    if (typeof h.os === 'string') info.os = h.os;
    const kernel = typeof h.version === 'string' ? h.version : typeof h.build === 'string' ? h.build : undefined;
    if (kernel) info.kernel = kernel;
    return info;
  }

  async close(): Promise<void> {
    if (this.shell && this.connection.method === 'winrm') {
      await this.invoke(
        oneLineInvocation(
          'if ($global:socreadySession) { Remove-PSSession $global:socreadySession -ErrorAction SilentlyContinue }',
        ),
        10_000,
      );
    }
    const shell = this.shell;
    this.shell = undefined;
    this.opening = undefined;
    if (shell) await shell.dispose().catch(() => {});
    if (this.ssh) await this.ssh.close();
  }
}
