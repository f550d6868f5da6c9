// The steps of one dry-run as text, path by path: a path that reaches its end stops there, and every other path
// (the other branch of a condition, a failure route, a parallel branch) starts under a line saying where it leaves
// from. A walk-order list would put steps of another branch right after an end step, as if they ran after it.
import type { DryRun, StepRecord } from './dryrun.js';

/** One line that explains the markers of the step lines below it. */
export const STEP_LEGEND =
  'legend: "?" = reached only through an undecidable condition, a person\'s decision or a failure; ' +
  ('would-execute = the dry-run would run it; undecidable = the alert lacks what the condition needs (every ' +
    'branch is shown); ') +
  'awaits-human = a person decides; (end) = the path ends there; "from step N, ..." = another path leaving step N; ' +
  '"-> step N" = continues at a step listed above';

type Next = NonNullable<StepRecord['next']>[number];

const FAILURE_KINDS = new Set<Next['kind']>(['failure', 'exception']);

function edgeText(e: Next): string {
  switch (e.kind) {
    case 'true':
      return 'if true';
    case 'false':
      return 'if false';
    case 'case':
      return `case ${e.label ?? ''}`.trim();
    case 'default':
      return 'default case';
    case 'next':
      return 'parallel branch';
    case 'success':
      return 'on success';
    case 'failure':
      return 'on failure';
    case 'exception':
      return 'on failure (workflow_exception)';
    default:
      return 'then';
  }
}

/**
 * Numbered step lines of one run, depth first: a step continues on the next line only through its one ordinary
 * successor; branches, failure routes and parallel branches follow once that path has ended, each under a header.
 * `describe` adds what the step would do (its condition or action) after its name.
 */
export function dryRunStepLines(run: Pick<DryRun, 'steps'>, describe: (s: StepRecord) => string): string[] {
  const byId = new Map(run.steps.map((s) => [s.step_id, s]));
  const numbers = new Map<string, number>();
  const lines: string[] = [];
  const indent = '         ';

  const stepLine = (s: StepRecord) => {
    const what = describe(s);
    const end = s.type === 'end' ? ' (end)' : '';
    return (
      `${String(numbers.get(s.step_id)).padStart(7)}. ${s.reached === 'possible' ? '?' : ' '} ` +
      `${s.status.padEnd(13)} ${(s.name ?? s.step_id).slice(0, 60)}${end}${what ? `  ${what}` : ''}`
    );
  };

  /** Numbers the straight path from `id` and returns the branches left along it. */
  const path = (id: string): [StepRecord, Next][] => {
    const branches: [StepRecord, Next][] = [];
    let current = byId.get(id);
    while (current && !numbers.has(current.step_id)) {
      numbers.set(current.step_id, numbers.size + 1);
      lines.push(stepLine(current));
      const next = (current.next ?? []).filter((e) => byId.has(e.to));
      const ordinary = next.filter((e) => !FAILURE_KINDS.has(e.kind));
      const inline = ordinary.length === 1 ? ordinary[0] : undefined;
      for (const e of next) if (e !== inline) branches.push([current, e]);
      if (inline && numbers.has(inline.to)) {
        lines.push(`${indent}-> step ${numbers.get(inline.to)}`);
        current = undefined;
      } else {
        current = inline ? byId.get(inline.to) : undefined;
      }
    }
    return branches;
  };

  // Depth first with an explicit stack: a recursion per branch overflowed the call stack on 20,000-step playbooks.
  const walk = (id: string) => {
    const stack: { branches: [StepRecord, Next][]; i: number }[] = [{ branches: path(id), i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.branches.length) {
        stack.pop();
        continue;
      }
      const [from, e] = top.branches[top.i++]!;
      const head = `${indent}from step ${numbers.get(from.step_id)}, ${edgeText(e)}:`;
      if (numbers.has(e.to)) {
        lines.push(`${head} -> step ${numbers.get(e.to)}`);
        continue;
      }
      lines.push(head);
      stack.push({ branches: path(e.to), i: 0 });
    }
  };

  const ordered = [...run.steps].sort((a, b) => a.order - b.order);
  if (ordered[0]) walk(ordered[0].step_id);
  // Records without edges (a run recorded before `next` existed) still list every step, under a header of their own.
  const rest = ordered.filter((s) => !numbers.has(s.step_id));
  if (rest.length > 0) lines.push(`${indent}other steps reached:`);
  for (const s of rest) walk(s.step_id);
  return lines;
}
