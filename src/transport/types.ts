import type { TransportError } from '../model.js';

export interface RunOptions {
  timeoutMs?: number;
  /** Output cap in bytes; longer output is cut and `truncated` set. */
  maxBytes?: number;
  /** Run through non-interactive `sudo -n` (ssh, local); a password prompt becomes `sudo-password-required`. */
  sudo?: boolean;
  /**
   * Secrets the command reads from its environment (PGPASSWORD, MYSQL_PWD). They never appear on a command line:
   * the local transport sets them in the child's environment, ssh writes them to the command's stdin.
   */
  env?: Record<string, string>;
}

export interface ReadOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Keep the last maxBytes instead of the first (logs). */
  tail?: boolean;
  sudo?: boolean;
}

/** What any probe returns. A failure is data: `error` is set and the run goes on. */
export interface ProbeResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  truncated: boolean;
  durationMs: number;
  /** Raw bytes were not valid UTF-8 and were decoded as latin1 so every byte survives. */
  binary?: boolean;
  error?: TransportError;
  /** A live probe's structured answer (TLS handshakes, canary landings), read by its parser; stdout stays empty. */
  data?: unknown;
}

export interface HostInfo {
  platform: 'linux' | 'windows' | 'unknown';
  hostname?: string;
  os?: string;
  kernel?: string;
}

/**
 * One small interface for every way of reaching a target. Implementations never interpret what they return and never
 * throw for a target's failure: they answer with `error`.
 */
export interface Transport {
  readonly name: string;
  /** Connects (ssh) or checks reachability; an error here makes every probe of the target inconclusive. */
  open(): Promise<TransportError | undefined>;
  run(command: string, options?: RunOptions): Promise<ProbeResult>;
  readFile(path: string, options?: ReadOptions): Promise<ProbeResult>;
  describe(): Promise<HostInfo>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
