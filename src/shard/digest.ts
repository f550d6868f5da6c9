// What the shards of one scan must share, as digests: merge refuses shards that disagree on any of them.
import { createHash } from 'node:crypto';
import type { Catalog } from '../checks/catalog.js';
import { INPUT_LIMITS, readInputText } from '../util/input-file.js';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/**
 * The inventory file's bytes (not its loaded form: that holds absolute paths, which differ between the machines of a
 * matrix); without one, the built-in inventory, the same everywhere.
 */
export function inventoryDigest(file: string | undefined): string {
  if (!file) return sha256('socready built-in inventory');
  return sha256(readInputText(file, { maxBytes: INPUT_LIMITS.yamlBytes }));
}

/** The check catalog as loaded: its checks and probes, without the files they came from. */
export function catalogDigest(catalog: Catalog): string {
  const checks = [...catalog.checks].sort((a, b) => (a.id < b.id ? -1 : 1)).map(({ file: _f, ...c }) => c);
  const probes = [...catalog.probes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  return sha256(JSON.stringify({ checks, probes }));
}

/** The whole estate's target ids in plan order: every shard plans all of them, then keeps its own. */
export function planDigest(ids: string[]): string {
  return sha256(JSON.stringify(ids));
}
