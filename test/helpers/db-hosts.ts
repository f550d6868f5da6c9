// A database's Linux host reached over SSH, for canary tests on fixtures: the commands its client runs are answered by
// `run` (the SQL Server or Oracle server the fixtures stand for); nothing else is read.
import type { ProbeResult, Transport } from '../../src/transport/types.js';

export const ok = (stdout: string, stderr = '', exitCode = 0): ProbeResult => ({
  stdout,
  stderr,
  exitCode,
  truncated: false,
  durationMs: 1,
});

export function linuxDbHost(run: Transport['run']): Transport {
  return {
    name: 'ssh',
    open: async () => undefined,
    describe: async () => ({ platform: 'linux' }),
    close: async () => undefined,
    readFile: async () => ok(''),
    run,
  };
}
