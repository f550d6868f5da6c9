// The dry-run: walks the workflow for one alert (or none) without executing anything. Conditions are evaluated
// with the alert's values; one that cannot be decided is marked undecidable and both branches are explored.
// Parallel branches are all followed. Failure paths (on_failure, workflow_exception) are explored as "possible".
// This module has no network or process client at all: it only reads the model and the alert.
import { type Alert, type Entity, protectedReason, type ProtectedSets, DEFAULT_PROTECTED } from './alerts.js';
import { type AnalysisCut, type Budget, BudgetExceeded, unlimited } from './budget.js';
import { type Tri, UNKNOWN, evaluateSource } from './condition.js';
import { type Edge, stepEdges } from './graph.js';
import type { Playbook, RiskClass, Step } from './model.js';
import { isIp } from './net.js';
import { decodeB64, isApprovalStep, profileAction } from './risk.js';
import { makeResolver, runtimeVariables, substitute, type VariableScope } from './variables.js';

export type Reach = 'definite' | 'possible';

export interface ActionRecord {
  step_id: string;
  name?: string;
  type: 'action' | 'playbook-action';
  risk: RiskClass;
  verb?: string;
  /** False when a person performs it (manual command or human agent). */
  automated: boolean;
  rollback: boolean;
  reached: Reach;
  agent?: { id: string; type: string; name?: string };
  targets: { id: string; type: string; name?: string; address: string[] }[];
  /** Commands with variables substituted (content shown decoded, never credentials). */
  commands: { type: string; command: string }[];
  args: Record<string, string>;
  /** Variable references the dry-run could not resolve. */
  unresolved: string[];
  /** Alert entities (and literal addresses) the action would act on. */
  entities: (Entity & { protected?: string })[];
  playbook_id?: string;
}

export interface StepRecord {
  order: number;
  step_id: string;
  name?: string;
  type: Step['type'];
  reached: Reach;
  status: 'would-execute' | 'undecidable' | 'awaits-human';
  /** For conditions: what was evaluated and which branches the walk followed. */
  decision?: { expression: string; result: Tri; branches: string[]; error?: string };
  /** Where the walk came from the first time (edge kind). */
  via?: string;
  /** The edges the walk followed from this step (to steps that exist), so a reader can show each path in order. */
  next?: { to: string; kind: Edge['kind']; label?: string }[];
}

export interface DryRun {
  alert: { id: string; title?: string; origin: Alert['origin']; mutation?: Alert['mutation'] } | null;
  steps: StepRecord[];
  actions: ActionRecord[];
  /** The exploration budget ran out: steps past this point were not walked (their actions are not described). */
  cut?: AnalysisCut;
}

const IP_LITERAL = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

function entitiesIn(texts: string[], alert: Alert | undefined, sets: ProtectedSets): ActionRecord['entities'] {
  const hay = texts.join('\n').toLowerCase();
  const out: ActionRecord['entities'] = [];
  const seen = new Set<string>();
  const add = (e: Entity) => {
    const k = `${e.kind}|${e.value.toLowerCase()}`;
    if (seen.has(k)) return;
    seen.add(k);
    const reason = protectedReason(e, sets);
    out.push(reason ? { ...e, protected: reason } : e);
  };
  for (const e of alert?.entities ?? []) {
    const v = e.value.toLowerCase();
    const re = new RegExp(`(^|[^a-z0-9.])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`);
    if (re.test(hay)) add(e);
  }
  for (const m of hay.match(IP_LITERAL) ?? []) if (isIp(m)) add({ kind: 'ip', value: m, field: 'command' });
  return out;
}

/** Describes what one action step would do for this alert. */
export function describeAction(
  pb: Playbook,
  step: Step,
  alert: Alert | undefined,
  scope: VariableScope,
  sets: ProtectedSets,
  reached: Reach,
): ActionRecord {
  const r = makeResolver(pb, step.step_variables, alert, scope);
  const unresolved = new Set<string>();
  const sub = (t: string) => {
    const x = substitute(t, r);
    for (const u of x.unresolved) unresolved.add(u);
    return x.text;
  };
  const commands = (step.commands ?? []).map((c) => {
    const parts = [c.command ?? '', decodeB64(c.command_b64)].filter(Boolean).join(' ');
    const content = c.content ?? decodeB64(c.content_b64);
    return { type: c.type, command: sub(content ? `${parts} ${content.replace(/\s+/g, ' ')}` : parts) };
  });
  const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, sub(v)]));
  const def = (id: string) => pb.targets[id] ?? pb.agents[id];
  const targets = (step.targets ?? []).map((id) => {
    const t = def(id);
    return {
      id,
      type: t?.type ?? 'unknown',
      name: t?.name,
      address: Object.values(t?.address ?? {})
        .flat()
        .map(sub),
    };
  });
  const agentDef = step.agent ? def(step.agent) : undefined;
  const profile = profileAction(pb, step, commands.map((c) => c.command).join(' ; '));
  const texts = [...commands.map((c) => c.command), ...Object.values(args), ...targets.flatMap((t) => t.address)];
  return {
    step_id: step.id,
    name: step.name,
    type: step.type as 'action' | 'playbook-action',
    risk: profile.risk,
    verb: profile.verb,
    automated: !profile.manual,
    rollback: profile.rollback,
    reached,
    agent: step.agent ? { id: step.agent, type: agentDef?.type ?? 'unknown', name: agentDef?.name } : undefined,
    targets,
    commands,
    args,
    unresolved: [...unresolved],
    entities: entitiesIn(texts, alert, sets),
    playbook_id: step.playbook_id,
  };
}

function decide(
  pb: Playbook,
  step: Step,
  alert: Alert | undefined,
  scope: VariableScope,
): { expression: string; result: Tri; error?: string; caseKey?: string } {
  const r = makeResolver(pb, step.step_variables, alert, scope);
  if (step.type === 'switch-condition') {
    const expression = step.switch ?? '';
    if (step.approval) return { expression, result: 'unknown' };
    const v = r(expression.replace(/^\$\{|\}$/g, ''));
    if (v === UNKNOWN || scope.noAlert) return { expression, result: 'unknown' };
    const key = Object.keys(step.cases ?? {}).find((k) => k.toLowerCase() === String(v).toLowerCase());
    return { expression, result: true, caseKey: key ?? 'default' };
  }
  const expression = step.condition ?? '';
  if (scope.noAlert) return { expression, result: 'unknown' };
  const { result, error } = evaluateSource(expression, r);
  return { expression, result, error };
}

/**
 * Walks the workflow once for an alert (undefined: no alert, every condition undecidable). Each step is walked at
 * most twice (possible, then definite), so the walk is linear; the exploration budget still bounds it, and a cut
 * walk returns what it saw with `cut` set.
 */
export function dryRun(
  pb: Playbook,
  alert: Alert | undefined,
  sets: ProtectedSets = DEFAULT_PROTECTED,
  budget: Budget = unlimited('exploration'),
): DryRun {
  const scope: VariableScope = { runtime: runtimeVariables(pb), noAlert: alert === undefined };
  const reached = new Map<string, Reach>();
  const via = new Map<string, string>();
  const records = new Map<string, StepRecord>();
  const queue: string[] = [];
  let order = 0;

  const visit = (id: string, how: Reach, edge: string) => {
    if (!pb.steps[id]) return;
    const prev = reached.get(id);
    if (prev === 'definite' || prev === how) return;
    reached.set(id, how);
    if (!via.has(id)) via.set(id, edge);
    queue.push(id);
  };
  visit(pb.start, 'definite', 'workflow_start');

  let cut: AnalysisCut | undefined;
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const step = pb.steps[id]!;
    const how = reached.get(id)!;
    const edges = stepEdges(step);
    try {
      budget.spend(1 + edges.length);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      cut = { ...e.cut, runs: [alert?.id ?? '(no alert)'] };
      break;
    }
    const next: NonNullable<StepRecord['next']> = [];
    const follow = (e: Edge, certain: boolean) => {
      if (pb.steps[e.to]) next.push({ to: e.to, kind: e.kind, ...(e.label ? { label: e.label } : {}) });
      visit(e.to, certain && how === 'definite' ? 'definite' : 'possible', e.kind);
    };
    let record: StepRecord = records.get(id) ?? {
      order: order++,
      step_id: id,
      name: step.name,
      type: step.type,
      reached: how,
      status: 'would-execute',
      via: via.get(id),
    };
    // A step first reached as possible and later as definite is walked again: its edges are recorded afresh.
    record = { ...record, reached: how, next };

    if (step.type === 'if-condition' || step.type === 'while-condition' || step.type === 'switch-condition') {
      const d = decide(pb, step, alert, scope);
      const branches: string[] = [];
      for (const e of edges) {
        if (e.kind === 'failure') continue;
        let take: boolean;
        let certain = d.result !== 'unknown';
        if (step.type === 'switch-condition') take = d.result === 'unknown' || (e.label ?? 'default') === d.caseKey;
        else if (d.result === 'unknown') take = true;
        else if (e.kind === 'true') take = d.result === true;
        else take = d.result === false || step.type === 'while-condition';
        // Leaving a while loop whose condition is true now depends on what the body changes.
        if (step.type === 'while-condition' && d.result === true && e.kind !== 'true') certain = false;
        if (!take) continue;
        branches.push(e.label ?? e.kind);
        follow(e, certain);
      }
      record.decision = { expression: d.expression, result: d.result, branches, error: d.error };
      record.status = step.approval ? 'awaits-human' : d.result === 'unknown' ? 'undecidable' : 'would-execute';
    } else {
      // After a human decision nothing is certain: the approved and the rejected path are both only possible.
      const human = isApprovalStep(pb, step);
      for (const e of edges) follow(e, e.kind !== 'failure' && !human);
      if (
        (step.type === 'action' || step.type === 'playbook-action') &&
        pb.exception &&
        pb.exception !== id &&
        !step.on_failure
      ) {
        follow({ from: id, to: pb.exception, kind: 'exception', via: 'workflow_exception' }, false);
      }
      if (human) record.status = 'awaits-human';
    }
    records.set(id, record);
  }

  const steps = [...records.values()].sort((a, b) => a.order - b.order);
  const actions = steps
    .filter((s) => s.type === 'action' || s.type === 'playbook-action')
    .map((s) => describeAction(pb, pb.steps[s.step_id]!, alert, scope, sets, s.reached));
  return {
    alert: alert ? { id: alert.id, title: alert.title, origin: alert.origin, mutation: alert.mutation } : null,
    steps,
    actions,
    ...(cut ? { cut } : {}),
  };
}
