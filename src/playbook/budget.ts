// Stated budgets for the three playbook analyses whose cost grows with the workflow: structural validation, the
// dominator (guard) analysis and the dry-run's branch exploration. Each counts graph operations (a node or an edge
// handled) and wall time; when either limit is hit the analysis stops, says so in the result (AnalysisCut), and
// whatever it could not finish is reported as unknown, never as proven. Defaults are documented in README.md
// ("Playbook analysis budgets") and are set so a 50,000-step CACAO playbook finishes well inside a minute.

export type AnalysisName = 'validation' | 'dominators' | 'exploration';
export const ANALYSES: AnalysisName[] = ['validation', 'dominators', 'exploration'];

export interface BudgetLimits {
  /** Graph operations (nodes and edges handled); for exploration, per dry-run walk. */
  operations: number;
  /** Wall time of the analysis (for exploration: all walks of one playbook together). */
  seconds: number;
}

export type PlaybookBudgets = Record<AnalysisName, BudgetLimits>;

export const DEFAULT_BUDGETS: PlaybookBudgets = {
  validation: { operations: 2_000_000, seconds: 15 },
  dominators: { operations: 2_000_000, seconds: 15 },
  exploration: { operations: 1_000_000, seconds: 15 },
};

/** One analysis stopped by its budget: the report names it, the limit and what it could not establish. */
export interface AnalysisCut {
  analysis: AnalysisName;
  reason: 'operations' | 'time';
  /** The limit that was hit (operations, or seconds). */
  limit: number;
  /** Operations done when it stopped. */
  operations: number;
  /** Exploration: the alerts whose walk was cut ("(no alert)" for the walk without one). */
  runs?: string[];
}

export class BudgetExceeded extends Error {
  constructor(readonly cut: AnalysisCut) {
    super(`${cut.analysis} budget exhausted (${cut.reason})`);
  }
}

export type Clock = () => number;
const wallClock: Clock = () => performance.now();

/** Counts operations against a limit and a deadline; `spend` throws BudgetExceeded when either is passed. */
export class Budget {
  private used = 0;
  private readonly deadline: number;

  constructor(
    readonly analysis: AnalysisName,
    readonly limits: BudgetLimits,
    private readonly clock: Clock = wallClock,
    startedAt?: number,
  ) {
    this.deadline = (startedAt ?? clock()) + limits.seconds * 1000;
  }

  get operations(): number {
    return this.used;
  }

  spend(n = 1): void {
    this.used += n;
    if (this.used > this.limits.operations) throw this.exceeded('operations');
    // The clock is read every 1,024 operations and on large spends: cheap, and still within milliseconds.
    if ((n > 1 || (this.used & 1023) === 0) && this.clock() > this.deadline) throw this.exceeded('time');
  }

  /** A fresh operation count under the same deadline (one budget of time shared by several walks). */
  fork(): Budget {
    return new Budget(this.analysis, this.limits, this.clock, this.deadline - this.limits.seconds * 1000);
  }

  private exceeded(reason: AnalysisCut['reason']): BudgetExceeded {
    const limit = reason === 'operations' ? this.limits.operations : this.limits.seconds;
    return new BudgetExceeded({ analysis: this.analysis, reason, limit, operations: this.used });
  }
}

/** A budget that never runs out (library callers that did not ask for one). */
export const unlimited = (analysis: AnalysisName): Budget =>
  new Budget(analysis, { operations: Number.POSITIVE_INFINITY, seconds: Number.POSITIVE_INFINITY });

/** Runs `fn` under `budget`; a cut is returned instead of thrown, every other error propagates. */
export function withinBudget<T>(
  budget: Budget,
  fn: (b: Budget) => T,
): { value: T; cut?: undefined } | { cut: AnalysisCut } {
  try {
    return { value: fn(budget) };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { cut: e.cut };
    throw e;
  }
}

/**
 * Parses `--budget` items: `<analysis>=<operations>`, `<analysis>.operations=<n>`, `<analysis>.seconds=<s>` or
 * `seconds=<s>` (every analysis). Unknown names and non-positive numbers are errors naming the item.
 */
export function parseBudgets(items: string[], base: PlaybookBudgets = DEFAULT_BUDGETS): PlaybookBudgets {
  const out: PlaybookBudgets = {
    validation: { ...base.validation },
    dominators: { ...base.dominators },
    exploration: { ...base.exploration },
  };
  for (const item of items.flatMap((i) => i.split(',')).filter(Boolean)) {
    const m =
      /^(?:(validation|dominators|exploration)(?:\.(operations|seconds))?|(seconds))=([0-9]+(?:\.[0-9]+)?)$/.exec(
        item.trim(),
      );
    const value = m ? Number(m[4]) : Number.NaN;
    if (!m || !(value > 0)) {
      throw new Error(
        `--budget "${item}": expected <analysis>=<operations>, <analysis>.seconds=<s> or seconds=<s> ` +
          `with a positive number (analyses: ${ANALYSES.join(', ')})`,
      );
    }
    const names = m[3] ? ANALYSES : [m[1] as AnalysisName];
    const field = m[3] ? 'seconds' : ((m[2] ?? 'operations') as keyof BudgetLimits);
    for (const a of names) out[a][field] = field === 'operations' ? Math.floor(value) : value;
  }
  return out;
}
