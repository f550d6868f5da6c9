import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Only one process may own the kernel audit configuration at a time, and tests that compare two readings of it must
 * not interleave with one that changes it: all of them hold this exclusive flock (the same lock
 * `flock /tmp/socready-auditd.lock <cmd>` takes in a shell). End the returned process's stdin to release it.
 */
export const AUDIT_LOCK = '/tmp/socready-auditd.lock';

export async function acquireAuditLock(): Promise<ChildProcess> {
  const holder = spawn('flock', ['-x', '-w', '300', AUDIT_LOCK, '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    holder.once('exit', (code) => reject(new Error(`could not take ${AUDIT_LOCK} (flock exit ${code})`)));
  });
  return holder;
}
