// The ssh transport (ssh2): one connection per host, probes multiplexed over a few channels under a per-host limit
// so sshd's MaxSessions is respected, each channel a long-lived `sh` that runs probe after probe (see ShellWorker),
// host keys verified before any credential is sent, failures returned as data.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { SshSettings, Target, TransportError } from '../model.js';
import {
  entryMatchesHost,
  type HostKeyPolicy,
  hostKeyAlgorithmsFor,
  type KnownHostEntry,
  parseKnownHosts,
  verifyHostKey,
} from './hostkey.js';
import {
  classifyFinished,
  DESCRIBE_COMMAND,
  failedResult,
  OutputCollector,
  parseDescribe,
  readFileCommand,
  rootedPath,
  seconds,
  shellQuote,
  wrapCommand,
} from './shell.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  type HostInfo,
  type ProbeResult,
  type ReadOptions,
  type RunOptions,
  type Transport,
} from './types.js';

export interface SshTransportOptions {
  /** Accept an unknown host key and record its fingerprint (never a changed one). */
  trustOnFirstUse?: boolean;
  /** known_hosts to consult when the target has neither a pin nor its own known_hosts (e.g. ~/.ssh/known_hosts). */
  knownHostsFallback?: string;
  /** Channels open at once on the connection; the rest wait. Keep below sshd MaxSessions (default 10). */
  maxChannels?: number;
  /** Connect (TCP + handshake + auth) timeout when the target sets no ssh.connect_timeout. */
  connectTimeoutMs?: number;
  /** Where credentials' environment variables are read (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RawExecOptions extends RunOptions {
  /** Bytes written to the command's stdin before it is closed. */
  input?: string | Buffer;
}

export interface SshTransport extends Transport {
  /** Fingerprint the server presented ("SHA256:..."), set once the handshake reached host key verification. */
  readonly presentedHostKey: string | undefined;
  /** How the presented key was trusted; 'tofu' means the caller should report the recorded fingerprint. */
  readonly hostKeyTrust: 'pin' | 'known_hosts' | 'tofu' | undefined;
  /** Runs a command exactly as given (no sh wrapper, no sudo): PowerShell over SSH to Windows uses this. */
  execRaw(command: string, options?: RawExecOptions): Promise<ProbeResult>;
}

// ssh2 is CommonJS: Node's ESM loader only sees its default export (named imports work under vitest, not node).
const { Client: SshClient, utils } = ssh2;

const DEFAULT_CHANNELS = 4;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** A counting semaphore: the per-host channel limit. */
class Slots {
  private waiting: (() => void)[] = [];
  private inUse = 0;
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.inUse < this.limit) {
      this.inUse++;
      return;
    }
    await new Promise<void>((res) => this.waiting.push(res));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inUse--;
  }
}

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return resolve(path);
}

type AuthConfig = Pick<ConnectConfig, 'username' | 'privateKey' | 'passphrase' | 'agent' | 'password' | 'tryKeyboard'>;

/** Credentials from the inventory's references; anything missing is a `config` error naming the field and variable. */
export function buildAuth(ssh: SshSettings, env: NodeJS.ProcessEnv): { auth: AuthConfig } | { error: TransportError } {
  const config = (message: string) => ({ error: { kind: 'config' as const, message } });
  const auth: AuthConfig = { username: ssh.user ?? userInfo().username };

  if (ssh.key !== undefined) {
    const path = expandHome(ssh.key);
    if (!existsSync(path)) return config(`ssh.key: key file ${ssh.key} not found (${path})`);
    let passphrase: string | undefined;
    if (ssh.passphrase_env !== undefined) {
      passphrase = env[ssh.passphrase_env];
      if (passphrase === undefined) {
        return config(`ssh.passphrase_env: environment variable ${ssh.passphrase_env} is not set`);
      }
    }
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      return config(`ssh.key: cannot read ${path}: ${(e as Error).message}`);
    }
    const parsed = utils.parseKey(data, passphrase);
    if (parsed instanceof Error) {
      const why =
        /encrypted/i.test(parsed.message) && passphrase === undefined
          ? 'the key is encrypted: set ssh.passphrase_env to the name of a variable holding its passphrase'
          : parsed.message;
      return config(`ssh.key: cannot use ${path}: ${why}`);
    }
    auth.privateKey = data;
    if (passphrase !== undefined) auth.passphrase = passphrase;
  }
  if (ssh.agent) {
    const sock = env.SSH_AUTH_SOCK;
    if (!sock) return config('ssh.agent: true but SSH_AUTH_SOCK is not set (no ssh-agent reachable)');
    auth.agent = sock;
  }
  if (ssh.password_env !== undefined) {
    const password = env[ssh.password_env];
    if (password === undefined) return config(`ssh.password_env: environment variable ${ssh.password_env} is not set`);
    auth.password = password;
    auth.tryKeyboard = true; // many servers take passwords only through keyboard-interactive
  }
  if (auth.privateKey === undefined && auth.agent === undefined && auth.password === undefined) {
    // Nothing configured: behave like ssh(1) with an agent, else fail clearly rather than guess key files.
    if (env.SSH_AUTH_SOCK) auth.agent = env.SSH_AUTH_SOCK;
    else return config('ssh: no credentials: set ssh.key, ssh.agent: true or ssh.password_env');
  }
  return { auth };
}

function connectError(
  err: Error & { level?: string; code?: string },
  where: string,
  timeoutMs: number,
  user: string,
): TransportError {
  const code = err.code ?? '';
  if (err.level === 'client-authentication') {
    return { kind: 'auth-failed', message: `authentication as ${user} on ${where} failed: ${err.message}` };
  }
  if (err.level === 'client-timeout') {
    return { kind: 'unreachable', message: `${where}: no SSH handshake within ${Math.round(timeoutMs / 1000)} s` };
  }
  if (code === 'ECONNREFUSED') return { kind: 'unreachable', message: `${where}: connection refused` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { kind: 'unreachable', message: `${where}: cannot resolve host name` };
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'].includes(code)) {
    return { kind: 'unreachable', message: `${where}: ${code} ${err.message}` };
  }
  if (err.level === 'client-socket') return { kind: 'unreachable', message: `${where}: ${err.message}` };
  return { kind: 'other', message: `${where}: SSH handshake failed: ${err.message}` };
}

export function createSshTransport(target: Target, opts: SshTransportOptions = {}): SshTransport {
  return new SshTransportImpl(target, opts);
}

class SshTransportImpl implements SshTransport {
  readonly name = 'ssh';
  presentedHostKey: string | undefined;
  hostKeyTrust: 'pin' | 'known_hosts' | 'tofu' | undefined;

  private readonly ssh: SshSettings;
  private readonly port: number;
  private readonly where: string;
  private readonly slots: Slots;
  private client: Client | undefined;
  private opening: Promise<TransportError | undefined> | undefined;
  private closing = false;
  private described: HostInfo | undefined;
  /** Shell workers waiting for the next probe; never more than the channel limit. */
  private idle: ShellWorker[] = [];

  constructor(
    private readonly target: Target,
    private readonly opts: SshTransportOptions,
  ) {
    this.ssh = target.ssh ?? {};
    this.port = target.port ?? 22;
    this.where = `${target.address}:${this.port}`;
    this.slots = new Slots(Math.max(1, opts.maxChannels ?? DEFAULT_CHANNELS));
  }

  open(): Promise<TransportError | undefined> {
    if (!this.opening) this.opening = this.connect();
    return this.opening;
  }

  private hostKeyPolicy(): { policy: HostKeyPolicy } | { error: TransportError } {
    const policy: HostKeyPolicy = { host: this.target.address, port: this.port };
    if (this.opts.trustOnFirstUse) policy.trustOnFirstUse = true;
    if (this.ssh.host_key !== undefined) {
      policy.pin = this.ssh.host_key;
      return { policy };
    }
    const load = (path: string): KnownHostEntry[] | TransportError => {
      try {
        return parseKnownHosts(readFileSync(path, 'utf8'));
      } catch (e) {
        return {
          kind: 'config',
          message: `ssh.known_hosts: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        };
      }
    };
    if (this.ssh.known_hosts !== undefined) {
      const path = expandHome(this.ssh.known_hosts);
      const entries = load(path);
      if (!Array.isArray(entries)) return { error: entries };
      policy.knownHosts = { path, entries };
    } else if (this.opts.knownHostsFallback && existsSync(expandHome(this.opts.knownHostsFallback))) {
      const path = expandHome(this.opts.knownHostsFallback);
      const entries = load(path);
      if (Array.isArray(entries)) policy.knownHosts = { path, entries };
    }
    return { policy };
  }

  private connect(): Promise<TransportError | undefined> {
    const env = this.opts.env ?? process.env;
    const built = buildAuth(this.ssh, env);
    if ('error' in built) return Promise.resolve(built.error);
    const hk = this.hostKeyPolicy();
    if ('error' in hk) return Promise.resolve(hk.error);
    const { policy } = hk;
    const timeoutMs =
      this.ssh.connect_timeout !== undefined
        ? this.ssh.connect_timeout * 1000
        : (this.opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);

    const config: ConnectConfig = {
      ...built.auth,
      host: this.target.address,
      port: this.port,
      readyTimeout: timeoutMs,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
    };
    // With known_hosts, ask for the key types we know so that a host with several keys presents a comparable one.
    if (!policy.pin && policy.knownHosts) {
      const types = policy.knownHosts.entries
        .filter((e) => !e.marker && entryMatchesHost(e, policy.host, policy.port))
        .map((e) => e.keyType);
      if (types.length > 0) config.algorithms = { serverHostKey: hostKeyAlgorithmsFor(types) as never };
    }
    if (built.auth.password !== undefined) {
      const password = built.auth.password;
      const client = new SshClient();
      client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)));
      return this.handshake(client, config, policy, timeoutMs);
    }
    return this.handshake(new SshClient(), config, policy, timeoutMs);
  }

  private handshake(
    client: Client,
    config: ConnectConfig,
    policy: HostKeyPolicy,
    timeoutMs: number,
  ): Promise<TransportError | undefined> {
    let refusal: TransportError | undefined;
    config.hostVerifier = (key: Buffer) => {
      const verdict = verifyHostKey(policy, key);
      this.presentedHostKey = verdict.fingerprint;
      if (verdict.ok) this.hostKeyTrust = verdict.trust;
      else refusal = verdict.error;
      return verdict.ok;
    };
    return new Promise((resolvePromise) => {
      let settled = false;
      const settle = (error?: TransportError) => {
        if (settled) return;
        settled = true;
        if (error) {
          client.removeAllListeners('close');
          client.on('error', () => {}); // late socket errors after a refusal must not crash the process
          client.end();
        }
        resolvePromise(error);
      };
      client.on('ready', () => {
        this.client = client;
        settle();
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (!settled) settle(refusal ?? connectError(err, this.where, timeoutMs, config.username ?? '?'));
      });
      client.on('close', () => {
        if (!settled)
          settle(
            refusal ?? {
              kind: 'unreachable',
              message: `${this.where}: connection closed before the SSH session was ready`,
            },
          );
        else if (this.client === client && !this.closing) {
          // Lost after it was ready: forget it so the next probe reconnects once.
          this.client = undefined;
          this.opening = undefined;
        }
      });
      try {
        client.connect(config);
      } catch (e) {
        settle({ kind: 'config', message: `ssh: ${(e as Error).message}` });
      }
    });
  }

  async run(command: string, options: RunOptions = {}): Promise<ProbeResult> {
    const sudo = options.sudo ?? this.ssh.sudo ?? false;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.env && Object.keys(options.env).length > 0) {
      // sshd drops most client environment variables (AcceptEnv): the secrets go through stdin, one line each, and
      // the remote shell exports them before running the command, so they never reach a command line.
      const names = Object.keys(options.env).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
      const read = names.map((n) => `IFS= read -r ${n}; export ${n};`).join(' ');
      const input = `${names.map((n) => options.env![n]!.replace(/\n/g, '')).join('\n')}\n`;
      const result = await this.execRaw(`sh -c ${shellQuote(`${read} ${command}`)}`, {
        timeoutMs,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
        input,
      });
      return classifyFinished(result, { sudo: false });
    }
    const line = workerLine(command, { sudo, remoteTimeoutSec: timeoutMs / 1000 + 2 });
    const result = await this.onWorker(line, {
      timeoutMs,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      stopWhenFull: true,
    });
    return classifyFinished(result, { sudo });
  }

  async readFile(path: string, options: ReadOptions = {}): Promise<ProbeResult> {
    const sudo = options.sudo ?? this.ssh.sudo ?? false;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const full = rootedPath(path, this.target.rootdir);
    const line = workerLine(readFileCommand(full, maxBytes, options.tail), {
      sudo,
      remoteTimeoutSec: timeoutMs / 1000 + 2,
    });
    const result = await this.onWorker(line, { timeoutMs, maxBytes, tail: options.tail ?? false, stopWhenFull: false });
    return classifyFinished(result, { sudo, readPath: full });
  }

  execRaw(command: string, options: RawExecOptions = {}): Promise<ProbeResult> {
    const run: ExecOptions = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      stopWhenFull: true,
    };
    if (options.input !== undefined) run.input = options.input;
    return this.exec(command, run);
  }

  async describe(): Promise<HostInfo> {
    if (this.described) return this.described;
    const r = await this.run(DESCRIBE_COMMAND, { sudo: false, timeoutMs: 15_000, maxBytes: 64 * 1024 });
    if (r.error || r.exitCode !== 0) return { platform: 'unknown' };
    this.described = parseDescribe(r.stdout);
    return this.described;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.idle.splice(0)) w.kill();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((res) => {
      const t = setTimeout(res, 2000);
      client.once('close', () => {
        clearTimeout(t);
        res();
      });
      client.end();
    });
  }

  /** Runs a wrapped probe line on an idle shell worker (or a new one, within the channel limit). */
  private async onWorker(line: string, o: ExecOptions): Promise<ProbeResult> {
    const started = Date.now();
    const openError = await this.open();
    if (openError) return failedResult(openError, Date.now() - started);
    await this.slots.acquire();
    try {
      let worker = this.idle.pop();
      while (worker && !worker.healthy) worker = this.idle.pop();
      if (!worker) {
        const client = this.client;
        if (!client)
          return failedResult({ kind: 'unreachable', message: `${this.where}: connection lost` }, Date.now() - started);
        const startedWorker = await ShellWorker.start(client, Math.max(o.timeoutMs, 15_000));
        if (!(startedWorker instanceof ShellWorker)) return failedResult(startedWorker, Date.now() - started);
        worker = startedWorker;
      }
      const result = await worker.job(line, o);
      if (worker.healthy && !this.closing) this.idle.push(worker);
      return result;
    } finally {
      this.slots.release();
    }
  }

  private async exec(command: string, o: ExecOptions): Promise<ProbeResult> {
    const started = Date.now();
    const openError = await this.open();
    if (openError) return failedResult(openError, Date.now() - started);
    await this.slots.acquire();
    try {
      const client = this.client;
      if (!client)
        return failedResult({ kind: 'unreachable', message: `${this.where}: connection lost` }, Date.now() - started);
      return await execOnChannel(client, command, o);
    } finally {
      this.slots.release();
    }
  }
}

interface ExecOptions {
  timeoutMs: number;
  maxBytes: number;
  tail?: boolean;
  /** Kill the command once the stdout cap is reached (floods); file reads stop by themselves. */
  stopWhenFull: boolean;
  input?: string | Buffer;
}

function execOnChannel(client: Client, command: string, o: ExecOptions): Promise<ProbeResult> {
  return new Promise((resolvePromise) => {
    const out = new OutputCollector(o.maxBytes, o.tail ?? false);
    let channel: ClientChannel | undefined;
    let exitCode: number | null = null;
    let sawExit = false;
    let done = false;
    const kill = () => {
      if (!channel) return;
      try {
        channel.signal('KILL');
      } catch {
        // OpenSSH ignores signal requests on exec channels without a pty; closing the channel is what we can do
      }
      channel.close();
    };
    const finish = (code: number | null, error?: TransportError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolvePromise(out.result(code, error));
    };
    const timer = setTimeout(() => {
      kill();
      finish(null, {
        kind: 'timeout',
        message: `command did not finish within ${seconds(o.timeoutMs)} and was killed`,
      });
    }, o.timeoutMs);

    try {
      client.exec(command, (err, stream) => {
        if (err) {
          finish(null, { kind: 'other', message: `cannot open an SSH channel: ${err.message}` });
          return;
        }
        channel = stream;
        if (done) {
          kill();
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          out.stdout.push(chunk);
          if (o.stopWhenFull && out.stdout.full) {
            out.stdout.truncated = true; // killed while still writing: there was more
            kill();
            finish(null); // truncated: the flood was cut at the cap
          }
        });
        stream.stderr.on('data', (chunk: Buffer) => out.stderr.push(chunk));
        stream.on('exit', (code: number | null) => {
          sawExit = true;
          exitCode = typeof code === 'number' ? code : null;
        });
        stream.on('close', () => {
          if (sawExit) finish(exitCode);
          else finish(null, { kind: 'other', message: 'the channel closed without an exit status (connection lost?)' });
        });
        stream.on('error', () => {});
        if (o.input !== undefined) stream.end(o.input);
        else stream.end();
      });
    } catch (e) {
      finish(null, { kind: 'unreachable', message: `cannot run the command: ${(e as Error).message}` });
    }
  });
}

/**
 * Shell code a worker runs once: `sr_run SECONDS WORD...` runs one external command under the C locale, killed with
 * its whole process group by timeout(1) when the host has it. Probes only ever reach the worker through sr_run or a
 * subshell, so none can change the worker's directory, variables or traps.
 */
const WORKER_SETUP =
  'SR_T=; command -v timeout >/dev/null 2>&1 && SR_T=1; ' +
  'sr_run() { sr_t=$1; shift; if [ -n "$SR_T" ]; then LC_ALL=C timeout -s KILL "$sr_t" "$@"; else LC_ALL=C "$@"; fi; }';

// Words the shell would treat specially as the first word of a command: these always go through `sh -c`.
const SHELL_WORDS = new Set(
  (
    '! { } . : [ [[ alias bg break case cd command continue do done elif else esac eval exec exit export false ' +
    'fc fg fi for getopts hash if jobs kill local printf pwd read readonly return set shift source test then ' +
    'times trap true type ulimit umask unalias unset until wait while echo'
  ).split(' '),
);

/**
 * The words of a plain command (no quoting, expansion, redirection or operators), so a worker can run it without an
 * extra `sh -c`; undefined for anything the shell would have to interpret.
 */
export function plainWords(command: string): string[] | undefined {
  const trimmed = command.trim();
  if (!/^[A-Za-z0-9_/.,:@%+=-]+(?:[ \t]+[A-Za-z0-9_/.,:@%+=-]+)*$/.test(trimmed)) return undefined;
  const words = trimmed.split(/[ \t]+/);
  const first = words[0]!;
  if (SHELL_WORDS.has(first) || first.includes('=')) return undefined;
  return words;
}

/** The line a shell worker runs for one probe (see WORKER_SETUP). */
export function workerLine(command: string, o: { sudo: boolean; remoteTimeoutSec: number }): string {
  const secs = Math.max(1, Math.ceil(o.remoteTimeoutSec));
  // Under sudo, timeout(1) must run as root to be allowed to kill the probe: keep the full wrapper, in a subshell.
  if (o.sudo) return `( ${wrapCommand(command, { sudo: true, remoteTimeoutSec: secs })}\n)`;
  const words = plainWords(command);
  return `sr_run ${secs} ${words ? words.join(' ') : `sh -c ${shellQuote(command)}`}`;
}

/**
 * Finds an end marker in a byte stream that arrives in chunks: bytes before it go to `sink`, and the marker may
 * straddle chunks (the last marker-length bytes are held back until the next chunk decides).
 */
class MarkerReader {
  private pending: Buffer = Buffer.alloc(0);
  constructor(
    private readonly marker: Buffer,
    private readonly sink: (bytes: Buffer) => void,
  ) {}

  /** Hands over what was held back (the job ended without its marker: timeout, lost channel). */
  flush(): void {
    if (this.pending.length > 0) this.sink(this.pending);
    this.pending = Buffer.alloc(0);
  }

  /** The bytes after the marker once it was seen, else undefined. */
  feed(chunk: Buffer): Buffer | undefined {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      if (at > 0) this.sink(buf.subarray(0, at));
      this.pending = Buffer.alloc(0);
      return buf.subarray(at + this.marker.length);
    }
    const keep = Math.min(buf.length, this.marker.length - 1);
    if (buf.length - keep > 0) this.sink(buf.subarray(0, buf.length - keep));
    this.pending = Buffer.from(buf.subarray(buf.length - keep));
    return undefined;
  }
}

/**
 * A long-lived `sh` on one channel that runs probes one after another. Opening an SSH session costs sshd a fork, a
 * login shell (and on Debian, bash sourcing ~/.bashrc: ~200 ms for root with pyenv) per channel; a worker pays that
 * once and then only forks the probe. Each probe runs in a subshell with stdin from /dev/null, and the worker prints a
 * random boundary with the exit status on stdout and the boundary on stderr, so both streams are framed exactly.
 * A timeout or a flood kills the whole worker (its channel); the remote `timeout` wrapper reaps the probe.
 */
class ShellWorker {
  healthy = true;
  private readonly boundary = randomBytes(16).toString('hex');
  private onStdout: ((chunk: Buffer) => void) | undefined;
  private onStderr: ((chunk: Buffer) => void) | undefined;
  private onClose: (() => void) | undefined;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (chunk: Buffer) => this.onStdout?.(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.onStderr?.(chunk));
    channel.on('error', () => {});
    channel.on('close', () => {
      this.healthy = false;
      this.onClose?.();
    });
  }

  static start(client: Client, timeoutMs: number): Promise<ShellWorker | TransportError> {
    return new Promise((resolvePromise) => {
      try {
        client.exec('exec sh', (err, channel) => {
          if (err) {
            resolvePromise({ kind: 'other', message: `cannot open an SSH channel: ${err.message}` });
            return;
          }
          const worker = new ShellWorker(channel);
          // Defines the runner, and a first empty job swallows whatever the login shell printed (rc files that echo).
          worker
            .job(WORKER_SETUP, { timeoutMs, maxBytes: 64 * 1024, stopWhenFull: false })
            .then((r) => resolvePromise(r.error ? r.error : worker));
        });
      } catch (e) {
        resolvePromise({ kind: 'unreachable', message: `cannot run the command: ${(e as Error).message}` });
      }
    });
  }

  kill(): void {
    this.healthy = false;
    try {
      this.channel.signal('KILL');
    } catch {
      // not supported by every server; closing is what counts
    }
    this.channel.close();
  }

  job(line: string, o: ExecOptions): Promise<ProbeResult> {
    return new Promise((resolvePromise) => {
      const out = new OutputCollector(o.maxBytes, o.tail ?? false);
      const b = this.boundary;
      let exitCode: number | null = null;
      let rcText: string | undefined;
      let stdoutDone = false;
      let stderrDone = false;
      let done = false;
      const finish = (code: number | null, error?: TransportError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          if (rcText === undefined) stdoutReader.flush();
          if (!stderrDone) stderrReader.flush();
        }
        this.onStdout = undefined;
        this.onStderr = undefined;
        this.onClose = undefined;
        resolvePromise(out.result(code, error));
      };
      const maybeDone = () => {
        if (stdoutDone && stderrDone) finish(exitCode);
      };
      const stdoutReader = new MarkerReader(Buffer.from(`\n${b} `), (bytes) => {
        out.stdout.push(bytes);
        if (o.stopWhenFull && out.stdout.full) {
          out.stdout.truncated = true; // a flood: cut it at the cap and stop the worker running it
          this.kill();
          finish(null);
        }
      });
      const stderrReader = new MarkerReader(Buffer.from(`\n${b}\n`), (bytes) => out.stderr.push(bytes));
      this.onStdout = (chunk) => {
        if (rcText === undefined) {
          const rest = stdoutReader.feed(chunk);
          if (rest === undefined) return;
          rcText = '';
          chunk = rest;
        }
        rcText += chunk.toString('latin1');
        const nl = rcText.indexOf('\n');
        if (nl >= 0) {
          const rc = Number.parseInt(rcText.slice(0, nl), 10);
          exitCode = Number.isNaN(rc) ? null : rc;
          stdoutDone = true;
          maybeDone();
        }
      };
      this.onStderr = (chunk) => {
        if (stderrDone) return;
        if (stderrReader.feed(chunk) !== undefined) {
          stderrDone = true;
          maybeDone();
        }
      };
      this.onClose = () =>
        finish(null, { kind: 'other', message: 'the SSH channel closed while the command ran (connection lost?)' });
      const timer = setTimeout(() => {
        this.kill();
        finish(null, {
          kind: 'timeout',
          message: `command did not finish within ${seconds(o.timeoutMs)} and was killed`,
        });
      }, o.timeoutMs);
      if (!this.healthy) {
        finish(null, { kind: 'other', message: 'the SSH channel is closed' });
        return;
      }
      this.channel.write(`${line} </dev/null; printf '\\n%s %d\\n' '${b}' "$?"; printf '\\n%s\\n' '${b}' >&2\n`);
    });
  }
}
