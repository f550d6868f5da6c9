// Whole-file reads with a stated size limit: a file past the limit is refused (an InputError naming the file, its
// size and the limit) before it is parsed, so an oversized input costs neither the time nor the memory of parsing.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './validate.js';

const MiB = 1024 * 1024;

/**
 * The stated limits (README, "Input size limits"). YAML is the tightest: the yaml package keeps a syntax tree and a
 * document of about 100 bytes of memory per byte of input, so 4 MiB of YAML already needs ~450 MB.
 */
export const INPUT_LIMITS = {
  /** Inventory, questionnaire, waivers, native and XSOAR playbooks, Sigma rule files. */
  yaml: 4 * MiB,
  /** CACAO playbooks (JSON) and alert files. */
  playbook: 32 * MiB,
  /** A report.json read back (report, diff, trend, coverage --report). */
  report: 256 * MiB,
} as const;

const fmt = (n: number) => `${n} bytes${n >= MiB ? ` (${(n / MiB).toFixed(1)} MiB)` : ''}`;

/**
 * Reads a file as UTF-8, refusing it when it is larger than `maxBytes`. Reads at most `maxBytes + 1` bytes, so a file
 * whose size the file system does not state (a pipe, a device) is refused the same way.
 */
export function readCapped(file: string, maxBytes: number, what = 'this input'): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const tooLarge = (n: number) => new InputError(file, `is ${n > maxBytes && n === size ? fmt(n) : `more than ${fmt(maxBytes)}`}; the limit for ${what} is ${fmt(maxBytes)}`);
    if (size > maxBytes) throw tooLarge(size);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(size + 1, 64 * 1024)));
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(total);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `cannot read: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
