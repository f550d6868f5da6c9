// The playbook analyses' stated budgets: each analysis stops when its budget of operations or time runs out, the
// result names the analysis and why, and nothing the cut analysis did not finish is claimed (a guard is unknown,
// validity is not established). Clocks are injected: no test depends on how fast this machine is.
import { describe, expect, it } from 'vitest';
import { dryRunPlaybook } from '../../../src/playbook/analyse.js';
import { Budget, DEFAULT_BUDGETS, type PlaybookBudgets, parseBudgets } from '../../../src/playbook/budget.js';
import { dryRun } from '../../../src/playbook/dryrun.js';
import { Graph } from '../../../src/playbook/graph.js';
import { analyseGuardrails } from '../../../src/playbook/guardrails.js';
import { loadCacaoDoc } from '../../../src/playbook/load.js';
import { checkStructure } from '../../../src/playbook/structure.js';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * start -> approval? -> n x (allow-list condition? -> destructive action) -> end. With `ends` every action also has
 * an on_failure leading to its own end step (many end steps).
 */
function doc(n: number, opts: { approval?: boolean; allowList?: boolean; ends?: boolean } = {}) {
  const start = `start--${U(1)}`;
  const end = `end--${U(2)}`;
  const approve = `action--${U(3)}`;
  const act = (i: number) => `action--${U(10 + 3 * i)}`;
  const cond = (i: number) => `if-condition--${U(11 + 3 * i)}`;
  const fail = (i: number) => `end--${U(12 + 3 * i)}`;
  const head = (i: number) => (opts.allowList ? cond(i) : act(i));
  const workflow: Record<string, unknown> = {
    [start]: { type: 'start', on_completion: opts.approval ? approve : head(0) },
  };
  if (opts.approval) {
    workflow[approve] = {
      type: 'action',
      name: 'Analyst approves',
      timeout: 600000,
      commands: [{ type: 'manual', command: 'Approve isolating __host__:value?' }],
      agent: `individual--${U(4)}`,
      on_completion: head(0),
    };
  }
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? head(i + 1) : end;
    if (opts.allowList) {
      workflow[cond(i)] = {
        type: 'if-condition',
        name: 'Host not on the critical asset allow-list',
        condition: `__host__:value != 'dc${i}'`,
        on_true: act(i),
        // Nested: a refused check ends the run, so every later action sits under every earlier check.
        on_false: end,
      };
    }
    workflow[act(i)] = {
      type: 'action',
      name: `Isolate host ${i}`,
      commands: [{ type: 'http-api', command: 'POST /api/hosts/__host__:value/isolate HTTP/1.1' }],
      agent: `http-api--${U(5)}`,
      on_completion: next,
      ...(opts.ends ? { on_failure: fail(i) } : {}),
    };
    if (opts.ends) workflow[fail(i)] = { type: 'end' };
  }
  workflow[end] = { type: 'end' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${U(6)}`,
    name: 'budgeted',
    created_by: `identity--${U(7)}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    playbook_variables: { __host__: { type: 'string', external: true } },
    workflow_start: start,
    workflow,
  };
}

const budgets = (over: Partial<PlaybookBudgets>): PlaybookBudgets => ({ ...DEFAULT_BUDGETS, ...over });
/** A clock that moves one second each time it is read. */
const tickingClock = () => {
  let t = 0;
  return () => (t += 1000);
};

describe('dominator budget', () => {
  it('proves the approval guard within the default budget', async () => {
    const r = await dryRunPlaybook(loadCacaoDoc(doc(50, { approval: true }), 'pb.json'));
    expect(r.analysis_cuts).toEqual([]);
    expect(r.counts.guards_unknown).toBe(0);
    expect(r.budgets).toEqual(DEFAULT_BUDGETS);
    const g = analyseGuardrails(loadCacaoDoc(doc(50, { approval: true }), 'pb.json').playbook);
    expect(g.actions.filter((a) => a.destructive).every((a) => a.guard === 'guarded')).toBe(true);
  });

  it('when cut, reports every guard as unknown and claims neither a guard nor a missing one', async () => {
    const lp = loadCacaoDoc(doc(50, { approval: true }), 'pb.json');
    const small = budgets({ dominators: { operations: 40, seconds: 60 } });
    const g = analyseGuardrails(lp.playbook, new Budget('dominators', small.dominators));
    expect(g.cut).toMatchObject({ analysis: 'dominators', reason: 'operations', limit: 40 });
    const destructive = g.actions.filter((a) => a.destructive);
    expect(destructive.length).toBe(50);
    expect(destructive.every((a) => a.guard === 'unknown' && a.guarded_by.length === 0 && !a.approval_gated)).toBe(
      true,
    );
    const kinds = new Set(g.findings.map((f) => f.kind));
    for (const k of ['unguarded-destructive-action', 'missing-allow-list', 'no-enforcement-confirmation'] as const)
      expect(kinds.has(k)).toBe(false);

    const r = await dryRunPlaybook(lp, { budgets: small });
    expect(r.analysis_cuts.map((c) => c.analysis)).toEqual(['dominators']);
    expect(r.counts.guards_unknown).toBe(50);
    expect(r.counts.unguarded_destructive).toBe(0);
    const cut = r.guardrail_findings.find((f) => f.kind === 'analysis-cut');
    expect(cut?.message).toMatch(/dominators reached its budget of 40 graph operations.*50 destructive action/);
    expect(r.verdict).not.toBe('ok');
  });

  it('stops on time with an injected clock and says so', () => {
    const lp = loadCacaoDoc(doc(200, { approval: true }), 'pb.json');
    const g = analyseGuardrails(lp.playbook, new Budget('dominators', { operations: 1e9, seconds: 5 }, tickingClock()));
    expect(g.cut).toMatchObject({ analysis: 'dominators', reason: 'time', limit: 5 });
    expect(g.actions.every((a) => a.guard === 'unknown')).toBe(true);
  });

  it('keeps guard chains shared: 10,000 nested allow-list checks list at most 50 guards per action', () => {
    // Copying the guard list per dominator-tree node held n²/2 entries (50 million here) before.
    const lp = loadCacaoDoc(doc(10_000, { allowList: true }), 'pb.json');
    const budget = new Budget('dominators', DEFAULT_BUDGETS.dominators);
    const g = analyseGuardrails(lp.playbook, budget);
    expect(g.cut).toBeUndefined();
    const last = g.actions.find((a) => a.step_id === `action--${U(10 + 3 * 9_999)}`)!;
    expect(last.guard).toBe('guarded');
    expect(last.guarded_by.length).toBe(50);
    expect(last.guarded_by[0]).toBe(`if-condition--${U(11 + 3 * 9_999)}`);
    expect(last.allow_listed).toContain('host');
    // Linear: a handful of operations per step, not per pair of steps.
    expect(budget.operations).toBeLessThan(40 * 20_000);
  });
});

/** Immediate dominators from the definition: dom(v) = {v} ∪ ⋂ dom(p) over predecessors, to a fixpoint. */
function naiveIdom(g: Graph, entry: string): Map<string, string> {
  const reach = g.reachable(entry);
  const all = [...reach];
  const dom = new Map(all.map((v) => [v, new Set(v === entry ? [v] : all)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of all) {
      if (v === entry) continue;
      const preds = (g.pred.get(v) ?? []).filter((p) => reach.has(p));
      const next = new Set([...dom.get(preds[0]!)!].filter((d) => preds.every((p) => dom.get(p)!.has(d))));
      next.add(v);
      if (next.size !== dom.get(v)!.size) {
        dom.set(v, next);
        changed = true;
      }
    }
  }
  const out = new Map<string, string>([[entry, entry]]);
  for (const v of all) {
    if (v === entry) continue;
    // The immediate dominator is the strict dominator with the most dominators of its own (the closest one).
    const strict = [...dom.get(v)!].filter((d) => d !== v);
    out.set(
      v,
      strict.reduce((a, b) => (dom.get(a)!.size >= dom.get(b)!.size ? a : b)),
    );
  }
  return out;
}

describe('dominators (Lengauer-Tarjan)', () => {
  it('agree with the definition on 300 random graphs, irreducible loops and unreachable nodes included', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let t = 0; t < 300; t++) {
      const n = 2 + rand(12);
      const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
      const edges = Array.from({ length: rand(3 * n) }, () => ({ from: `n${rand(n)}`, to: `n${rand(n)}` }));
      const g = new Graph(nodes, edges);
      expect(g.dominators('n0')).toEqual(naiveIdom(g, 'n0'));
    }
  });

  it('stay near-linear where Cooper-Harvey-Kennedy climbed the tree once per predecessor', () => {
    // A chain of 20,000 nodes, each also jumping to one shared exit: the exit has 20,000 predecessors at every depth.
    const ops = (n: number) => {
      const nodes = ['exit', ...Array.from({ length: n }, (_, i) => `c${i}`)];
      const edges = nodes.slice(1).flatMap((c, i) => [
        { from: c, to: i + 1 < n ? `c${i + 1}` : 'exit' },
        { from: c, to: 'exit' },
      ]);
      const b = new Budget('dominators', { operations: 1e12, seconds: 1e6 });
      const idom = new Graph(nodes, edges).dominators('c0', b);
      expect(idom.get('exit')).toBe('c0');
      return b.operations;
    };
    expect(ops(20_000) / ops(5_000)).toBeLessThan(6);
  });
});

describe('validation budget', () => {
  it('when cut, the playbook is not claimed valid; the dry-run says validation was cut, not invalid', async () => {
    const lp = loadCacaoDoc(doc(300), 'pb.json', {
      budgets: budgets({ validation: { operations: 100, seconds: 60 } }),
    });
    expect(lp.valid).toBe(false);
    expect(lp.strict_valid).toBe(false);
    expect(lp.validation_cut).toMatchObject({ analysis: 'validation', reason: 'operations', limit: 100 });
    const r = await dryRunPlaybook(lp);
    expect(r.verdict).not.toBe('invalid');
    expect(r.verdict).not.toBe('ok');
    expect(r.analysis_cuts.map((c) => c.analysis)).toEqual(['validation']);
    expect(loadCacaoDoc(doc(300), 'pb.json').valid).toBe(true);
  });

  it('checks that every step can reach an end in one search, not one per end step (linear operations)', () => {
    const ops = (n: number) => {
      const b = new Budget('validation', DEFAULT_BUDGETS.validation);
      const r = checkStructure(loadCacaoDoc(doc(n, { ends: true }), 'pb.json').playbook, b);
      expect(r.cut).toBeUndefined();
      return b.operations;
    };
    const small = ops(1_000);
    const large = ops(4_000);
    // One reverse search per end step made this grow 16-fold for 4 times the steps.
    expect(large / small).toBeLessThan(6);
  });
});

describe('exploration budget', () => {
  it('a cut walk keeps what it saw, names the alert, and the others are still walked', async () => {
    const lp = loadCacaoDoc(doc(300, { allowList: true }), 'pb.json');
    const run = dryRun(lp.playbook, undefined, undefined, new Budget('exploration', { operations: 200, seconds: 60 }));
    expect(run.cut).toMatchObject({ analysis: 'exploration', reason: 'operations', runs: ['(no alert)'] });
    expect(run.steps.length).toBeGreaterThan(10);
    expect(run.steps.length).toBeLessThan(200);
    const r = await dryRunPlaybook(lp, { budgets: budgets({ exploration: { operations: 200, seconds: 60 } }) });
    expect(r.analysis_cuts).toEqual([expect.objectContaining({ analysis: 'exploration', runs: ['(no alert)'] })]);
    expect(r.guardrail_findings.some((f) => f.kind === 'analysis-cut' && /exploration/.test(f.message))).toBe(true);
    const full = await dryRunPlaybook(lp);
    expect(full.runs[0]!.steps.length).toBe(602);
    expect(full.analysis_cuts).toEqual([]);
  });
});

describe('--budget items', () => {
  it('sets operations and seconds per analysis, or seconds for all', () => {
    const b = parseBudgets(['dominators=500', 'exploration.seconds=2.5', 'validation.operations=9,seconds=3']);
    expect(b.dominators).toEqual({ operations: 500, seconds: 3 });
    expect(b.exploration).toEqual({ operations: DEFAULT_BUDGETS.exploration.operations, seconds: 3 });
    expect(b.validation).toEqual({ operations: 9, seconds: 3 });
    expect(() => parseBudgets(['paths=3'])).toThrow(/--budget "paths=3".*validation, dominators, exploration/);
    expect(() => parseBudgets(['dominators=0'])).toThrow(/positive/);
  });
});
