// `socready detect`: load rules, stream events through the engine, count matches per rule.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS_DIR } from '../paths.js';
import { SigmaEngine, type ReportedRule } from '../sigma/engine.js';
import { listEventFiles, newStats, readEventFile, type ReadStats } from '../sigma/events/reader.js';
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

/** Total size of the input files, for progress. */
export function totalBytes(paths: string[]): number {
  return listEventFiles(paths).reduce((s, f) => s + statSync(f).size, 0);
}

export function missingPaths(paths: string[]): string[] {
  return paths.filter((p) => !existsSync(p));
}

/** Streams the events of every file through the engine; `onEvent` sees each event with the rules it raised. */
export async function streamEvents(
  engine: SigmaEngine,
  eventPaths: string[],
  stats: ReadStats,
  onMatch: (rule: ReportedRule, event: SigmaEvent) => void,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  let done = 0;
  for (const file of listEventFiles(eventPaths)) {
    const size = statSync(file).size;
    for await (const ev of readEventFile(file, { stats, onBytes: onBytes ? (b) => onBytes(done + b) : undefined }))
      engine.process(ev, onMatch);
    done += size;
  }
  engine.flush(onMatch);
}

export async function runDetect(opts: {
  rules: string[];
  events: string[];
  placeholders?: Record<string, string[]>;
  onBytes?: (b: number) => void;
}): Promise<DetectRun> {
  const { engine, loaded, failed } = buildEngine(opts.rules, { placeholders: opts.placeholders });
  const counts = new Map<ReportedRule, number>();
  const read = newStats();
  await streamEvents(engine, opts.events, read, (r) => counts.set(r, (counts.get(r) ?? 0) + 1), opts.onBytes);
  const matches = [...counts]
    .map(([r, count]) => ({ rule_id: r.id, title: r.title, level: r.level ?? 'medium', count }))
    .sort((a, b) => b.count - a.count || a.rule_id.localeCompare(b.rule_id));
  const output: DetectOutput = { rules_loaded: loaded, rules_failed: failed, events: read.events, matches };
  if (read.refused.length) output.files_refused = read.refused;
  return { output, warnings: engine.warnings, read };
}
