// Runs a command in a child process and measures it: exit code, wall time, CPU time and peak resident set (VmHWM
// polled from /proc, Linux). Shared by bench/hostile.ts, bench/fleet.ts and the bounded-memory test.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  seconds: number;
  /** User + system CPU seconds of the child (its own and its reaped children's). */
  cpuSeconds: number;
  peakMb: number;
  stdout: string;
  stderr: string;
}

/** CPU seconds of this process's reaped children so far (cutime + cstime, in clock ticks of 1/100 s). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export function runMeasured(
  command: string,
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; keepStdout?: boolean } = {},
): Promise<Measured> {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = childrenCpu();
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => {
      if (opts.keepStdout || stdout.length < 4000) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d;
    });
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between two polls
      }
    }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      done({
        code,
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        cpuSeconds: childrenCpu() - cpu0,
        peakMb: peakKb / 1024,
        stdout,
        stderr,
      });
    });
  });
}
