// The dry-run as a CACAO execution-status trace (the cyentific-rni/workflow-status schema refined for CACAO), so runs
// of CACAO, native and XSOAR playbooks compare field by field. Statuses are dry-run statuses, not the schema's
// execution outcomes (it says SHOULD, not MUST): nothing was executed, so "successfully_executed" would be a lie.
//   would_execute            the step runs on every path this alert takes
//   would_execute_if_reached the step runs only on an undecidable branch or a failure path
//   undecidable              a condition the dry-run could not decide; both branches were followed
//   awaits_human             a person decides or acts here
import { createHash } from 'node:crypto';
import type { DryRun } from './dryrun.js';
import type { Playbook } from './model.js';

export interface ExecutionStatus {
  type: 'execution-status';
  id: string;
  workflow_step: string;
  start_time: string;
  status: 'would_execute' | 'would_execute_if_reached' | 'undecidable' | 'awaits_human';
  status_text?: string;
  executed_by?: string;
  command_b64: string[];
  notes?: string;
  automated_execution: boolean;
}

/** A deterministic UUID (v5 layout from SHA-1) so the same dry-run yields the same ids. */
function stableUuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function toExecutionStatus(pb: Playbook, run: DryRun, startedAt: string): ExecutionStatus[] {
  const actions = new Map(run.actions.map((a) => [a.step_id, a]));
  return run.steps.map((s) => {
    const a = actions.get(s.step_id);
    const status: ExecutionStatus['status'] =
      s.status === 'awaits-human'
        ? 'awaits_human'
        : s.status === 'undecidable'
          ? 'undecidable'
          : s.reached === 'possible'
            ? 'would_execute_if_reached'
            : 'would_execute';
    const text = s.decision
      ? `condition ${s.decision.expression} → ${String(s.decision.result)}; branches followed: ` +
        `${s.decision.branches.join(', ') || 'none'}`
      : a
        ? `${a.risk}${a.verb ? ` (${a.verb})` : ''}` +
          `${a.entities.length ? ` on ${a.entities.map((e) => e.value).join(', ')}` : ''}`
        : undefined;
    return {
      type: 'execution-status',
      id: `execution-status--${stableUuid(pb.id, run.alert?.id ?? '(no alert)', s.step_id)}`,
      workflow_step: s.step_id,
      start_time: startedAt,
      status,
      status_text: text,
      executed_by: a?.agent?.id,
      command_b64: (a?.commands ?? []).map((c) => Buffer.from(c.command, 'utf8').toString('base64')),
      notes: 'dry-run: not executed',
      automated_execution: a ? a.automated : s.status !== 'awaits-human',
    };
  });
}
