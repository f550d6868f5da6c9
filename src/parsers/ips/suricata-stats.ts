// Capture and decoder health from Suricata's stats.log: the last counters dump (a "Date: ... (uptime: ...)" header,
// then `counter | thread | value` rows). Counters are totals since start, so the drop share is over the uptime.
import { InconclusiveError } from '../../checks/types.js';
import { defineParser } from '../define.js';
import { fileText } from '../linux/util.js';

export interface SuricataStats {
  date: string;
  counters: Record<string, number>;
}

/** The last complete dump of a stats.log text (the probe reads the end of the file, so the first block may be cut). */
export function lastStatsDump(text: string): SuricataStats | undefined {
  const blocks = text.split(/^Date: /m).slice(1);
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    const counters: Record<string, number> = {};
    for (const m of block.matchAll(/^([a-z][\w.]*)\s*\|\s*Total\s*\|\s*(\d+)\s*$/gm)) counters[m[1]!] = Number(m[2]);
    if (Object.keys(counters).length > 0) return { date: block.split('\n')[0]!.trim(), counters };
  }
  return undefined;
}

export const suricataStats = defineParser({
  name: 'suricata-stats',
  probes: ['suricata-stats-log'],
  facts: ['present', 'date', 'kernel_packets', 'kernel_drops', 'drop_percent', 'decoder_invalid', 'reason'],
  parse: (outputs) => {
    const text = fileText(outputs, 'suricata-stats-log');
    if (text === undefined)
      return {
        present: false,
        date: null,
        kernel_packets: null,
        kernel_drops: null,
        drop_percent: null,
        decoder_invalid: null,
        reason: '',
      };
    const dump = lastStatsDump(text);
    if (!dump)
      throw new InconclusiveError(
        'stats.log holds no counters dump (the stats output is off or Suricata has not run long enough)',
      );
    const c = dump.counters;
    // AF_PACKET/PF_RING report capture.kernel_*; NFQ/inline modes have no kernel counters: unknown, not zero.
    const packets = c['capture.kernel_packets'] ?? null;
    const drops = c['capture.kernel_drops'] ?? null;
    const percent = packets && drops !== null ? Math.round((drops / packets) * 10000) / 100 : null;
    return {
      present: true,
      date: dump.date,
      kernel_packets: packets,
      kernel_drops: drops,
      drop_percent: percent,
      decoder_invalid: c['decoder.invalid'] ?? null,
      reason:
        percent === null
          ? 'no capture.kernel_* counters in the last dump'
          : `${drops} of ${packets} packets dropped by the kernel (${percent}%) as of ${dump.date}`,
    };
  },
});
