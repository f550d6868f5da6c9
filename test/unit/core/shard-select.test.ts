import { describe, expect, it } from 'vitest';
import { parseShard, shardOf } from '../../../src/shard/select.js';

describe('shard selection', () => {
  it('keeps every target in its shard when others are added to the estate', () => {
    const before = Array.from({ length: 200 }, (_, i) => `host-${i}`);
    const placed = new Map(before.map((id) => [id, shardOf(id, 7)]));
    const after = [...before, ...Array.from({ length: 300 }, (_, i) => `new-${i}`)];
    for (const id of before) expect(shardOf(id, 7)).toBe(placed.get(id));
    // Every shard gets a share (the hash spreads ids, it does not pile them into one shard).
    const counts = new Array(8).fill(0);
    for (const id of after) counts[shardOf(id, 7)]++;
    expect(counts[0]).toBe(0);
    for (let i = 1; i <= 7; i++) expect(counts[i]).toBeGreaterThan(40);
  });

  it('reads i/n counted from 1 and refuses anything else with the option named', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/2', '1/2/3'])
      expect(() => parseShard(bad), bad).toThrow(/--shard takes i\/n/);
  });
});
