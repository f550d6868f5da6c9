// `scan --shard i/n`: which share of the estate one run assesses. A target's shard depends on its own id only (a stable
// hash), so adding or removing other targets never moves it, and every machine of a CI matrix or an Indexed Job agrees.
import { createHash } from 'node:crypto';
import { InputError } from '../util/validate.js';

export interface ShardSpec {
  /** 1-based, as `--shard 2/5` reads (Playwright and Jest count shards the same way). */
  index: number;
  count: number;
}

/** Shards above this are a typo, not a fleet: 1,000 machines each scanning a few hosts is already past sense. */
export const MAX_SHARDS = 10_000;

/** Parses `i/n` (1 <= i <= n); anything else is a usage error naming the option. */
export function parseShard(value: string): ShardSpec {
  const m = /^\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*$/.exec(value);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      '(command line)',
      `--shard takes i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/5; shards count from 1), not "${value}"`,
    );
  }
  return { index, count };
}

/** The 1-based shard of a target id among `count`: the first 48 bits of its SHA-256, modulo count. */
export function shardOf(id: string, count: number): number {
  const h = createHash('sha256').update(id, 'utf8').digest();
  return (h.readUIntBE(0, 6) % count) + 1;
}

export function inShard(id: string, shard: ShardSpec | undefined): boolean {
  return !shard || shardOf(id, shard.count) === shard.index;
}
