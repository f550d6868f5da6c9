import { InvalidArgumentError } from 'commander';
import { terminalSafe } from '../util/terminal.js';
import { InputError } from '../util/validate.js';

export const EXIT = { ok: 0, gate: 1, input: 2, internal: 3 } as const;

/** Runs a command body; bad input is one clear line and exit 2, anything unexpected exit 3. */
export async function guarded(body: () => Promise<number | undefined> | number | undefined): Promise<void> {
  try {
    process.exitCode = (await body()) ?? EXIT.ok;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`socready: ${terminalSafe(e.message)}\n`);
      process.exitCode = EXIT.input;
    } else {
      process.stderr.write(`socready: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.internal;
    }
  }
}

/** A whole-number option; a bad value is a usage error (exit 2) reported by commander itself. */
export function parseIntOption(name: string, min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} takes a whole number of at least ${min}, not "${value}"`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}
