// The host command behind the `web-log-sample` live probe: the rotation family's sizes and spans (LOG_STAT_SH) and a
// bounded tail of the current file (the last 2,000 lines of its last MiB), read-only.
import { LOG_STAT_SH } from './logstat.js';

const SEPARATOR = '==> socready sample <==';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function logSampleCommand(path: string): string {
  const p = quote(path);
  return (
    `${LOG_STAT_SH}\nsocready_logstat ${p} ${p} ${p}.* ${p}-*\necho ${quote(SEPARATOR)}\n` +
    // A regular file only: `access_log /dev/stdout` (containers) would make tail read its own pipe until the timeout.
    `if [ -f ${p} ]; then tail -c 1048576 -- ${p} 2>/dev/null | tail -n 2000; fi\ntrue`
  );
}

export function splitLogSample(stdout: string): { stat: string; sample: string } {
  const at = stdout.indexOf(`${SEPARATOR}\n`);
  if (at < 0) return { stat: stdout, sample: '' };
  return { stat: stdout.slice(0, at), sample: stdout.slice(at + SEPARATOR.length + 1) };
}
