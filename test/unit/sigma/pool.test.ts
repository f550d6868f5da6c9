// The worker pool gives the same run as one thread: the same matches in the same order (correlations included), the
// same counts and the same skip reasons with their line numbers, over plain, gzipped and pretty-printed files.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine, runDetect, streamEvents } from '../../../src/detect/run.js';
import { estimateFalsePositives } from '../../../src/detect/estimate.js';
import { newStats, type ReadStats } from '../../../src/sigma/events/reader.js';
import type { SigmaEngine } from '../../../src/sigma/engine.js';
import type { SigmaEvent } from '../../../src/sigma/types.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const SIGMA = join(SHARED_DIR, 'sigma');
const REG = join(SIGMA, 'regression_data');
const tmp = mkdtempSync(join(tmpdir(), 'socready-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every event of the SigmaHQ regression samples, one JSON text each, in file order. */
function regressionDocs(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) {
        const text = readFileSync(p, 'utf8').trim();
        // Files hold one document or an array of them.
        const v = JSON.parse(text.startsWith('[') ? text : `[${text.replace(/}\s*{/g, '},{')}]`) as object[];
        for (const doc of v) out.push(JSON.stringify(doc));
      }
    }
  };
  walk(REG);
  return out;
}

interface Run {
  stats: ReadStats;
  /** Every reported match in order: rule id and the event's values. */
  seq: string[];
}

/** One compiled engine per rule set, reset between runs (compiling the SigmaHQ corpus takes seconds). */
const engines = new Map<string, SigmaEngine>();

async function stream(rules: string[], events: string[], workers: number, batchChars?: number): Promise<Run> {
  const key = rules.join('\n');
  const engine = engines.get(key) ?? buildEngine(rules).engine;
  engines.set(key, engine);
  engine.reset();
  const stats = newStats();
  const seq: string[] = [];
  const on = (r: { id: string }, e: SigmaEvent) => seq.push(`${r.id} ${e.time} ${JSON.stringify(e.values())}`);
  await streamEvents(engine, events, stats, on, undefined, { workers, rulePaths: rules, batchChars });
  return { stats, seq };
}

/**
 * Logins of 7 users every 7 s, each fifth a success, a broken line after the 1,500th: rules for failures and successes,
 * and correlations over them (a sliding count, a tumbling count with an upper bound, an ordered chain).
 */
function authFixture(): { rules: string; events: string[] } {
  const dir = join(tmp, 'corr');
  const rules = join(dir, 'rules.yml');
  const events = [join(dir, 'auth.jsonl')];
  if (existsSync(rules)) return { rules, events };
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    rules,
    [
      'title: failed login\nid: fail\nname: fail\nlogsource: { product: linux, service: auth }',
      'detection: { sel: { outcome: failure }, condition: sel }\n---',
      'title: success\nid: ok\nname: ok\nlogsource: { product: linux, service: auth }',
      'detection: { sel: { outcome: success }, condition: sel }\n---',
      'title: brute force\nid: brute\ncorrelation: { type: event_count, rules: [fail], group-by: [user],',
      '  timespan: 5m, condition: { gte: 3 } }\n---',
      'title: few logins\nid: few\ncorrelation: { type: event_count, rules: [ok], group-by: [user],',
      '  timespan: 10m, condition: { lt: 2 } }\n---',
      'title: fail then success\nid: chain\ncorrelation: { type: temporal_ordered, rules: [fail, ok],',
      '  group-by: [user], timespan: 5m }\n',
    ].join('\n'),
  );
  const lines: string[] = [];
  const t0 = Date.parse('2026-06-01T00:00:00Z');
  for (let i = 0; i < 3000; i++) {
    const user = `u${i % 7}`;
    const outcome = i % 5 === 4 ? 'success' : 'failure';
    const time = new Date(t0 + i * 7_000).toISOString();
    lines.push(JSON.stringify({ '@timestamp': time, user, outcome, product: 'linux', service: 'auth' }));
    if (i === 1500) lines.push('not json at all');
  }
  writeFileSync(join(dir, 'auth.jsonl'), `${lines.join('\n')}\n`);
  return { rules, events };
}

describe('the Sigma worker pool', () => {
  // Each worker compiles the whole corpus (about 5 s of CPU; far more wall time on a loaded machine).
  it('matches the SigmaHQ regression events on 2 workers exactly as on one thread, a bad line included', {
    timeout: 600_000,
  }, async () => {
    const docs = regressionDocs();
    expect(docs.length).toBeGreaterThan(90);
    const half = Math.floor(docs.length / 2);
    const dir = join(tmp, 'reg');
    rmSync(dir, { recursive: true, force: true });
    // a.jsonl: the first half, with a broken line, a non-object and a blank line in the middle; b.json: one
    // pretty-printed document (read on the main thread between the two NDJSON files); c.jsonl.gz: the second half.
    const first = docs.slice(0, half);
    const mid = Math.floor(first.length / 2);
    const a = [...first.slice(0, mid), '{"Event": broken', '[1,2]', '', ...first.slice(mid)];
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), `${a.join('\n')}\n`);
    writeFileSync(join(dir, 'b.json'), JSON.stringify(JSON.parse(docs[0]!), null, 2));
    writeFileSync(join(dir, 'c.jsonl.gz'), gzipSync(`${docs.slice(half).join('\r\n')}\r\n`));
    const rules = [join(SIGMA, 'rules'), join(SIGMA, 'rules-emerging-threats')];

    const one = await stream(rules, [dir], 1);
    // Small batches: many of them in flight across the workers.
    const two = await stream(rules, [dir], 2, 8 * 1024);
    expect(one.stats.events).toBe(docs.length + 1);
    expect(one.seq.length).toBeGreaterThanOrEqual(docs.length);
    expect(one.stats.problems).toEqual([
      `${join(dir, 'a.jsonl')}:${mid + 1}: not JSON`,
      `${join(dir, 'a.jsonl')}:${mid + 2}: not a JSON object`,
    ]);
    expect(two.seq).toEqual(one.seq);
    expect(two.stats).toEqual(one.stats);
  });

  it('feeds correlation rules (2 and 3 workers) the same matches in the same order, so they fire alike', async () => {
    const { rules, events } = authFixture();
    const one = await stream([rules], events, 1);
    const two = await stream([rules], events, 2, 2048);
    const three = await stream([rules], events, 3, 512);
    const ids = new Set(one.seq.map((s) => s.split(' ')[0]));
    expect([...ids].sort()).toEqual(['brute', 'chain', 'few']);
    expect(two.seq).toEqual(one.seq);
    expect(two.stats).toEqual(one.stats);
    expect(three.seq).toEqual(one.seq);
    expect(three.stats).toEqual(one.stats);
    expect(one.stats.problems).toEqual([`${events[0]}:1502: not JSON`]);
  });

  it('reads a file starting with a byte-order mark as one thread does (its first line is not JSON)', async () => {
    const { rules, events } = authFixture();
    const bom = join(tmp, 'bom.jsonl');
    writeFileSync(bom, `\uFEFF${readFileSync(events[0]!, 'utf8')}`);
    const one = await stream([rules], [bom], 1);
    const two = await stream([rules], [bom], 2, 4096);
    expect(one.stats.problems[0]).toBe(`${bom}:1: not JSON`);
    expect(two.stats).toEqual(one.stats);
    expect(two.seq).toEqual(one.seq);
  });

  it('gives the same detect output and false-positive estimate with --workers 2', async () => {
    const fx = authFixture();
    const rules = [fx.rules];
    const events = fx.events;
    const d1 = await runDetect({ rules, events });
    const d2 = await runDetect({ rules, events, workers: 2 });
    expect(d2.output).toEqual(d1.output);
    expect(d2.read).toEqual(d1.read);
    const e1 = await estimateFalsePositives({ rulePaths: rules, exports: events });
    const e2 = await estimateFalsePositives({ rulePaths: rules, exports: events, workers: 2 });
    expect(e2).toEqual(e1);
    expect(e1.alerts_total).toBeGreaterThan(0);
  });
});
