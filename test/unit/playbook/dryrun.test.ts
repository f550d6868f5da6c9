import { describe, expect, it } from 'vitest';
import { makeAlert } from '../../../src/playbook/alerts.js';
import { dryRun } from '../../../src/playbook/dryrun.js';
import { loadCacaoDoc } from '../../../src/playbook/load.js';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const S = `start--${U(1)}`;
const END = `end--${U(9)}`;
const act = (name: string, command: string, next: string, type = 'bash') => ({
  type: 'action',
  name,
  commands: [{ type, command }],
  on_completion: next,
});

function pb(workflow: Record<string, unknown>, first: string, vars: Record<string, unknown> = {}) {
  return loadCacaoDoc(
    {
      type: 'playbook',
      spec_version: 'cacao-2.0',
      id: `playbook--${U(7)}`,
      name: 'walk test',
      created_by: `identity--${U(6)}`,
      created: '2026-01-01T00:00:00Z',
      modified: '2026-01-01T00:00:00Z',
      playbook_variables: vars,
      workflow_start: S,
      workflow: { [S]: { type: 'start', on_completion: first }, [END]: { type: 'end' }, ...workflow },
    },
    'walk.json',
  ).playbook;
}

describe('dry-run walk', () => {
  it('follows the matching switch case, or every case when the value is unknown', () => {
    const SW = `switch-condition--${U(2)}`;
    const p = pb(
      {
        [SW]: {
          type: 'switch-condition',
          switch: '__kind__',
          cases: { malware: `action--${U(3)}`, phishing: `action--${U(4)}`, default: END },
        },
        [`action--${U(3)}`]: act('Isolate the host', 'isolate', END),
        [`action--${U(4)}`]: act('Notify the user', 'mail', END),
      },
      SW,
      { __kind__: { type: 'string', external: true } },
    );
    const known = dryRun(p, makeAlert({ kind: 'phishing' }, 'a', 'sample'));
    expect(known.steps.find((s) => s.step_id === SW)!.decision).toMatchObject({ result: true, branches: ['phishing'] });
    expect(known.actions.map((a) => a.name)).toEqual(['Notify the user']);
    const unknown = dryRun(p, makeAlert({ other: 1 }, 'b', 'sample'));
    expect(unknown.steps.find((s) => s.step_id === SW)!.status).toBe('undecidable');
    expect(unknown.actions.map((a) => `${a.name}:${a.reached}`).sort()).toEqual([
      'Isolate the host:possible',
      'Notify the user:possible',
    ]);
  });

  it('enters a while loop whose condition holds, and leaves it only as a possibility', () => {
    const W = `while-condition--${U(2)}`;
    const p = pb(
      {
        [W]: {
          type: 'while-condition',
          condition: "__state__:value != 'done'",
          on_true: `action--${U(3)}`,
          on_false: END,
        },
        [`action--${U(3)}`]: { ...act('Poll the EDR status', 'status', W), out_args: ['__state__'] },
      },
      W,
      { __state__: { type: 'string', value: 'pending' } },
    );
    const run = dryRun(p, makeAlert({ x: 1 }, 'a', 'sample'));
    // written by the body: a runtime output
    expect(run.steps.find((s) => s.step_id === W)!.decision!.result).toBe('unknown');
    expect(run.steps.map((s) => s.step_id)).toEqual([S, W, `action--${U(3)}`, END]);
  });

  it('explores the failure path only as a possibility and classifies query-language commands as investigation', () => {
    const A = `action--${U(3)}`;
    const F = `action--${U(4)}`;
    const p = pb(
      {
        [A]: {
          type: 'action',
          name: 'Sigma sweep',
          commands: [{ type: 'sigma', command: 'title: x' }],
          on_success: END,
          on_failure: F,
        },
        [F]: act('Tell the team', 'notify soc', END),
      },
      A,
    );
    const run = dryRun(p, makeAlert({ x: 1 }, 'a', 'sample'));
    expect(run.actions.map((a) => [a.name, a.risk, a.reached])).toEqual([
      ['Sigma sweep', 'investigate', 'definite'],
      ['Tell the team', 'notify', 'possible'],
    ]);
  });
});
