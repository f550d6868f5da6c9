// `socready detect`: load rules, stream events through the engine, count matches per rule.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CHECKS_DIR } from '../paths.js';
import { SigmaEngine, type ReportedRule } from '../sigma/engine.js';
import {
  type LineBatch,
  listEventFiles,
  MAX_PROBLEMS,
  ndjsonLine,
  newStats,
  readEventFile,
  readEventUnits,
  type ReadStats,
} from '../sigma/events/reader.js';
import { type BatchResult, MatchPool } from '../sigma/pool.js';
import { loadRules } from '../sigma/loader.js';
import type { CompileOptions, LoadFailure, SigmaEvent } from '../sigma/types.js';

export const BUILTIN_RULES = join(CHECKS_DIR, 'rules');

/** The JSON contract of `socready detect --format json` (other tools parse it: keep these four keys). */
export interface DetectOutput {
  rules_loaded: number;
  rules_failed: LoadFailure[];
  events: number;
  matches: { rule_id: string; title: string; level: string; count: number }[];
  /** Event files that were refused (gzip bomb, corrupt gzip), with the reason; present only when there are some. */
  files_refused?: { file: string; reason: string }[];
}

export interface DetectRun {
  output: DetectOutput;
  warnings: LoadFailure[];
  read: ReadStats;
}

export interface LoadedEngine {
  engine: SigmaEngine;
  loaded: number;
  failed: LoadFailure[];
}

/** Loads rules into an engine; link failures (unknown correlation references) join the load failures. */
export function buildEngine(rulePaths: string[], opts: CompileOptions = {}): LoadedEngine {
  const r = loadRules(rulePaths, opts);
  const engine = new SigmaEngine(r.rules);
  return {
    engine,
    loaded: engine.detections.length + engine.correlations.length + engine.filters.length,
    failed: [...r.failures, ...engine.failures],
  };
}

/**
 * Below this much input, worker threads cost more than they save: each compiles the rules again (about 5 s of CPU
 * for the whole SigmaHQ corpus), which is worth it only when matching takes longer than that.
 */
export const AUTO_WORKERS_MIN_BYTES = 64 * 1024 * 1024;

/** `--workers auto`: two threads (or one on a single core) for large inputs, one thread otherwise. */
export function autoWorkers(inputBytes: number, cores = availableParallelism()): number {
  return inputBytes >= AUTO_WORKERS_MIN_BYTES ? Math.max(1, Math.min(2, cores)) : 1;
}

/** Total size of the input files, for progress. */
export function totalBytes(paths: string[]): number {
  return listEventFiles(paths).reduce((s, f) => s + statSync(f).size, 0);
}

export function missingPaths(paths: string[]): string[] {
  return paths.filter((p) => !existsSync(p));
}

/** How to run the engine: `workers` above 1 matches NDJSON input on that many worker threads (same output). */
export interface StreamOptions {
  workers?: number;
  /** The rules the engine was built from: each worker compiles them again. */
  rulePaths?: string[];
  placeholders?: Record<string, string[]>;
  /** A running pool (started from this engine's rules) to use and leave open: benchmarks start it untimed. */
  pool?: MatchPool;
  /** Characters of NDJSON lines per batch sent to a worker (tests use small ones to get many batches). */
  batchChars?: number;
}

/** Streams the events of every file through the engine; `onMatch` hears each reported match, in input order. */
export async function streamEvents(
  engine: SigmaEngine,
  eventPaths: string[],
  stats: ReadStats,
  onMatch: (rule: ReportedRule, event: SigmaEvent) => void,
  onBytes?: (bytes: number) => void,
  opts: StreamOptions = {},
): Promise<void> {
  const workers = opts.pool?.size ?? opts.workers ?? 1;
  if (opts.pool) await streamPooled(engine, opts.pool, workers, eventPaths, stats, onMatch, onBytes, opts.batchChars);
  else if (workers > 1) {
    if (!opts.rulePaths) throw new Error('streamEvents: worker threads need the rule paths the engine was built from');
    const pool = await MatchPool.start(workers, engine, opts.rulePaths, opts.placeholders);
    try {
      await streamPooled(engine, pool, workers, eventPaths, stats, onMatch, onBytes, opts.batchChars);
    } finally {
      await pool.close();
    }
  } else {
    let done = 0;
    for (const file of listEventFiles(eventPaths)) {
      const size = statSync(file).size;
      for await (const ev of readEventFile(file, { stats, onBytes: onBytes ? (b) => onBytes(done + b) : undefined }))
        engine.process(ev, onMatch);
      done += size;
    }
  }
  engine.flush(onMatch);
}

/**
 * The worker-pool path: NDJSON batches go to the pool (a few per worker in flight, so memory stays bounded) and their
 * answers are merged strictly in input order; other formats are read and matched here, after the batches before them.
 */
async function streamPooled(
  engine: SigmaEngine,
  pool: MatchPool,
  workers: number,
  eventPaths: string[],
  stats: ReadStats,
  onMatch: (rule: ReportedRule, event: SigmaEvent) => void,
  onBytes?: (bytes: number) => void,
  batchChars?: number,
): Promise<void> {
  const pending: { batch: LineBatch; answer: Promise<BatchResult> }[] = [];
  const mergeOldest = async () => {
    const { batch, answer } = pending.shift()!;
    mergeBatch(engine, batch, await answer, stats, onMatch);
  };
  let done = 0;
  for (const file of listEventFiles(eventPaths)) {
    // Skip reasons are kept in input order: the file before this one is merged first.
    while (pending.length) await mergeOldest();
    const size = statSync(file).size;
    const read = { stats, onBytes: onBytes ? (b: number) => onBytes(done + b) : undefined };
    for await (const unit of readEventUnits(file, read, batchChars)) {
      if ('lines' in unit) {
        pending.push({ batch: unit, answer: pool.submit(unit.lines, unit.tooLong) });
        while (pending.length > 2 * workers) await mergeOldest();
      } else {
        while (pending.length) await mergeOldest();
        engine.process(unit, onMatch);
      }
    }
    done += size;
  }
  while (pending.length) await mergeOldest();
}

/** Adds a worker's answer to the run as if this thread had read the batch: counts, skip reasons, matches. */
function mergeBatch(
  engine: SigmaEngine,
  batch: LineBatch,
  res: BatchResult,
  stats: ReadStats,
  onMatch: (rule: ReportedRule, event: SigmaEvent) => void,
): void {
  stats.events += res.events;
  stats.untimed += res.untimed;
  stats.skipped += res.skipped;
  if (res.timeMin !== undefined && (stats.timeMin === undefined || res.timeMin < stats.timeMin))
    stats.timeMin = res.timeMin;
  if (res.timeMax !== undefined && (stats.timeMax === undefined || res.timeMax > stats.timeMax))
    stats.timeMax = res.timeMax;
  for (const [at, why] of res.problems) {
    if (stats.problems.length >= MAX_PROBLEMS) break;
    stats.problems.push(`${batch.file}:${batch.first + at}: ${why}`);
  }
  const m = new Int32Array(res.matches);
  for (let i = 0; i < m.length; ) {
    const at = m[i]!;
    const n = m[i + 1]!;
    // Only matching lines are read again here, to give listeners and correlations the event itself.
    const ev = ndjsonLine(batch.lines[at]!);
    if (ev === undefined || typeof ev === 'string') throw new Error(`${batch.file}:${batch.first + at}: reread failed`);
    for (let k = 0; k < n; k++) engine.emitDetection(m[i + 2 + k]!, ev, onMatch);
    i += 2 + n;
  }
}

export async function runDetect(opts: {
  rules: string[];
  events: string[];
  placeholders?: Record<string, string[]>;
  onBytes?: (b: number) => void;
  /** Worker threads for NDJSON input (1: match on this thread); the output is the same. */
  workers?: number;
}): Promise<DetectRun> {
  const { engine, loaded, failed } = buildEngine(opts.rules, { placeholders: opts.placeholders });
  const counts = new Map<ReportedRule, number>();
  const read = newStats();
  const count = (r: ReportedRule) => counts.set(r, (counts.get(r) ?? 0) + 1);
  await streamEvents(engine, opts.events, read, count, opts.onBytes, {
    workers: opts.workers,
    rulePaths: opts.rules,
    placeholders: opts.placeholders,
  });
  const matches = [...counts]
    .map(([r, count]) => ({ rule_id: r.id, title: r.title, level: r.level ?? 'medium', count }))
    .sort((a, b) => b.count - a.count || a.rule_id.localeCompare(b.rule_id));
  const output: DetectOutput = { rules_loaded: loaded, rules_failed: failed, events: read.events, matches };
  if (read.refused.length) output.files_refused = read.refused;
  return { output, warnings: engine.warnings, read };
}
