// Guardrail analysis over the workflow graph. The central question, answered with dominators: does EVERY path from
// the start to a destructive action pass a human approval or an allow-list check? One guarded branch beside an
// unguarded one is a finding. Then the guardrails that should exist around containment: allow-lists by entity kind,
// a cap on targets, timeouts on human steps, a rollback, failure handling, and the closed loop (confirm with the
// enforcing product, record the outcome in the SIEM or ticket).
import type { Bilingual } from '../model.js';
import { type AnalysisCut, type Budget, BudgetExceeded, unlimited } from './budget.js';
import { type Graph, branchNode, canReachAny, guardGraph } from './graph.js';
import type { EntityKind, FindingSeverity, Playbook, Step } from './model.js';
import {
  type ActionProfile,
  allowListKinds,
  decodeB64,
  isApprovalStep,
  isCapCondition,
  isVerificationStep,
  profileAction,
} from './risk.js';
import { makeResolver, runtimeVariables, substitute } from './variables.js';

/**
 * Finding kinds (documented in checks/playbooks/README.md):
 * unguarded-destructive-action (also when only some paths are guarded), unguarded-state-change, missing-allow-list,
 * missing-target-cap, approval-without-timeout, missing-rollback, missing-failure-handling,
 * no-enforcement-confirmation, outcome-not-recorded, embedded-credential, skip-unavailable-containment,
 * unresolved-sub-playbook, false-positive-blast-radius, integration-unready, analysis-cut.
 */
export type GuardrailKind =
  | 'unguarded-destructive-action'
  | 'unguarded-state-change'
  | 'missing-allow-list'
  | 'missing-target-cap'
  | 'approval-without-timeout'
  | 'missing-rollback'
  | 'missing-failure-handling'
  | 'no-enforcement-confirmation'
  | 'outcome-not-recorded'
  | 'embedded-credential'
  | 'skip-unavailable-containment'
  | 'unresolved-sub-playbook'
  | 'false-positive-blast-radius'
  | 'integration-unready'
  | 'analysis-cut';

export interface GuardrailFinding {
  kind: GuardrailKind;
  step_id: string | null;
  severity: FindingSeverity;
  message: string;
  /** What the kind means, in both report languages. */
  title: Bilingual;
}

export const KIND_TITLES: Record<GuardrailKind, Bilingual> = {
  'unguarded-destructive-action': {
    en: 'Destructive action reachable without approval or allow-list',
    ja: '承認や許可リスト確認を経ずに到達できる破壊的アクション',
  },
  'unguarded-state-change': { en: 'State change without approval', ja: '承認なしの状態変更' },
  'missing-allow-list': {
    en: 'Allow-list not checked before containment',
    ja: '封じ込め前に許可リストを確認していない',
  },
  'missing-target-cap': { en: 'No cap on targets per run', ja: '1 回の実行で対象にできる数の上限がない' },
  'approval-without-timeout': { en: 'Human step without timeout', ja: 'タイムアウトのない人手のステップ' },
  'missing-rollback': { en: 'No rollback step', ja: 'ロールバック手順がない' },
  'missing-failure-handling': { en: 'Failed containment not handled', ja: '封じ込め失敗時の処理がない' },
  'no-enforcement-confirmation': {
    en: 'Containment not confirmed with the enforcing product',
    ja: '封じ込めの効果を実施製品で確認していない',
  },
  'outcome-not-recorded': {
    en: 'Outcome not recorded in the SIEM or ticket',
    ja: '結果を SIEM やチケットに記録していない',
  },
  'embedded-credential': { en: 'Credential stored in the playbook', ja: 'プレイブック内に認証情報を記載' },
  'skip-unavailable-containment': {
    en: 'Containment silently skipped when the integration is missing',
    ja: '連携先がないと封じ込めが黙って省略される',
  },
  'unresolved-sub-playbook': { en: 'Sub-playbook not analysed', ja: 'サブプレイブックは未分析' },
  'false-positive-blast-radius': { en: 'Wrong containment on a false positive', ja: '誤検知による誤った封じ込め' },
  'integration-unready': { en: 'Integration not ready', ja: '連携先が利用できない' },
  'analysis-cut': {
    en: 'Analysis stopped by its budget: not everything was proven',
    ja: '分析が上限で打ち切られた（すべては証明できていない）',
  },
};

export interface ActionGuard {
  step_id: string;
  profile: ActionProfile;
  /** Automated containment (block, isolate, disable, quarantine, delete…). */
  destructive: boolean;
  /** Approval steps and allow-list conditions that dominate the action (empty when `guard` is unknown). */
  guarded_by: string[];
  /**
   * guarded: a guard dominates it (proven); unguarded: proven that none does; unknown: the dominator analysis was cut
   * by its budget, so neither was proven.
   */
  guard: 'guarded' | 'unguarded' | 'unknown';
  /** A human approval dominates the action: it would be proposed, not done. */
  approval_gated: boolean;
  /** Entity kinds the dominating allow-list conditions cover. */
  allow_listed: EntityKind[];
}

export interface GuardrailResult {
  findings: GuardrailFinding[];
  actions: ActionGuard[];
  /** Set when the dominator budget ran out: every guard is then unknown and no graph-derived finding is claimed. */
  cut?: AnalysisCut;
}

const ENTITY_ALLOW_LIST: Record<string, string> = {
  ip: 'internal and own address ranges (RFC 1918, documented ranges)',
  host: 'critical assets (domain controllers, the SIEM itself)',
  user: 'service and break-glass accounts',
  domain: "the organisation's own domains",
  hash: 'known-good files',
  url: "the organisation's own URLs",
};

/** Profiles an action with its constants substituted (no alert: what the playbook says on its own). */
function staticProfile(pb: Playbook, step: Step): ActionProfile {
  const r = makeResolver(pb, step.step_variables, undefined, { runtime: runtimeVariables(pb), noAlert: true });
  const text = (step.commands ?? [])
    .map((c) => substitute([c.command ?? '', decodeB64(c.command_b64)].filter(Boolean).join(' '), r).text)
    .join(' ; ');
  return profileAction(pb, step, text || undefined);
}

/** `gates`: the step holds the action for a person (an approval, or a guard that is itself an action). */
type GuardNode = { step: string; what: 'approval' | 'allow-list'; kinds: EntityKind[]; gates: boolean };

/** The guard nodes dominating a node, as a list shared with its dominator-tree parent (no copy per node). */
interface GuardChain {
  guard: GuardNode;
  up: GuardChain | null;
  /** Entity kinds allow-listed by this guard or any above it (at most the six kinds). */
  kinds: EntityKind[];
}

/** At most this many guards are listed per action (nearest first); a longer chain is still counted as guarded. */
const MAX_GUARDS_LISTED = 50;

interface GraphFacts {
  reach: Set<string>;
  /** Nodes reachable from some guard: an unguarded action here is guarded on some path only. */
  guardReach: Set<string>;
  guardsOf: (id: string) => GuardChain | null;
  dominated: (id: string) => boolean;
}

/** Reachability, dominators and guard chains: the part of the guard analysis whose cost grows with the graph. */
function graphFacts(pb: Playbook, g: Graph, steps: Step[], approvals: Set<string>, budget: Budget): GraphFacts {
  const reach = g.reachable(pb.start, budget);
  const idom = g.dominators(pb.start, budget);

  // Guard nodes: the approved branch of an approval, any branch of a manual decision, a branch of an allow-list check.
  const guardNodes = new Map<string, GuardNode>();
  for (const s of steps) {
    budget.spend();
    if (approvals.has(s.id)) {
      const labels =
        s.type === 'action' ? ['completion', 'success'] : [...Object.keys(s.cases ?? {}), 'default', 'true', 'false'];
      const node: GuardNode = { step: s.id, what: 'approval', kinds: [], gates: !!s.approval || s.type === 'action' };
      for (const l of labels) guardNodes.set(branchNode(s.id, l), node);
      continue;
    }
    const kinds = allowListKinds(s);
    if (!kinds) continue;
    const labels = ['true', 'false', 'completion', 'default', ...Object.keys(s.cases ?? {})];
    const node: GuardNode = { step: s.id, what: 'allow-list', kinds, gates: !!s.approval || s.type === 'action' };
    for (const l of labels) guardNodes.set(branchNode(s.id, l), node);
  }

  // Everything reachable from some guard.
  const guardReach = new Set<string>();
  const pending = [...guardNodes.keys()].filter((n) => reach.has(n));
  while (pending.length) {
    const n = pending.pop()!;
    const out = g.succ.get(n) ?? [];
    budget.spend(1 + out.length);
    for (const m of out) {
      if (guardReach.has(m)) continue;
      guardReach.add(m);
      pending.push(m);
    }
  }

  // The guard nodes among the dominators of a node, memoised down the dominator tree as a shared linked list:
  // walking every action's dominator chain, or copying the list per node, was quadratic on long workflows.
  const memo = new Map<string, GuardChain | null>();
  const chainTo = (id: string): GuardChain | null => {
    const path: string[] = [];
    let x: string | undefined = id;
    while (x !== undefined && !memo.has(x)) {
      path.push(x);
      const up = idom.get(x);
      x = up === undefined || up === x ? undefined : up;
    }
    budget.spend(1 + path.length);
    let acc = x === undefined ? null : memo.get(x)!;
    for (let i = path.length - 1; i >= 0; i--) {
      const own = guardNodes.get(path[i]!);
      if (own) {
        const kinds = acc ? acc.kinds : [];
        const more = own.kinds.filter((k) => !kinds.includes(k));
        acc = { guard: own, up: acc, kinds: more.length ? [...kinds, ...more] : kinds };
      }
      memo.set(path[i]!, acc);
    }
    return memo.get(id)!;
  };
  // Settle every reachable node now, under the budget, so reading a chain later costs nothing.
  for (const id of reach) if (idom.has(id)) chainTo(id);
  return {
    reach,
    guardReach,
    guardsOf: (id) => (idom.has(id) ? chainTo(id) : null),
    dominated: (id) => idom.has(id),
  };
}

/** The distinct guard steps of a chain, nearest first, at most MAX_GUARDS_LISTED. */
function guardSteps(chain: GuardChain | null): { steps: string[]; approval: boolean } {
  const steps: string[] = [];
  let approval = false;
  for (let c = chain; c; c = c.up) {
    if (c.guard.gates) approval = true;
    if (steps.length < MAX_GUARDS_LISTED && !steps.includes(c.guard.step)) steps.push(c.guard.step);
    if (approval && steps.length >= MAX_GUARDS_LISTED) break;
  }
  return { steps, approval };
}

/** Steps after which the same product confirms containment, and after which the outcome is recorded. */
function closedLoop(pb: Playbook, g: Graph, steps: Step[], profiles: Map<string, ActionProfile>, budget: Budget) {
  const verifications = steps.filter((x) => isVerificationStep(pb, x));
  const confirmedAfterCache = new Map<string, Set<string>>();
  const confirmedAfter = (s: Step): boolean => {
    const mine = products(s);
    const key = mine.join('|');
    let set = confirmedAfterCache.get(key);
    if (!set) {
      // A containment without a named product can only be confirmed generically; otherwise the same product must
      // answer.
      const same = verifications.filter((v) => mine.length === 0 || products(v).some((p) => mine.includes(p)));
      set = canReachAny(
        g,
        same.map((v) => v.id),
        budget,
      );
      confirmedAfterCache.set(key, set);
    }
    return set.has(s.id);
  };
  const recordedAfter = canReachAny(
    g,
    [...profiles.entries()].filter(([, p]) => p.records_outcome).map(([id]) => id),
    budget,
  );
  return { confirmedAfter, recordedAfter };
}

const products = (x: Step) => [x.agent, ...(x.targets ?? [])].filter((p): p is string => !!p);

/**
 * The guardrail analysis. Its graph part (reachability, dominators, guard chains, the closed loop) runs under the
 * dominator budget; when that is cut, guards are unknown and no finding that needs the graph is claimed.
 */
export function analyseGuardrails(pb: Playbook, budget: Budget = unlimited('dominators')): GuardrailResult {
  const findings: GuardrailFinding[] = [];
  const add = (kind: GuardrailKind, step_id: string | null, severity: FindingSeverity, message: string) =>
    findings.push({ kind, step_id, severity, message, title: KIND_TITLES[kind] });
  const steps = Object.values(pb.steps);
  const approvals = new Set(steps.filter((s) => isApprovalStep(pb, s)).map((s) => s.id));
  const g = guardGraph(pb, new Set([...approvals].filter((id) => pb.steps[id]!.type === 'action')));
  let graph: GraphFacts | undefined;
  let cut: AnalysisCut | undefined;
  try {
    graph = graphFacts(pb, g, steps, approvals, budget);
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e;
    cut = e.cut;
  }
  // Without the graph facts every step counts as reachable (over-reporting the step-local findings is safe) and no
  // guard, missing guard, confirmation or record is claimed.
  const reach = graph?.reach ?? new Set(Object.keys(pb.steps));
  const profiles = new Map<string, ActionProfile>();
  for (const s of steps)
    if ((s.type === 'action' || s.type === 'playbook-action') && reach.has(s.id))
      profiles.set(s.id, staticProfile(pb, s));

  let loop: ReturnType<typeof closedLoop> | undefined;
  if (graph) {
    try {
      loop = closedLoop(pb, g, steps, profiles, budget);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      cut = e.cut;
    }
  }

  const actions: ActionGuard[] = [];
  for (const s of steps) {
    const profile = profiles.get(s.id);
    if (!profile) continue;
    const destructive = profile.risk === 'contain' && !profile.manual;
    const chain = graph ? graph.guardsOf(s.id) : null;
    const { steps: guarded_by, approval: approval_gated } = guardSteps(chain);
    const allow_listed = chain ? [...chain.kinds] : [];
    const guard: ActionGuard['guard'] = !graph ? 'unknown' : guarded_by.length ? 'guarded' : 'unguarded';
    actions.push({ step_id: s.id, profile, destructive, guarded_by, allow_listed, guard, approval_gated });
    const label = s.name ? `"${s.name}" (${s.id})` : s.id;

    if (s.type === 'playbook-action')
      add(
        'unresolved-sub-playbook',
        s.id,
        'info',
        `sub-playbook "${s.playbook_id}" is not analysed here; dry-run it on its own`,
      );
    if (destructive && guard === 'unguarded') {
      // Is there a guard on some path at least? Then one branch is guarded and another is not.
      if (graph!.guardReach.has(s.id)) {
        add(
          'unguarded-destructive-action',
          s.id,
          'high',
          `${label} (${profile.verb ?? profile.risk}) is reached on some path without approval or allow-list ` +
            'check, although another path to it passes one',
        );
      } else {
        add(
          'unguarded-destructive-action',
          s.id,
          'high',
          `${label} (${profile.verb ?? profile.risk}) runs automatically with no human approval or ` +
            'allow-list check on any path',
        );
      }
    }
    if (!destructive && profile.risk === 'change' && !profile.rollback && !profile.manual && guard === 'unguarded') {
      add(
        'unguarded-state-change',
        s.id,
        'low',
        `${label} changes state (${profile.verb ?? 'write'}) without approval or allow-list check`,
      );
    }
    // A missing allow-list is claimed only when the dominators were computed.
    if (destructive && guard !== 'unknown') {
      const kinds = profile.entity ? [profile.entity] : [];
      const missing = kinds.length
        ? kinds.filter((k) => !allow_listed.includes(k))
        : allow_listed.length
          ? []
          : ['any'];
      for (const k of missing) {
        add(
          'missing-allow-list',
          s.id,
          'medium',
          k === 'any'
            ? `${label}: no allow-list check (internal ranges, critical assets, protected accounts) precedes it`
            : `${label}: no allow-list of ${ENTITY_ALLOW_LIST[k]} is checked before it`,
        );
      }
    }
    if (destructive) {
      if (!s.on_failure && !(pb.exception && pb.steps[pb.exception])) {
        add(
          'missing-failure-handling',
          s.id,
          'medium',
          `${label}: neither on_failure nor a valid workflow_exception handles a failed containment`,
        );
      }
      if (s.skip_unavailable)
        add(
          'skip-unavailable-containment',
          s.id,
          'low',
          `${label} is skipped silently when its integration is unavailable (skipunavailable): containment ` +
            'may not happen and nobody is told',
        );
      if (loop && !loop.confirmedAfter(s)) {
        add(
          'no-enforcement-confirmation',
          s.id,
          'medium',
          `${label}: no later step asks the enforcing product (${products(s).join(', ') || 'any'}) whether ` +
            'the containment took effect',
        );
      }
      if (loop && !loop.recordedAfter.has(s.id)) {
        add(
          'outcome-not-recorded',
          s.id,
          'low',
          `${label}: the outcome is not recorded back in the SIEM, case or ticket`,
        );
      }
    }
  }

  const destructiveActions = actions.filter((a) => a.destructive);
  if (destructiveActions.length > 0) {
    const capped = pb.max_targets !== undefined || steps.some((x) => reach.has(x.id) && isCapCondition(x));
    if (!capped)
      add(
        'missing-target-cap',
        null,
        'medium',
        'nothing caps how many targets one run can contain (a count check or max_targets)',
      );
    if (![...profiles.values()].some((p) => p.rollback)) {
      add(
        'missing-rollback',
        null,
        'medium',
        'no rollback step (unblock, release, re-enable) exists to undo a wrong containment',
      );
    }
  }
  for (const id of approvals) {
    const s = pb.steps[id]!;
    if (!reach.has(id) || (s.timeout ?? 0) > 0) continue;
    add(
      'approval-without-timeout',
      id,
      'medium',
      `human step "${s.name ?? id}" has no timeout: the run waits forever or someone approves under pressure`,
    );
  }
  for (const c of pb.embedded_credentials) {
    add(
      'embedded-credential',
      null,
      'high',
      `authentication_info ${c} holds a secret inline in the playbook file; reference a vault or environment instead`,
    );
  }
  return { findings, actions, ...(cut ? { cut } : {}) };
}
