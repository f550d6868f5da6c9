// Conditions of 100,000 terms load in linear time: the identifier lookup, the prefilter's `or` of needs and the
// YAML duplicate-key check were each quadratic (a 100,000-term rule took minutes to load).
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/sigma/condition.js';
import { loadRuleText } from '../../../src/sigma/loader.js';
import { parseYaml } from '../../../src/util/validate.js';

const header =
  'title: big\nid: 11111111-2222-3333-4444-555555555555\nlogsource: {product: windows, category: ' +
  'process_creation}\ndetection:\n';

// Each bound is generous (linear work is well under a second here); the quadratic versions took minutes.
const BOUND_MS = 30_000;

describe('large Sigma conditions', () => {
  it('loads a condition of 100,000 `or` terms over one selection, with the prefilter need built once', () => {
    const text =
      `${header}  selection: {Image: evil.exe}\n  condition: ` + `${Array(100_000).fill('selection').join(' or ')}\n`;
    const t0 = Date.now();
    const r = loadRuleText(text, 'or.yml');
    expect(Date.now() - t0).toBeLessThan(BOUND_MS);
    expect(r.failures).toEqual([]);
    expect(r.rules.length).toBe(1);
  });

  it('parses a condition of 200,000 distinct identifiers with a set lookup', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `s${i}`);
    const t0 = Date.now();
    const node = parseCondition(ids.join(' or '), ids);
    expect(Date.now() - t0).toBeLessThan(BOUND_MS);
    expect(node.op === 'or' && node.args.length).toBe(200_000);
  });

  it(
    'checks a YAML map of 100,000 keys for duplicates in linear time, and still refuses a duplicate with its ' + 'line',
    () => {
      const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n');
      const t0 = Date.now();
      expect(parseYaml(keys, 'big.yml').docs.length).toBe(1);
      expect(Date.now() - t0).toBeLessThan(BOUND_MS);
      expect(() => parseYaml('a: 1\nb: 2\na: 3\n', 'dup.yml')).toThrow(
        'dup.yml:3:1: YAML syntax: Map keys must be unique',
      );
    },
  );
});
