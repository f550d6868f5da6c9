// Correlation rule state machines. Events reach a correlation when one of its referenced rules matched them.
//
// Window semantics (the specification leaves them to the tool):
// - event_count, value_count, value_sum, value_avg with only lower bounds (gt, gte, neq) use a sliding window:
//   evaluated on every arrival, fire once, then the group starts afresh.
// - Conditions with an upper bound or eq (lt, lte, eq) can only be decided when a window closes: a tumbling window
//   opens at a group's first event and is evaluated when a later event falls outside it, or at the end of input.
// - value_percentile: at window close, each distinct value whose share of the group's events (in percent) meets the
//   condition fires once (e.g. `lte: 1` finds values seen in at most 1% of the events: rare processes).
// - temporal: all referenced rules (or `condition` many of them) matched within the timespan, in any order.
// - temporal_ordered: the referenced rules matched in the order listed, all within the timespan.
import type { CorrelationRule, CountCondition, SigmaEvent } from './types.js';

export function meets(c: CountCondition, n: number): boolean {
  if (c.gt !== undefined && !(n > c.gt)) return false;
  if (c.gte !== undefined && !(n >= c.gte)) return false;
  if (c.lt !== undefined && !(n < c.lt)) return false;
  if (c.lte !== undefined && !(n <= c.lte)) return false;
  if (c.eq !== undefined && n !== c.eq) return false;
  if (c.neq !== undefined && n === c.neq) return false;
  return true;
}

interface Entry {
  t: number;
  v: unknown;
}

interface Group {
  entries: Entry[];
  /** Time of the group's latest event, for evicting idle groups. */
  seenAt: number;
  /** Tumbling window start. */
  start?: number;
  last?: SigmaEvent;
  /** temporal: last time each referenced rule matched; temporal_ordered: chain start reaching each step. */
  seen?: (number | undefined)[];
}

export type Fire = (rule: CorrelationRule, event: SigmaEvent) => void;

export class CorrelationState {
  private groups = new Map<string, Group>();
  private readonly tumbling: boolean;
  private adds = 0;

  constructor(
    readonly rule: CorrelationRule,
    /** For each referenced rule (in order): the keys (id and name) an alias table may use for it. */
    private readonly refKeys: string[][],
  ) {
    const c = rule.condition;
    this.tumbling =
      rule.type === 'value_percentile' ||
      ((rule.type === 'event_count' || rule.type.startsWith('value_')) &&
        (c.lt !== undefined || c.lte !== undefined || c.eq !== undefined));
  }

  private fieldFor(groupField: string, ref: number): string {
    const alias = this.rule.aliases[groupField];
    if (!alias) return groupField;
    for (const k of this.refKeys[ref] ?? []) if (alias[k] !== undefined) return alias[k]!;
    return groupField;
  }

  private groupKey(event: SigmaEvent, ref: number): string {
    if (this.rule.groupBy.length === 0) return '';
    const parts = this.rule.groupBy.map((g) => {
      const v = event.get(this.fieldFor(g, ref));
      return v === undefined || v === null ? '' : String(v).toLowerCase();
    });
    return parts.length === 1 ? parts[0]! : JSON.stringify(parts);
  }

  /** One event matched referenced rule number `ref`. */
  add(event: SigmaEvent, ref: number, fire: Fire): void {
    const t = event.time ?? 0;
    const key = this.groupKey(event, ref);
    const span = this.rule.timespanMs;
    // Memory stays bounded on long streams: groups idle for longer than the timespan can no longer fire.
    if (++this.adds % 4096 === 0) this.evict(t - span, fire);
    let g = this.groups.get(key);
    if (!g) {
      g = { entries: [], seenAt: t };
      this.groups.set(key, g);
    }
    g.seenAt = t;
    const type = this.rule.type;

    if (type === 'temporal' || type === 'temporal_ordered') {
      const n = this.refKeys.length;
      if (!g.seen) g.seen = new Array(n).fill(undefined);
      const seen = g.seen;
      if (type === 'temporal') {
        seen[ref] = t;
        const count = seen.filter((s) => s !== undefined && Math.abs(t - s) <= span).length;
        const need = Object.keys(this.rule.condition).length ? meets(this.rule.condition, count) : count === n;
        if (need) {
          fire(this.rule, event);
          g.seen = undefined;
        }
      } else {
        // seen[i]: the latest start time of an in-order chain that has reached step i.
        if (ref === 0) seen[0] = t;
        else {
          const prev = seen[ref - 1];
          if (prev !== undefined && t - prev <= span) seen[ref] = Math.max(seen[ref] ?? prev, prev);
        }
        const done = seen[n - 1];
        if (done !== undefined && t - done <= span) {
          fire(this.rule, event);
          g.seen = undefined;
        }
      }
      return;
    }

    let v: unknown;
    if (this.rule.field !== undefined) {
      v = event.get(this.fieldFor(this.rule.field, ref));
      if (Array.isArray(v)) v = v[0];
      if (v === undefined || v === null || v === '') return;
      if (type === 'value_sum' || type === 'value_avg') {
        const num = Number(v);
        if (Number.isNaN(num)) return;
        v = num;
      } else v = String(v).toLowerCase();
    }

    if (this.tumbling) {
      if (g.start !== undefined && t - g.start > span) {
        this.close(g, fire);
        g.entries = [];
        g.start = undefined;
      }
      if (g.start === undefined) g.start = t;
      g.entries.push({ t, v });
      g.last = event;
      return;
    }
    // Sliding window.
    g.entries.push({ t, v });
    let drop = 0;
    while (drop < g.entries.length && t - g.entries[drop]!.t > span) drop++;
    if (drop) g.entries.splice(0, drop);
    if (meets(this.rule.condition, this.measure(g.entries))) {
      fire(this.rule, event);
      g.entries = [];
    }
  }

  private measure(entries: Entry[]): number {
    switch (this.rule.type) {
      case 'event_count':
        return entries.length;
      case 'value_count':
        return new Set(entries.map((e) => e.v)).size;
      case 'value_sum':
        return entries.reduce((s, e) => s + (e.v as number), 0);
      case 'value_avg':
        return entries.length ? entries.reduce((s, e) => s + (e.v as number), 0) / entries.length : 0;
      default:
        return entries.length;
    }
  }

  private close(g: Group, fire: Fire): void {
    if (!g.entries.length || !g.last) return;
    if (this.rule.type === 'value_percentile') {
      const counts = new Map<unknown, number>();
      for (const e of g.entries) counts.set(e.v, (counts.get(e.v) ?? 0) + 1);
      for (const c of counts.values())
        if (meets(this.rule.condition, (100 * c) / g.entries.length)) fire(this.rule, g.last);
      return;
    }
    if (meets(this.rule.condition, this.measure(g.entries))) fire(this.rule, g.last);
  }

  private evict(before: number, fire: Fire): void {
    for (const [k, g] of this.groups) {
      if (g.seenAt >= before) continue;
      if (this.tumbling) this.close(g, fire);
      this.groups.delete(k);
    }
  }

  /** Groups currently held (for memory checks). */
  get size(): number {
    return this.groups.size;
  }

  /** Forgets all state (a new, independent input). */
  reset(): void {
    this.groups.clear();
  }

  /** End of input: decide the windows still open. */
  flush(fire: Fire): void {
    if (!this.tumbling) return;
    for (const g of this.groups.values()) this.close(g, fire);
    this.groups.clear();
  }
}
