// The matching engine: rules indexed by log source, a literal prefilter per log-source bucket, meta-filters folded
// into their rules, and correlation rules fed by the rules they reference (chains included).
import { CorrelationState } from './correlation.js';
import { Prefilter } from './prefilter.js';
import {
  type AnyRule,
  type CorrelationRule,
  type CompiledDetectionRule,
  type EventLogSource,
  type FilterRule,
  type LoadFailure,
  MatchContext,
  type SigmaEvent,
} from './types.js';

export type ReportedRule = CompiledDetectionRule | CorrelationRule;
export type OnMatch = (rule: ReportedRule, event: SigmaEvent) => void;

interface Bucket {
  rules: CompiledDetectionRule[];
  /** Each bucket rule's position in `detections`: the id worker threads and the main thread share. */
  index: number[];
  prefilter: Prefilter;
}

/** Whether a rule written for `ls` applies to an event routed to `ev` (an event with no routing sees every rule). */
export function appliesTo(ls: { product?: string; category?: string; service?: string }, ev: EventLogSource): boolean {
  if (!ev.product && ev.categories.length === 0 && ev.services.length === 0) return true;
  if (ls.product && ls.product !== ev.product) return false;
  if (ls.category && !ev.categories.includes(ls.category)) return false;
  if (ls.service && !ev.services.includes(ls.service)) return false;
  return true;
}

export class SigmaEngine {
  readonly detections: CompiledDetectionRule[] = [];
  readonly correlations: CorrelationRule[] = [];
  readonly filters: FilterRule[] = [];
  /** Rules that could not be linked (a correlation naming an unknown rule, a reference cycle). */
  readonly failures: LoadFailure[] = [];
  readonly warnings: LoadFailure[] = [];
  /** Rules reported on their own (not only as parts of a correlation). */
  private readonly reported = new Set<string>();
  private readonly listeners = new Map<ReportedRule, { state: CorrelationState; ref: number }[]>();
  private readonly states: CorrelationState[] = [];
  private readonly buckets = new Map<string, Bucket>();

  constructor(rules: AnyRule[]) {
    for (const r of rules) {
      if (r.kind === 'detection') this.detections.push(r);
      else if (r.kind === 'correlation') this.correlations.push(r);
      else this.filters.push(r);
    }
    for (const r of this.detections)
      for (const w of r.warnings) this.warnings.push({ path: r.path, error: `${r.id}: ${w}` });
    this.applyFilters();
    this.linkCorrelations();
  }

  private lookup(ref: string): ReportedRule[] {
    return [...this.detections, ...this.correlations].filter((r) => r.id === ref || r.name === ref);
  }

  private applyFilters(): void {
    for (const f of this.filters) {
      for (const ref of f.rules) {
        const targets = this.detections.filter((r) => r.id === ref || r.name === ref);
        if (targets.length === 0)
          this.warnings.push({ path: f.path, error: `filter "${f.title}" names rule ${ref}, which is not loaded` });
        for (const t of targets) {
          const clash = (['product', 'category', 'service'] as const).find(
            (k) => f.logsource[k] && t.logsource[k] && f.logsource[k] !== t.logsource[k],
          );
          if (clash) {
            this.warnings.push({
              path: f.path,
              error: `filter "${f.title}" not applied to ${t.id}: logsource ${clash} differs`,
            });
            continue;
          }
          const base = t.matcher;
          const exclude = f.matcher;
          t.matcher = (ctx) => base(ctx) && !exclude(ctx);
          // A filter only removes matches, so the rule's literal hints stay valid.
        }
      }
    }
  }

  private linkCorrelations(): void {
    const bad = new Set<CorrelationRule>();
    const resolved = new Map<CorrelationRule, ReportedRule[]>();
    for (const c of this.correlations) {
      const targets: ReportedRule[] = [];
      for (const ref of c.rules) {
        const found = this.lookup(ref);
        if (found.length === 0) {
          this.failures.push({
            path: c.path,
            error: `correlation "${c.title}" references rule "${ref}", which is not loaded or failed to load`,
          });
          bad.add(c);
        } else if (found.length > 1) {
          this.failures.push({
            path: c.path,
            error: `correlation "${c.title}": rule reference "${ref}" is ambiguous (${found.length} rules)`,
          });
          bad.add(c);
        } else targets.push(found[0]!);
      }
      resolved.set(c, targets);
    }
    // Cycles and chains through failed correlations.
    const visiting = new Set<CorrelationRule>();
    const ok = new Map<CorrelationRule, boolean>();
    const check = (c: CorrelationRule): boolean => {
      if (ok.has(c)) return ok.get(c)!;
      if (visiting.has(c)) {
        this.failures.push({ path: c.path, error: `correlation "${c.title}" is part of a reference cycle` });
        ok.set(c, false);
        return false;
      }
      visiting.add(c);
      let good = !bad.has(c);
      for (const t of resolved.get(c) ?? []) if (t.kind === 'correlation' && !check(t)) good = false;
      visiting.delete(c);
      if (!good && !bad.has(c))
        this.failures.push({ path: c.path, error: `correlation "${c.title}" depends on a correlation that failed` });
      ok.set(c, good);
      return good;
    };
    const live = this.correlations.filter((c) => check(c));
    this.correlations.splice(0, this.correlations.length, ...live);

    const hidden = new Set<ReportedRule>();
    for (const c of live) {
      const targets = resolved.get(c)!;
      const state = new CorrelationState(
        c,
        targets.map((t) => [t.id, ...(t.name ? [t.name] : [])]),
      );
      this.states.push(state);
      targets.forEach((t, ref) => {
        let l = this.listeners.get(t);
        if (!l) {
          l = [];
          this.listeners.set(t, l);
        }
        l.push({ state, ref });
        if (!c.generate) hidden.add(t);
      });
    }
    // Rules referenced only by failed correlations are still reported on their own (they are not in `hidden`).
    for (const r of [...this.detections, ...live]) if (!hidden.has(r)) this.reported.add(r.id + r.path + r.doc);
  }

  /** True when the rule's matches are reported on their own (not only feeding a correlation). */
  isReported(rule: ReportedRule): boolean {
    return this.reported.has(rule.id + rule.path + rule.doc);
  }

  /** Routed log sources are shared objects (readers cache them), so the bucket is looked up by identity first. */
  private readonly byObject = new WeakMap<EventLogSource, Bucket>();

  private bucketFor(ls: EventLogSource): Bucket {
    const known = this.byObject.get(ls);
    if (known) return known;
    const key = `${ls.product ?? ''}|${ls.categories.join(',')}|${ls.services.join(',')}`;
    let b = this.buckets.get(key);
    if (!b) {
      const index: number[] = [];
      this.detections.forEach((r, i) => {
        if (appliesTo(r.logsource, ls)) index.push(i);
      });
      const rules = index.map((i) => this.detections[i]!);
      b = { rules, index, prefilter: new Prefilter(rules) };
      this.buckets.set(key, b);
    }
    this.byObject.set(ls, b);
    return b;
  }

  /** Matches one event; `onMatch` hears reported detection matches and correlation firings. */
  process(event: SigmaEvent, onMatch: OnMatch): void {
    this.eachMatch(event, (bucket, k) => this.emit(bucket.rules[k]!, event, onMatch));
  }

  /**
   * The detection rules matching one event, as positions in `detections`, in the order `process` reports them;
   * appended to `out`. Correlations are not fed: a worker thread matches, the main thread calls `emitDetection`.
   */
  matchIndices(event: SigmaEvent, out: number[]): void {
    this.eachMatch(event, (bucket, k) => out.push(bucket.index[k]!));
  }

  /** Runs the prefilter's candidates of the event's bucket, in rule order; `hit` hears each matching one. */
  private eachMatch(event: SigmaEvent, hit: (bucket: Bucket, position: number) => void): void {
    const bucket = this.bucketFor(event.logsource);
    if (bucket.rules.length === 0) return;
    const prefilter = bucket.prefilter;
    const cands = prefilter.candidates(event);
    if (cands.length === 0) return;
    const ctx = new MatchContext(event);
    const rules = bucket.rules;
    prefilter.lock(true);
    try {
      for (let i = 0; i < cands.length; i++) if (rules[cands[i]!]!.matcher(ctx)) hit(bucket, cands[i]!);
    } finally {
      prefilter.lock(false);
    }
  }

  /** Reports a match found elsewhere (`matchIndices` in a worker) as `process` would have: correlations included. */
  emitDetection(index: number, event: SigmaEvent, onMatch: OnMatch): void {
    const rule = this.detections[index];
    if (!rule) throw new Error(`no detection rule at position ${index}`);
    this.emit(rule, event, onMatch);
  }

  /** Rule ids matching one event, ignoring correlations (handy for tests and sample checks). */
  matchIds(event: SigmaEvent): string[] {
    const ctx = new MatchContext(event);
    return this.bucketFor(event.logsource)
      .rules.filter((r) => r.matcher(ctx))
      .map((r) => r.id);
  }

  private emit(rule: ReportedRule, event: SigmaEvent, onMatch: OnMatch): void {
    if (this.reported.has(rule.id + rule.path + rule.doc)) onMatch(rule, event);
    const ls = this.listeners.get(rule);
    if (ls) for (const { state, ref } of ls) state.add(event, ref, (c, e) => this.emit(c, e, onMatch));
  }

  /** End of input: closes open correlation windows. */
  flush(onMatch: OnMatch): void {
    for (const s of this.states) s.flush((c, e) => this.emit(c, e, onMatch));
  }

  /** Clears correlation state, so the same compiled rules can judge an unrelated set of events. */
  reset(): void {
    for (const s of this.states) s.reset();
  }

  /** Correlation groups held in memory, summed over all correlation rules. */
  correlationGroups(): number {
    return this.states.reduce((n, s) => n + s.size, 0);
  }

  /** What the prefilter reads from an event routed to `ls` (for benchmarks: the floor of any matching work). */
  prefilterReads(ls: EventLogSource): { fields: string[]; everyValue: boolean } {
    return this.bucketFor(ls).prefilter.reads();
  }

  /** Prefilter statistics for benchmarks: rules per bucket and how many run without literal hints. */
  stats(): { buckets: { key: string; rules: number; always: number }[] } {
    return {
      buckets: [...this.buckets].map(([key, b]) => ({ key, rules: b.rules.length, always: b.prefilter.always.length })),
    };
  }
}
