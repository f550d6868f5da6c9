// POSIX shell plumbing shared by the ssh and local transports: quoting, the command wrapper every probe runs in,
// the read-file command, and how a finished command's stderr maps onto a TransportError.
import { posix } from 'node:path';
import type { TransportError } from '../model.js';
import { CappedBuffer, decodeOutput } from './decode.js';
import type { ProbeResult } from './types.js';

/** Quotes one word for a POSIX shell: single quotes, with each embedded quote closed, escaped and reopened. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface WrapOptions {
  sudo?: boolean;
  /** Seconds after which the remote side kills the command's process group itself (coreutils/busybox timeout). */
  remoteTimeoutSec?: number;
}

/**
 * The command line that runs a probe: always a clean, non-login POSIX `sh -c` under the C locale, whatever the
 * account's login shell is (bash would source ~/.bashrc again for a nested login; fish/zsh differ in syntax), so the
 * outer shell only ever sees `exec sh -c '...'`. When `timeout` exists on the host it kills the whole process group
 * of a hung probe, so nothing lingers after the client gave up. `sudo -n` never prompts: it fails with a message.
 */
export function wrapCommand(command: string, options: WrapOptions = {}): string {
  const q = shellQuote(command);
  const limit = options.remoteTimeoutSec;
  const inner =
    'LC_ALL=C; export LC_ALL; ' +
    (limit && limit > 0
      ? `command -v timeout >/dev/null 2>&1 && exec timeout -s KILL ${Math.ceil(limit)} sh -c ${q}; exec sh -c ${q}`
      : `exec sh -c ${q}`);
  return options.sudo ? `exec sudo -n -- sh -c ${shellQuote(inner)}` : `exec sh -c ${shellQuote(inner)}`;
}

/**
 * Joins a probe path below a root prefix (Lynis --rootdir); `..` cannot climb out of the root. Idempotent: a path
 * already below the root is returned as is, so a caller and a transport that both apply the root agree.
 */
export function rootedPath(path: string, rootdir?: string): string {
  if (!rootdir) return path;
  const root = posix.normalize(rootdir).replace(/\/+$/, '') || '/';
  const inside = posix.normalize(`/${path}`);
  if (root !== '/' && (inside === root || inside.startsWith(`${root}/`))) return inside;
  return posix.join(root, inside);
}

/**
 * Reads a file with a command, so the same code works locally, over ssh and under sudo. `head`/`tail -c` stop at the
 * cap plus one byte: the remote side never streams a 10 GB log, and the extra byte tells us something was cut.
 */
export function readFileCommand(path: string, maxBytes: number, tail = false): string {
  return `${tail ? 'tail' : 'head'} -c ${maxBytes + 1} -- ${shellQuote(path)}`;
}

/** sudo's own refusals, recognised on stderr (sudo prints them in English whatever the locale with LC_ALL=C). */
export function sudoError(stderr: string, exitCode: number | null): TransportError | undefined {
  if (/sudo: a password is required|sudo: a terminal is required|sudo: \d+ incorrect password/i.test(stderr)) {
    return {
      kind: 'sudo-password-required',
      message:
        'sudo asks for a password (sudo -n refused); allow the audit account NOPASSWD for read-only commands ' +
        'or run without sudo',
    };
  }
  if (/is not in the sudoers file|is not allowed to (execute|run sudo)|may not run sudo/i.test(stderr)) {
    return { kind: 'permission-denied', message: `sudo refused: ${firstLine(stderr)}` };
  }
  if (exitCode === 127 && /sudo: (command )?not found|sudo: No such file/i.test(stderr)) {
    return { kind: 'unsupported', message: 'sudo is not installed on the host' };
  }
  return undefined;
}

/** Failure kinds of a read-file command, from its stderr (C locale). */
export function readFileError(stderr: string, exitCode: number | null, path: string): TransportError | undefined {
  if (exitCode === 0 || exitCode === null) return undefined;
  if (/No such file or directory/i.test(stderr)) return { kind: 'not-found', message: `${path}: no such file` };
  if (/Permission denied|Operation not permitted/i.test(stderr)) {
    return { kind: 'permission-denied', message: `${path}: permission denied` };
  }
  if (/Is a directory/i.test(stderr)) return { kind: 'other', message: `${path}: is a directory` };
  return { kind: 'other', message: `${path}: read failed (exit ${exitCode}): ${firstLine(stderr)}` };
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line.trim();
}

/** Collects one command's two output streams under a byte cap each and turns them into a ProbeResult. */
export class OutputCollector {
  readonly stdout: CappedBuffer;
  readonly stderr: CappedBuffer;
  private readonly started = Date.now();

  constructor(maxBytes: number, keepTail = false) {
    this.stdout = new CappedBuffer(maxBytes, keepTail);
    // stderr is diagnostics: its head is what explains a failure.
    this.stderr = new CappedBuffer(Math.min(maxBytes, 256 * 1024));
  }

  result(exitCode: number | null, error?: TransportError): ProbeResult {
    const out = decodeOutput(this.stdout.toBuffer());
    const err = decodeOutput(this.stderr.toBuffer());
    const result: ProbeResult = {
      stdout: out.text,
      stderr: err.text,
      exitCode,
      truncated: this.stdout.truncated,
      durationMs: Date.now() - this.started,
    };
    if (out.binary) result.binary = true;
    if (error) result.error = error;
    return result;
  }
}

/** A result for a probe that never ran (the host was unreachable, the configuration was wrong). */
export function failedResult(error: TransportError, durationMs = 0): ProbeResult {
  return { stdout: '', stderr: '', exitCode: null, truncated: false, durationMs, error };
}

/**
 * After a command finished: sudo refusals first (they explain everything else), then for file reads the read
 * errors. Plain commands keep their exit code and stderr uninterpreted: that is the parsers' business.
 */
export function classifyFinished(result: ProbeResult, context: { sudo?: boolean; readPath?: string }): ProbeResult {
  if (result.error) return result;
  const error =
    (context.sudo ? sudoError(result.stderr, result.exitCode) : undefined) ??
    (context.readPath !== undefined ? readFileError(result.stderr, result.exitCode, context.readPath) : undefined);
  if (error) result.error = error;
  return result;
}

/** One command for describe(): kernel name, hostname, kernel release and os-release, split by marker lines. */
export const DESCRIBE_COMMAND =
  "uname -s; echo '--socready--'; (hostname 2>/dev/null || uname -n); echo '--socready--'; uname -r; echo " +
  "'--socready--'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null";

export function parseDescribe(stdout: string): import('./types.js').HostInfo {
  const [system = '', hostname = '', kernel = '', osRelease = ''] = stdout
    .split(/^--socready--$/m)
    .map((s) => s.trim());
  const fields = new Map<string, string>();
  for (const line of osRelease.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const os =
    fields.get('PRETTY_NAME') ?? ([fields.get('NAME'), fields.get('VERSION')].filter(Boolean).join(' ') || undefined);
  const info: import('./types.js').HostInfo = { platform: /linux/i.test(system) ? 'linux' : 'unknown' };
  if (hostname) info.hostname = hostname;
  if (os) info.os = os;
  if (kernel) info.kernel = kernel;
  return info;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}
