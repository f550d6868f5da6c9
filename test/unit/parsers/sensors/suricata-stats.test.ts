// Capture drops from the end of Suricata's stats.log, in the format Suricata writes it (a dump every 8 s; the probe
// reads the end of the file, so the first dump may be cut). Built here from the documented layout.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import type { ProbeResult } from '../../../../src/transport/types.js';

const catalog = loadCatalog();
const check = catalog.checks.find((c) => c.id === 'ips.suricata.capture-drops')!;
const SEP = '-'.repeat(84);
function dump(date: string, packets: number, drops: number): string {
  return [
    SEP,
    `Date: ${date} (uptime: 0d, 01h 02m 03s)`,
    SEP,
    'Counter                                       | TM Name                   | Value',
    SEP,
    `capture.kernel_packets                        | Total                     | ${packets}`,
    `capture.kernel_drops                          | Total                     | ${drops}`,
    'decoder.pkts                                  | Total                     | 1000000',
    'decoder.invalid                               | Total                     | 12',
    '',
  ].join('\n');
}
const run = (stdout: string, error?: ProbeResult['error']) =>
  evaluateCheck(
    check,
    {
      'suricata-stats-log': {
        stdout,
        stderr: '',
        exitCode: error ? 1 : 0,
        truncated: true,
        durationMs: 1,
        ...(error ? { error } : {}),
      },
    },
    { targetId: 'ids', kind: 'ips' },
  );

describe('Suricata capture drops (stats.log)', () => {
  it('reads the last dump, not a cut first one: 0.2% dropped passes', () => {
    const text =
      'd_packets | Total | ' +
      `5\n${dump('6/4/2026 -- 08:10:05', 900000, 90000)}${dump('6/4/2026 -- 08:10:13', 1000000, 2000)}`;
    const f = run(text);
    expect(f.status).toBe('pass');
    expect(f.reason).toContain('2000 of 1000000 packets dropped by the kernel (0.2%) as of 6/4/2026 -- 08:10:13');
  });

  it('warns between 1% and 5% and fails above 5%', () => {
    expect(run(dump('d', 1000000, 30000)).status).toBe('warn');
    expect(run(dump('d', 1000000, 120000)).status).toBe('fail');
  });

  it('is inconclusive without kernel counters (inline/NFQ modes) and not applicable without stats.log', () => {
    expect(run(dump('d', 1, 0).replace(/capture\.kernel_\w+.*\n/g, '')).status).toBe('inconclusive');
    expect(run('', { kind: 'not-found', message: 'no such file' }).status).toBe('not-applicable');
  });
});
