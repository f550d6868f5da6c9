// Structural errors an executor would hit: dangling references, unreachable steps, paths that never reach an end,
// loops nothing bounds, conditions that do not parse.
import { type AnalysisCut, type Budget, BudgetExceeded, unlimited } from './budget.js';
import { ConditionSyntaxError, conditionRefs, parseCondition } from './condition.js';
import { Graph, allEdges, canReachAny } from './graph.js';
import type { Playbook, ValidationIssue } from './model.js';
import { bareName } from './variables.js';

const issue = (level: 'error' | 'warning', path: string, message: string): ValidationIssue => ({
  tier: 'structure',
  level,
  path,
  message,
});

/**
 * The structural checks under the validation budget. When the budget runs out the issues found so far come back with
 * the cut: the playbook is then not known to be valid (load.ts), whatever was found is still reported.
 */
export function checkStructure(
  pb: Playbook,
  budget: Budget = unlimited('validation'),
): { issues: ValidationIssue[]; cut?: AnalysisCut } {
  const out: ValidationIssue[] = [];
  try {
    structureIssues(pb, budget, out);
    return { issues: out };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { issues: out, cut: e.cut };
    throw e;
  }
}

function structureIssues(pb: Playbook, budget: Budget, out: ValidationIssue[]): void {
  const ids = new Set(Object.keys(pb.steps));
  if (!ids.has(pb.start))
    out.push(issue('error', 'workflow_start', `workflow_start references missing step "${pb.start}"`));
  else if (pb.steps[pb.start]!.type !== 'start') {
    out.push(
      issue('warning', 'workflow_start', `workflow_start is a "${pb.steps[pb.start]!.type}" step, not a start step`),
    );
  }
  if (pb.exception && !ids.has(pb.exception)) {
    // The flow itself still runs; only a failing step would have nowhere to go.
    out.push(
      issue(
        'warning',
        'workflow_exception',
        `workflow_exception references missing step "${pb.exception}": a failing step has no exception handler`,
      ),
    );
  }

  const edges = allEdges(pb);
  budget.spend(ids.size + edges.length);
  for (const e of edges) {
    if (!ids.has(e.to))
      out.push(issue('error', `${e.from}/${e.via}`, `${e.via} of step "${e.from}" references missing step "${e.to}"`));
  }
  for (const s of Object.values(pb.steps)) {
    const p = s.id;
    budget.spend();
    if (s.type === 'parallel' && (s.next_steps ?? []).length === 0)
      out.push(issue('error', p, 'parallel step without next_steps'));
    if ((s.type === 'if-condition' || s.type === 'while-condition') && s.condition !== undefined) {
      try {
        parseCondition(s.condition);
      } catch (e) {
        if (e instanceof ConditionSyntaxError)
          out.push(
            issue(
              'warning',
              `${p}/condition`,
              `condition cannot be evaluated by the dry-run (${e.message}); both branches are explored`,
            ),
          );
      }
    }
  }

  const g = new Graph([...ids], edges);
  const reach = g.reachable(pb.start, budget);
  if (ids.has(pb.start)) {
    for (const id of ids) {
      if (!reach.has(id) && id !== pb.exception)
        out.push(issue('error', id, `step "${id}" is unreachable from workflow_start`));
    }
    const ends = [...reach].filter((id) => pb.steps[id]!.type === 'end');
    if (ends.length === 0)
      out.push(issue('error', 'workflow', 'no end step is reachable from workflow_start: the playbook never finishes'));
    const hasEdge = new Set(edges.map((e) => e.from));
    for (const id of reach) {
      const s = pb.steps[id]!;
      if (s.type !== 'end' && !hasEdge.has(id)) {
        out.push(issue('error', id, `step "${id}" (${s.type}) has no next step and is not an end step`));
      }
    }
    // Steps from which no end can be reached are stuck forever (a loop with no way out). One reverse search from
    // all end steps at once: one search per end step was quadratic in a playbook of many ends.
    const endIds = [...ids].filter((id) => pb.steps[id]!.type === 'end');
    const canFinish = canReachAny(g, endIds, budget);
    for (const id of endIds) canFinish.add(id);
    for (const comp of g.sccs(budget)) {
      const cyclic = comp.length > 1 || g.succ.get(comp[0]!)!.includes(comp[0]!);
      if (!cyclic || !comp.some((c) => reach.has(c))) continue;
      budget.spend(comp.length);
      out.push(...loopIssues(pb, comp, canFinish));
    }
  }
}

function loopIssues(pb: Playbook, comp: string[], canFinish: Set<string>): ValidationIssue[] {
  const where = comp.slice().sort().join(', ');
  if (!comp.some((c) => canFinish.has(c))) {
    return [issue('error', comp[0]!, `unbounded loop: steps ${where} repeat forever with no way to an end step`)];
  }
  const whiles = comp.filter((c) => pb.steps[c]!.type === 'while-condition');
  const bounded = comp.some((c) => (pb.steps[c]!.max_iterations ?? 0) > 0);
  if (bounded) return [];
  if (whiles.length === 0) {
    const conds = comp.filter((c) => ['if-condition', 'switch-condition'].includes(pb.steps[c]!.type));
    if (conds.length === 0)
      return [issue('error', comp[0]!, `unbounded loop: steps ${where} form a cycle no condition controls`)];
    return [
      issue(
        'warning',
        comp[0]!,
        `loop through ${where} is controlled by an if/switch condition instead of a while-condition; nothing ` +
          'bounds the number of iterations',
      ),
    ];
  }
  // A while loop ends only if something inside it changes what the condition reads.
  const written = new Set(comp.flatMap((c) => pb.steps[c]!.out_args ?? []));
  const out: ValidationIssue[] = [];
  for (const w of whiles) {
    let refs: string[] = [];
    try {
      refs = conditionRefs(parseCondition(pb.steps[w]!.condition ?? '')).map(bareName);
    } catch {
      continue;
    }
    if (refs.length > 0 && !refs.some((r) => written.has(r))) {
      out.push(
        issue(
          'warning',
          w,
          `while-condition reads ${refs.join(', ')} but no step in the loop writes it (out_args): the loop ` +
            'may never end',
        ),
      );
    }
  }
  return out;
}
