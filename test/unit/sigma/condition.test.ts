import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/sigma/condition.js';
import { loadError, matches, rule } from './helpers.js';

const det = `  selection_a:
    A: '1'
  selection_b:
    B: '1'
  filter_x:
    X: '1'
  _helper:
    H: '1'
`;

describe('condition grammar', () => {
  it('gives not precedence over and, and and over or', () => {
    const r = rule(`${det}  condition: selection_a or selection_b and not filter_x`);
    expect(matches(r, { A: '1', X: '1' })).toBe(true); // a or (b and not x)
    expect(matches(r, { B: '1', X: '1' })).toBe(false);
    expect(matches(r, { B: '1' })).toBe(true);
  });

  it('honours parentheses', () => {
    const r = rule(`${det}  condition: (selection_a or selection_b) and not filter_x`);
    expect(matches(r, { A: '1', X: '1' })).toBe(false);
    expect(matches(r, { A: '1' })).toBe(true);
  });

  it('1 of / all of / any of with wildcard patterns', () => {
    const one = rule(`${det}  condition: 1 of selection_*`);
    expect(matches(one, { B: '1' })).toBe(true);
    const all = rule(`${det}  condition: all of selection_* and not 1 of filter_*`);
    expect(matches(all, { A: '1', B: '1' })).toBe(true);
    expect(matches(all, { A: '1' })).toBe(false);
    expect(matches(all, { A: '1', B: '1', X: '1' })).toBe(false);
    const any = rule(`${det}  condition: any of selection_?`);
    expect(matches(any, { A: '1' })).toBe(true);
  });

  it('them covers every identifier except those starting with _', () => {
    const all = rule(`${det}  condition: all of them`);
    expect(matches(all, { A: '1', B: '1', X: '1' })).toBe(true); // _helper is not required
    const one = rule(`${det}  condition: 1 of them`);
    expect(matches(one, { H: '1' })).toBe(false);
  });

  it('a list of conditions is an OR', () => {
    const r = rule(`${det}  condition:\n    - selection_a and filter_x\n    - selection_b`);
    expect(matches(r, { B: '1' })).toBe(true);
    expect(matches(r, { A: '1' })).toBe(false);
  });

  it('supports "N of" as at least N', () => {
    const tree = parseCondition('2 of sel*', ['sel1', 'sel2', 'sel3']);
    expect(tree).toEqual({ op: 'of', min: 2, names: ['sel1', 'sel2', 'sel3'] });
  });

  it(
    'reports unknown identifiers, unbalanced parentheses, patterns ' + 'matching nothing and Sigma 1.0 aggregations',
    () => {
      expect(loadError(`${det}  condition: selection_a and nope`)).toMatch(/unknown search identifier "nope"/);
      expect(loadError(`${det}  condition: (selection_a`)).toMatch(/"\)" expected/);
      expect(loadError(`${det}  condition: 1 of nothing_*`)).toMatch(/matches no search identifier/);
      expect(loadError(`${det}  condition: selection_a | count() by A > 5`)).toMatch(/correlation rules/);
      expect(loadError(`${det}  condition: selection_a and`)).toMatch(/expression expected/);
    },
  );
});
