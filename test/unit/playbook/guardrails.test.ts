import { describe, expect, it } from 'vitest';
import { makeAlert } from '../../../src/playbook/alerts.js';
import { dryRunPlaybook } from '../../../src/playbook/analyse.js';
import { Graph, dominates } from '../../../src/playbook/graph.js';
import { analyseGuardrails } from '../../../src/playbook/guardrails.js';
import { loadCacaoDoc } from '../../../src/playbook/load.js';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const S = `start--${U(1)}`;
const IF = `if-condition--${U(2)}`;
const APPROVE = `action--${U(3)}`;
const BLOCK = `action--${U(4)}`;
const END = `end--${U(5)}`;

const approve = (next: Record<string, string>) => ({
  type: 'action',
  name: 'Analyst approves the block',
  timeout: 600000,
  commands: [{ type: 'manual', command: 'Approve blocking __ip__:value?' }],
  agent: `individual--${U(9)}`,
  ...next,
});
const block = {
  type: 'action',
  name: 'Block the IP',
  commands: [{ type: 'http-api', command: 'POST /block HTTP/1.1', content: '{"ip":"__ip__:value"}' }],
  agent: `http-api--${U(8)}`,
  on_completion: END,
};

function playbook(workflow: Record<string, unknown>) {
  return loadCacaoDoc(
    {
      type: 'playbook',
      spec_version: 'cacao-2.0',
      id: `playbook--${U(7)}`,
      name: 'guard test',
      created_by: `identity--${U(6)}`,
      created: '2026-01-01T00:00:00Z',
      modified: '2026-01-01T00:00:00Z',
      playbook_variables: {
        __ip__: { type: 'ipv4-addr', external: true },
        __severity__: { type: 'integer', external: true },
      },
      workflow_start: S,
      workflow: { [S]: { type: 'start', on_completion: IF }, [END]: { type: 'end' }, ...workflow },
      agent_definitions: {
        [`individual--${U(9)}`]: { type: 'individual', name: 'analyst' },
        [`http-api--${U(8)}`]: { type: 'http-api', name: 'WAF' },
      },
    },
    'guard.json',
  );
}

const unguarded = (lp: ReturnType<typeof playbook>) =>
  analyseGuardrails(lp.playbook).findings.filter((f) => f.kind === 'unguarded-destructive-action');

describe('dominators', () => {
  it('finds the immediate dominators of a diamond and of a loop', () => {
    const g = new Graph(
      ['a', 'b', 'c', 'd', 'e'],
      [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
        { from: 'd', to: 'e' },
        { from: 'e', to: 'd' },
      ],
    );
    const idom = g.dominators('a');
    expect(idom.get('d')).toBe('a');
    expect(idom.get('e')).toBe('d');
    expect(dominates(idom, 'b', 'd')).toBe(false);
    expect(dominates(idom, 'd', 'e')).toBe(true);
  });
});

describe('guardrail analysis', () => {
  it('flags a destructive action reached by one approved branch and one unapproved branch', () => {
    const lp = playbook({
      [IF]: { type: 'if-condition', condition: '__severity__:value >= 70', on_true: APPROVE, on_false: BLOCK },
      [APPROVE]: approve({ on_success: BLOCK, on_failure: END }),
      [BLOCK]: block,
    });
    const f = unguarded(lp);
    expect(f).toHaveLength(1);
    expect(f[0]!.step_id).toBe(BLOCK);
    expect(f[0]!.message).toContain('on some path');
  });

  it('accepts the action when every path passes the approval', () => {
    const lp = playbook({
      [IF]: { type: 'if-condition', condition: '__severity__:value >= 70', on_true: APPROVE, on_false: APPROVE },
      [APPROVE]: approve({ on_success: BLOCK, on_failure: END }),
      [BLOCK]: block,
    });
    expect(unguarded(lp)).toEqual([]);
    expect(analyseGuardrails(lp.playbook).actions.find((a) => a.step_id === BLOCK)!.guarded_by).toEqual([APPROVE]);
  });

  it('does not count the rejected branch of an approval as a guard', () => {
    const lp = playbook({
      [IF]: { type: 'if-condition', condition: '__severity__:value >= 70', on_true: APPROVE, on_false: APPROVE },
      [APPROVE]: approve({ on_success: END, on_failure: BLOCK }),
      [BLOCK]: block,
    });
    expect(unguarded(lp)).toHaveLength(1);
  });

  it('accepts an allow-list condition as a guard, and the internal-IP mutation then blocks nothing', async () => {
    const lp = playbook({
      [IF]: {
        type: 'if-condition',
        name: 'internal address?',
        condition: "__ip__:value ISSUBSET ('10.0.0.0/8', '192.168.0.0/16')",
        on_true: END,
        on_false: BLOCK,
      },
      [BLOCK]: block,
    });
    expect(unguarded(lp)).toEqual([]);
    const r = await dryRunPlaybook(lp, { alerts: [makeAlert({ source: { ip: '203.0.113.7' } }, 'tp', 'sample')] });
    expect(r.runs[0]!.actions.map((a) => a.step_id)).toEqual([BLOCK]);
    expect(r.blast_radius!.alerts_run).toEqual(['tp~internal-ip', 'tp~domain-controller', 'tp~break-glass']);
    expect(r.blast_radius!.incidents).toEqual([]);
  });

  it('catches an inverted allow-list through the blast radius even though the graph looks guarded', async () => {
    const lp = playbook({
      [IF]: {
        type: 'if-condition',
        name: 'internal address?',
        condition: "__ip__:value ISSUBSET ('10.0.0.0/8', '192.168.0.0/16')",
        on_true: BLOCK,
        on_false: END,
      },
      [BLOCK]: block,
    });
    expect(unguarded(lp)).toEqual([]);
    const r = await dryRunPlaybook(lp, { alerts: [makeAlert({ source: { ip: '203.0.113.7' } }, 'tp', 'sample')] });
    expect(r.blast_radius!.incidents).toEqual([
      expect.objectContaining({
        alert: 'tp~internal-ip',
        step_id: BLOCK,
        entity: expect.objectContaining({ value: '10.20.30.40' }),
        gated_by_approval: false,
      }),
    ]);
    expect(r.guardrail_findings).toContainEqual(
      expect.objectContaining({ kind: 'false-positive-blast-radius', severity: 'critical' }),
    );
  });

  it('asks for a timeout on approvals, a rollback, a cap, failure handling and the closed loop', () => {
    const lp = playbook({
      [IF]: { type: 'if-condition', condition: '__severity__:value >= 70', on_true: APPROVE, on_false: END },
      [APPROVE]: { ...approve({ on_success: BLOCK, on_failure: END }), timeout: undefined },
      [BLOCK]: block,
    });
    const kinds = analyseGuardrails(lp.playbook)
      .findings.map((f) => f.kind)
      .sort();
    expect(kinds).toEqual([
      'approval-without-timeout',
      'missing-allow-list',
      'missing-failure-handling',
      'missing-rollback',
      'missing-target-cap',
      'no-enforcement-confirmation',
      'outcome-not-recorded',
    ]);
  });

  it('counts a confirmation only when the enforcing product itself is asked', () => {
    const confirm = (agent: string) =>
      playbook({
        [IF]: { type: 'if-condition', condition: '__severity__:value >= 70', on_true: APPROVE, on_false: END },
        [APPROVE]: approve({ on_success: BLOCK, on_failure: END }),
        [BLOCK]: { ...block, on_completion: `action--${U(10)}` },
        [`action--${U(10)}`]: {
          type: 'action',
          name: 'Confirm the block is active',
          commands: [{ type: 'http-api', command: 'GET /status' }],
          agent,
          on_completion: END,
        },
      });
    const kinds = (lp: ReturnType<typeof playbook>) => analyseGuardrails(lp.playbook).findings.map((f) => f.kind);
    expect(kinds(confirm(`http-api--${U(8)}`))).not.toContain('no-enforcement-confirmation');
    expect(kinds(confirm(`http-api--${U(11)}`))).toContain('no-enforcement-confirmation');
  });
});
