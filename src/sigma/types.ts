// Shapes shared by the Sigma engine: loaded rules, events as the matchers see them, and load failures.

/** The log source a rule is written for, or that an event was routed to. */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

/**
 * An event as the engine reads it. Readers map Sigma field names onto their own structure (evtx_dump JSON, ECS, ...)
 * instead of copying every event into a new object.
 */
export interface SigmaEvent {
  /** The value of a field by its Sigma name; undefined when absent. Arrays mean "any of these values". */
  get(field: string): unknown;
  /** Every leaf value of the event, for keyword searches. */
  values(): unknown[];
  /**
   * Optional: the object whose leaf values are exactly `values()`, where for every own key k holding a value other
   * than undefined, `get(k)` returns that same value. Lets the prefilter skip values it already scanned by field.
   */
  valueRecord?(): Readonly<Record<string, unknown>>;
  /** Log sources the event belongs to (one event can be process_creation and sysmon at once). */
  logsource: EventLogSource;
  /** Epoch milliseconds, when the event carries a time. */
  time?: number;
}

export interface EventLogSource {
  product?: string;
  categories: string[];
  services: string[];
}

/** Matches one event; built once per rule. */
export type EventMatcher = (ctx: MatchContext) => boolean;

/** Per-event cache so that a field lowered once serves every rule that reads it. */
export class MatchContext {
  // Made on first use: most events run few rules, many none.
  private lowered: Map<string, string[] | null> | undefined;
  private raw: Map<string, string[] | null> | undefined;
  private keywordCache: string[] | undefined;
  private keywordLower: string[] | undefined;
  constructor(readonly event: SigmaEvent) {}

  /** The field's values as strings (null when absent or null), lower-cased when asked. */
  strings(field: string, lower: boolean): string[] | null {
    let cache = lower ? this.lowered : this.raw;
    if (cache === undefined) {
      cache = new Map();
      if (lower) this.lowered = cache;
      else this.raw = cache;
    }
    let v = cache.get(field);
    if (v === undefined) {
      v = toStrings(this.event.get(field), lower);
      cache.set(field, v);
    }
    return v;
  }

  keywordValues(lower = false): string[] {
    if (!this.keywordCache) {
      const vs = this.event.values();
      const out: string[] = new Array(vs.length);
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i];
        out[i] = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      }
      this.keywordCache = out;
    }
    if (!lower) return this.keywordCache;
    if (!this.keywordLower) this.keywordLower = this.keywordCache.map((s) => s.toLowerCase());
    return this.keywordLower;
  }
}

export function toStrings(value: unknown, lower: boolean): string[] | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const v of value) {
      const s = toStrings(v, lower);
      if (s) out.push(...s);
    }
    return out;
  }
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return [lower ? s.toLowerCase() : s];
}

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export interface RuleMeta {
  id: string;
  title: string;
  name?: string;
  level?: string;
  status?: string;
  tags: string[];
  description?: string;
  falsepositives?: string[];
  /** File the rule was read from, and its document index inside that file. */
  path: string;
  doc: number;
}

/**
 * A Sigma detection rule compiled for the engine (matcher, prefilter hints). The rule model every format shares, for
 * coverage and reports, is DetectionRule in src/rules/model.ts.
 */
export interface CompiledDetectionRule extends RuleMeta {
  kind: 'detection';
  logsource: LogSource;
  matcher: EventMatcher;
  /** Literal hints for the prefilter: if the rule can match, every clause has a literal in its field (lower-cased). */
  need: Need | null;
  /** Non-fatal remarks (an unknown placeholder that can never match, ...). */
  warnings: string[];
  /** Fields the rule reads, for blindness analysis. */
  fields: string[];
}

/** A literal a matching value must hold; `anchor` 1: the value starts with it, 2: ends with it, 3: equals it. */
export interface NeedLiteral {
  field: string | null;
  literal: string;
  anchor: number;
}
/** (field|null for any value, literal) pairs; at least one must appear for the clause to hold. */
export type NeedClause = NeedLiteral[];
/** Clauses that must all hold for the rule to have a chance (a conjunction of disjunctions). */
export type Need = NeedClause[];

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

export type CountCondition = Partial<Record<'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq', number>>;

export interface CorrelationRule extends RuleMeta {
  kind: 'correlation';
  type: CorrelationType;
  /** Referenced rule ids or names, as written. */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  condition: CountCondition;
  field?: string;
  /** alias -> (rule name or id -> field) */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

export interface FilterRule extends RuleMeta {
  kind: 'filter';
  logsource: LogSource;
  rules: string[];
  matcher: EventMatcher;
}

export type AnyRule = CompiledDetectionRule | CorrelationRule | FilterRule;

export interface LoadFailure {
  path: string;
  error: string;
}

export interface CompileOptions {
  /** Values for `|expand` placeholders, by name without percent signs. */
  placeholders?: Record<string, string[]>;
}

export class RuleError extends Error {
  override name = 'RuleError';
  /** Where in the rule document the problem is (keys from the top: detection, search, field|modifiers), if known. */
  constructor(
    message: string,
    readonly at?: (string | number)[],
  ) {
    super(message);
  }
}

/** Runs `f`, placing a RuleError that does not know where it is at `at` (inner places are kept and prefixed). */
export function ruleErrorAt<T>(at: (string | number)[], f: () => T, message: (m: string) => string = (m) => m): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RuleError) throw new RuleError(message(e.message), [...at, ...(e.at ?? [])]);
    throw e;
  }
}
