// Inventory tests: an inventory written from YAML text into a temporary file and loaded by the real loader, and the
// InputError a bad one must raise (its field and message are what the tests read).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { InputError } from '../../src/util/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-inv-'));
let count = 0;

/** Loads `version: 1\ntargets:\n<targets>` (targets as YAML list items) from a file of its own. */
export function loadTargets(targets: string): ReturnType<typeof loadInventory> {
  const file = join(dir, `inventory-${++count}.yaml`);
  writeFileSync(file, `version: 1\ntargets:\n${targets}`);
  return loadInventory(file);
}

/** The InputError `fn` throws; anything else (or nothing) fails the test. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
