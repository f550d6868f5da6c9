// The local transport: the same semantics as ssh on the machine socready runs on (sh -c, caps, timeouts, sudo -n),
// with each probe in its own process group so a timeout kills everything the probe started.
import { spawn } from 'node:child_process';
import type { TransportError } from '../model.js';
import {
  classifyFinished,
  DESCRIBE_COMMAND,
  OutputCollector,
  parseDescribe,
  readFileCommand,
  rootedPath,
  seconds,
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

export interface LocalTransportOptions {
  /** File probes read below this directory (a mounted image or a fixture tree). */
  rootdir?: string;
}

export function createLocalTransport(opts: LocalTransportOptions = {}): Transport {
  return new LocalTransport(opts);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

class LocalTransport implements Transport {
  readonly name = 'local';
  private described: HostInfo | undefined;

  constructor(private readonly opts: LocalTransportOptions) {}

  async open(): Promise<TransportError | undefined> {
    return undefined;
  }

  async run(command: string, options: RunOptions = {}): Promise<ProbeResult> {
    const sudo = (options.sudo ?? false) && !isRoot;
    const result = await spawnShell(wrapCommand(command, { sudo }), {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      stopWhenFull: true,
      ...(options.env ? { env: options.env } : {}),
    });
    return classifyFinished(result, { sudo });
  }

  async readFile(path: string, options: ReadOptions = {}): Promise<ProbeResult> {
    const sudo = (options.sudo ?? false) && !isRoot;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const full = rootedPath(path, this.opts.rootdir);
    const result = await spawnShell(wrapCommand(readFileCommand(full, maxBytes, options.tail), { sudo }), {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes,
      tail: options.tail ?? false,
      stopWhenFull: false,
    });
    return classifyFinished(result, { sudo, readPath: full });
  }

  async describe(): Promise<HostInfo> {
    if (this.described) return this.described;
    const r = await this.run(DESCRIBE_COMMAND, { timeoutMs: 15_000, maxBytes: 64 * 1024 });
    this.described = r.error || r.exitCode !== 0 ? { platform: 'unknown' } : parseDescribe(r.stdout);
    return this.described;
  }

  async close(): Promise<void> {}
}

interface SpawnOptions {
  /** Added to the child's environment (secrets: never on its command line). */
  env?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  tail?: boolean;
  stopWhenFull: boolean;
}

function spawnShell(line: string, o: SpawnOptions): Promise<ProbeResult> {
  return new Promise((resolvePromise) => {
    const out = new OutputCollector(o.maxBytes, o.tail ?? false);
    let done = false;
    // detached: its own process group, so kill(-pid) reaches the probe's children too.
    const child = spawn('sh', ['-c', line], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.env ? { env: { ...process.env, ...o.env } } : {}),
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (code: number | null, error?: TransportError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolvePromise(out.result(code, error));
    };
    const timer = setTimeout(() => {
      killGroup();
      finish(null, {
        kind: 'timeout',
        message: `command did not finish within ${seconds(o.timeoutMs)} and was killed`,
      });
    }, o.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      out.stdout.push(chunk);
      if (o.stopWhenFull && out.stdout.full) {
        out.stdout.truncated = true; // killed while still writing: there was more
        killGroup();
        finish(null);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => out.stderr.push(chunk));
    child.on('error', (err) => finish(null, { kind: 'other', message: `cannot start sh: ${err.message}` }));
    // 'close' waits for the pipes too, so all output is in before the result is built.
    child.on('close', (code) => finish(code));
  });
}
