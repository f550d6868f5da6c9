// False-positive estimation: run every rule over real exported logs and report alerts per rule per day. On logs of
// normal operation nearly every alert is one an analyst (or a SOAR playbook) would have had to act on.
import type { ReportedRule } from '../sigma/engine.js';
import { newStats } from '../sigma/events/reader.js';
import type { LoadFailure } from '../sigma/types.js';
import { buildEngine, streamEvents } from './run.js';

export interface RuleNoise {
  rule_id: string;
  title: string;
  level: string;
  alerts: number;
  per_day: number;
  /** Alerts per UTC day (YYYY-MM-DD); alerts on events without a time are in `alerts` only. */
  by_day: Record<string, number>;
}

export interface FalsePositiveEstimate {
  rules_loaded: number;
  rules_failed: LoadFailure[];
  events: number;
  events_without_time: number;
  first?: string;
  last?: string;
  /** Calendar days (UTC) the export spans, at least 1. */
  days: number;
  alerts_total: number;
  alerts_per_day: number;
  /** Every rule that raised an alert, noisiest first. */
  rules: RuleNoise[];
  /** The ten noisiest rules. */
  top_noisy: RuleNoise[];
  skipped_lines: number;
  problems: string[];
  /** Export files that were refused (gzip bomb, corrupt gzip), with the reason. */
  refused_files: { file: string; reason: string }[];
}

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function estimateFalsePositives(opts: {
  rulePaths: string[];
  exports: string[];
  placeholders?: Record<string, string[]>;
  onBytes?: (bytes: number) => void;
  /** Worker threads for NDJSON exports (1: match on this thread); the estimate is the same. */
  workers?: number;
}): Promise<FalsePositiveEstimate> {
  const { engine, loaded, failed } = buildEngine(opts.rulePaths, { placeholders: opts.placeholders });
  const stats = newStats();
  const per = new Map<ReportedRule, { alerts: number; by_day: Record<string, number> }>();
  await streamEvents(
    engine,
    opts.exports,
    stats,
    (rule, ev) => {
      let p = per.get(rule);
      if (!p) {
        p = { alerts: 0, by_day: {} };
        per.set(rule, p);
      }
      p.alerts++;
      if (ev.time !== undefined) {
        const d = dayOf(ev.time);
        p.by_day[d] = (p.by_day[d] ?? 0) + 1;
      }
    },
    opts.onBytes,
    { workers: opts.workers, rulePaths: opts.rulePaths, placeholders: opts.placeholders },
  );
  const days =
    stats.timeMin !== undefined && stats.timeMax !== undefined
      ? Math.round((Date.parse(dayOf(stats.timeMax)) - Date.parse(dayOf(stats.timeMin))) / 86_400_000) + 1
      : 1;
  const rules: RuleNoise[] = [...per]
    .map(([r, p]) => ({
      rule_id: r.id,
      title: r.title,
      level: r.level ?? 'medium',
      alerts: p.alerts,
      per_day: round2(p.alerts / days),
      by_day: p.by_day,
    }))
    .sort((a, b) => b.alerts - a.alerts || a.rule_id.localeCompare(b.rule_id));
  const total = rules.reduce((s, r) => s + r.alerts, 0);
  return {
    rules_loaded: loaded,
    rules_failed: failed,
    events: stats.events,
    events_without_time: stats.untimed,
    first: stats.timeMin !== undefined ? new Date(stats.timeMin).toISOString() : undefined,
    last: stats.timeMax !== undefined ? new Date(stats.timeMax).toISOString() : undefined,
    days,
    alerts_total: total,
    alerts_per_day: round2(total / days),
    rules,
    top_noisy: rules.slice(0, 10),
    skipped_lines: stats.skipped,
    problems: stats.problems,
    refused_files: stats.refused,
  };
}
