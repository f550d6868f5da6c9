// Long playbooks: guard analysis is linear along the dominator tree, and the text rendering of a run does not
// recurse once per branch (a 20,000-step playbook overflowed the call stack).
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../../src/playbook/dryrun.js';
import { analyseGuardrails } from '../../../src/playbook/guardrails.js';
import { loadCacaoDoc } from '../../../src/playbook/load.js';
import { dryRunStepLines } from '../../../src/playbook/text.js';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * start -> (approval) -> n destructive actions in a chain -> end; with `branchy` each action sits behind a condition.
 */
function chain(n: number, opts: { approval: boolean; branchy?: boolean }) {
  const start = `start--${U(1)}`;
  const end = `end--${U(2)}`;
  const approve = `action--${U(3)}`;
  const act = (i: number) => `action--${U(10 + 2 * i)}`;
  const cond = (i: number) => `if-condition--${U(11 + 2 * i)}`;
  const first = opts.branchy ? cond(0) : act(0);
  const workflow: Record<string, unknown> = {
    [start]: { type: 'start', on_completion: opts.approval ? approve : first },
  };
  if (opts.approval) {
    workflow[approve] = {
      type: 'action',
      name: 'Analyst approves',
      timeout: 600000,
      commands: [{ type: 'manual', command: 'Approve isolating __host__:value?' }],
      agent: `individual--${U(4)}`,
      on_completion: first,
    };
  }
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? (opts.branchy ? cond(i + 1) : act(i + 1)) : end;
    if (opts.branchy)
      workflow[cond(i)] = { type: 'if-condition', condition: `__n__:value > ${i}`, on_true: act(i), on_false: next };
    workflow[act(i)] = {
      type: 'action',
      name: `Isolate host ${i}`,
      commands: [{ type: 'http-api', command: 'POST /api/hosts/__host__:value/isolate HTTP/1.1' }],
      agent: `http-api--${U(5)}`,
      on_completion: next,
    };
  }
  workflow[end] = { type: 'end' };
  return loadCacaoDoc(
    {
      type: 'playbook',
      spec_version: 'cacao-2.0',
      id: `playbook--${U(6)}`,
      name: 'long',
      created_by: `identity--${U(7)}`,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      playbook_variables: { __n__: { type: 'integer', value: 1 }, __host__: { type: 'string', external: true } },
      workflow_start: start,
      workflow,
    },
    'long.json',
  ).playbook;
}

describe('playbooks of tens of thousands of steps', () => {
  it('proves the approval guard for every one of 20,000 chained destructive actions, and no guard without it', () => {
    const guarded = analyseGuardrails(chain(20_000, { approval: true }));
    const destructive = guarded.actions.filter((a) => a.destructive);
    expect(destructive.length).toBe(20_000);
    expect(destructive.every((a) => a.guarded_by.length === 1 && a.guarded_by[0] === `action--${U(3)}`)).toBe(true);
    const bare = analyseGuardrails(chain(20_000, { approval: false }));
    expect(bare.actions.filter((a) => a.destructive && a.guarded_by.length > 0)).toEqual([]);
    expect(bare.findings.filter((f) => f.kind === 'unguarded-destructive-action').length).toBe(20_000);
  });

  it('renders the text of a 20,000-step branching run without overflowing the call stack', () => {
    const pb = chain(10_000, { approval: false, branchy: true });
    const run = dryRun(pb, undefined);
    const lines = dryRunStepLines(run, () => '');
    expect(run.steps.length).toBe(20_002);
    expect(lines.filter((l) => /^\s+\d+\. /.test(l)).length).toBe(20_002);
  });
});
