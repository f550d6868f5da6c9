// A matching thread of the worker pool (pool.ts): compiles the same rules as the main thread once, then parses and
// matches batches of NDJSON lines, answering per batch the reader's counts and, per matching line, the positions of
// the detection rules it raised. Correlations stay on the main thread, fed in input order.
import { parentPort, workerData } from 'node:worker_threads';
import { SigmaEngine } from './engine.js';
import { MAX_PROBLEMS, ndjsonLine, tooLongWhy } from './events/reader.js';
import { loadRules } from './loader.js';
import type { BatchRequest, BatchResult, PoolWorkerData } from './pool.js';
import { ruleSignature } from './pool.js';

const data = workerData as PoolWorkerData;
const engine = new SigmaEngine(loadRules(data.rulePaths, { placeholders: data.placeholders }).rules);
if (ruleSignature(engine) !== data.signature)
  throw new Error('the worker compiled a different rule set than the main thread (rule files changed meanwhile?)');

function run(req: BatchRequest): BatchResult {
  const lines = req.lines;
  const res: BatchResult = {
    seq: req.seq,
    events: 0,
    untimed: 0,
    skipped: 0,
    problems: [],
    matches: new ArrayBuffer(0),
  };
  const skip = (at: number, why: string) => {
    res.skipped++;
    // The run keeps the first MAX_PROBLEMS reasons, so as many per batch always suffice.
    if (res.problems.length < MAX_PROBLEMS) res.problems.push([at, why]);
  };
  const tooLong = new Set(req.tooLong);
  const hits: number[] = [];
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (tooLong.has(i)) {
      skip(i, tooLongWhy());
      continue;
    }
    const ev = ndjsonLine(lines[i]!);
    if (ev === undefined) continue;
    if (typeof ev === 'string') {
      skip(i, ev);
      continue;
    }
    res.events++;
    const t = ev.time;
    if (t === undefined) res.untimed++;
    else {
      if (res.timeMin === undefined || t < res.timeMin) res.timeMin = t;
      if (res.timeMax === undefined || t > res.timeMax) res.timeMax = t;
    }
    found.length = 0;
    engine.matchIndices(ev, found);
    if (found.length) hits.push(i, found.length, ...found);
  }
  res.matches = Int32Array.from(hits).buffer;
  return res;
}

parentPort!.on('message', (req: BatchRequest) => {
  let res: BatchResult;
  try {
    res = run(req);
  } catch (e) {
    parentPort!.postMessage({ seq: req.seq, error: (e as Error).stack ?? String(e) });
    return;
  }
  parentPort!.postMessage(res, [res.matches]);
});
parentPort!.postMessage({ ready: true });
