import { describe, expect, it } from 'vitest';
import { loadCacaoDoc, loadPlaybookText } from '../../../src/playbook/load.js';
import { InputError } from '../../../src/util/validate.js';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function minimal(extra: Record<string, unknown> = {}, steps?: Record<string, unknown>) {
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${U(1)}`,
    name: 'minimal',
    created_by: `identity--${U(2)}`,
    created: '2026-01-01T00:00:00Z',
    modified: '2026-01-01T00:00:00Z',
    workflow_start: `start--${U(3)}`,
    workflow: steps ?? {
      [`start--${U(3)}`]: { type: 'start', on_completion: `action--${U(4)}` },
      [`action--${U(4)}`]: {
        type: 'action',
        commands: [{ type: 'bash', command: 'id' }],
        on_completion: `end--${U(5)}`,
      },
      [`end--${U(5)}`]: { type: 'end' },
    },
    ...extra,
  };
}

describe('CACAO 2.0 two-tier schema', () => {
  it('accepts a minimal conformant playbook in both tiers', () => {
    const lp = loadCacaoDoc(minimal(), 'min.json');
    expect(lp.validation).toEqual([]);
    expect(lp.valid && lp.strict_valid).toBe(true);
  });

  it('treats on_completion together with on_success as a strict error only', () => {
    const doc = minimal();
    (doc.workflow as Record<string, Record<string, unknown>>)[`action--${U(4)}`]!.on_success = `end--${U(5)}`;
    const lp = loadCacaoDoc(doc, 'x.json');
    expect(lp.strict_valid).toBe(false);
    expect(lp.valid).toBe(true);
    expect(lp.validation).toContainEqual(
      expect.objectContaining({ tier: 'strict', message: expect.stringContaining('must not be combined') }),
    );
  });

  it('rejects an unknown step type in the lenient tier, with the step path', () => {
    const doc = minimal();
    (doc.workflow as Record<string, unknown>)[`action--${U(4)}`] = { type: 'teleport', on_completion: `end--${U(5)}` };
    const lp = loadCacaoDoc(doc, 'x.json');
    expect(lp.valid).toBe(false);
    expect(lp.validation).toContainEqual({
      tier: 'lenient',
      level: 'error',
      path: `/workflow/action--${U(4)}/type`,
      message: 'unknown step type "teleport"',
    });
  });

  it('rejects an action without commands in the lenient tier', () => {
    const doc = minimal();
    (doc.workflow as Record<string, unknown>)[`action--${U(4)}`] = { type: 'action', on_completion: `end--${U(5)}` };
    const lp = loadCacaoDoc(doc, 'x.json');
    expect(lp.valid).toBe(false);
    expect(lp.validation).toContainEqual(
      expect.objectContaining({
        tier: 'lenient',
        path: `/workflow/action--${U(4)}`,
        message: 'missing required property "commands"',
      }),
    );
  });

  it('flags a step id whose prefix does not match its type (strict)', () => {
    const doc = minimal(
      {},
      {
        [`start--${U(3)}`]: { type: 'start', on_completion: `step--${U(4)}` },
        [`step--${U(4)}`]: { type: 'end' },
      },
    );
    const lp = loadCacaoDoc(doc, 'x.json');
    expect(lp.validation).toContainEqual(
      expect.objectContaining({ tier: 'strict', message: expect.stringContaining('does not match its type') }),
    );
  });

  it('cannot load a document without a workflow (InputError naming the file)', () => {
    expect(() => loadCacaoDoc({ type: 'playbook', id: 'x' }, 'nowf.json')).toThrow(InputError);
    expect(() => loadCacaoDoc({ type: 'playbook', id: 'x' }, 'nowf.json')).toThrow(/nowf\.json/);
  });

  it('cannot load invalid JSON or an unknown format', () => {
    expect(() => loadPlaybookText('{ "a": ', 'bad.json')).toThrow(/invalid JSON/);
    expect(() => loadPlaybookText('hello: world\n', 'x.yaml')).toThrow(/unrecognised playbook format/);
  });

  it('reports a while loop whose condition variable nothing in the loop changes', () => {
    const doc = minimal(
      { playbook_variables: { __n__: { type: 'integer', value: 0 } } },
      {
        [`start--${U(3)}`]: { type: 'start', on_completion: `while-condition--${U(6)}` },
        [`while-condition--${U(6)}`]: {
          type: 'while-condition',
          condition: '__n__:value < 5',
          on_true: `action--${U(4)}`,
          on_false: `end--${U(5)}`,
        },
        [`action--${U(4)}`]: {
          type: 'action',
          commands: [{ type: 'bash', command: 'sleep 1' }],
          on_completion: `while-condition--${U(6)}`,
        },
        [`end--${U(5)}`]: { type: 'end' },
      },
    );
    const lp = loadCacaoDoc(doc, 'x.json');
    expect(lp.validation).toContainEqual(
      expect.objectContaining({
        tier: 'structure',
        level: 'warning',
        path: `while-condition--${U(6)}`,
        message: expect.stringContaining('may never end'),
      }),
    );
  });

  it('accepts the same while loop when the body writes the variable (out_args)', () => {
    const doc = minimal(
      { playbook_variables: { __n__: { type: 'integer', value: 0 } } },
      {
        [`start--${U(3)}`]: { type: 'start', on_completion: `while-condition--${U(6)}` },
        [`while-condition--${U(6)}`]: {
          type: 'while-condition',
          condition: '__n__:value < 5',
          on_true: `action--${U(4)}`,
          on_false: `end--${U(5)}`,
        },
        [`action--${U(4)}`]: {
          type: 'action',
          commands: [{ type: 'bash', command: 'expr 1 + 1' }],
          out_args: ['__n__'],
          on_completion: `while-condition--${U(6)}`,
        },
        [`end--${U(5)}`]: { type: 'end' },
      },
    );
    expect(loadCacaoDoc(doc, 'x.json').validation.filter((i) => i.tier === 'structure')).toEqual([]);
  });
});
