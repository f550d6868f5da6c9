import { describe, expect, it } from 'vitest';
import {
  ConditionSyntaxError,
  UNKNOWN,
  type Value,
  conditionRefs,
  evaluate,
  evaluateSource,
  parseCondition,
} from '../../../src/playbook/condition.js';

const env = (vars: Record<string, Value>) => (name: string) =>
  name.replace(/:value$/, '') in vars ? vars[name.replace(/:value$/, '')]! : UNKNOWN;

describe('conditions', () => {
  it('evaluates STIX-style ISSUBSET against CIDR lists', () => {
    const c = "[__ip__:value ISSUBSET ('10.0.0.0/8', '192.168.0.0/16')]";
    expect(evaluateSource(c, env({ __ip__: '10.20.30.40' })).result).toBe(true);
    expect(evaluateSource(c, env({ __ip__: '203.0.113.9' })).result).toBe(false);
  });

  it("evaluates SOARCA's string comparisons and numeric ones", () => {
    expect(evaluateSource("__r__:value != '01-01-2025'", env({ __r__: '02-01-2025' })).result).toBe(true);
    expect(evaluateSource('__sev__:value >= 70', env({ __sev__: 50 })).result).toBe(false);
    expect(evaluateSource('__sev__:value >= 70', env({ __sev__: '80' })).result).toBe(true);
  });

  it('evaluates the native "not in" against a list variable with CIDRs', () => {
    const r = env({ attacker_ip: '172.16.4.4', internal_ranges: ['10.0.0.0/8', '172.16.0.0/12'] });
    expect(evaluateSource('attacker_ip not in internal_ranges', r).result).toBe(false);
    expect(evaluateSource('attacker_ip in internal_ranges', r).result).toBe(true);
  });

  it('is undecidable when a variable is unknown, unless the other side of AND/OR already decides', () => {
    expect(evaluateSource("__x__:value = 'a'", env({})).result).toBe('unknown');
    expect(evaluateSource("__x__:value = 'a' AND __y__:value = 'b'", env({ __y__: 'c' })).result).toBe(false);
    expect(evaluateSource("__x__:value = 'a' OR __y__:value = 'b'", env({ __y__: 'b' })).result).toBe(true);
    expect(evaluateSource("NOT (__x__:value = 'a')", env({})).result).toBe('unknown');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: XSOAR ${context} syntax, not a template.
  it('handles EXISTS / EMPTY and ${context} references as XSOAR conditions are translated', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: XSOAR ${context} syntax, not a template.
    expect(evaluateSource('EXISTS ${inputs.IP}', env({ 'inputs.IP': '1.2.3.4' })).result).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: XSOAR ${context} syntax, not a template.
    expect(evaluateSource('NOT EMPTY ${inputs.IP}', env({ 'inputs.IP': '' })).result).toBe(false);
  });

  it('lists the variables a condition reads', () => {
    expect(conditionRefs(parseCondition("__a__:value = 'x' OR b IN (1, 2)"))).toEqual(['__a__:value', 'b']);
  });

  it('reports a syntax error instead of guessing, and the evaluation says unknown with the reason', () => {
    expect(() => parseCondition("__a__:value = 'x")).toThrow(ConditionSyntaxError);
    const r = evaluateSource('a = = b', env({ a: 1 }));
    expect(r.result).toBe('unknown');
    expect(r.error).toBeDefined();
  });

  it('evaluates LIKE and MATCHES', () => {
    expect(evaluate(parseCondition("h LIKE 'dc%'"), env({ h: 'DC01.corp' }))).toBe(true);
    expect(evaluate(parseCondition("h MATCHES '^web\\\\d+'"), env({ h: 'web01' }))).toBe(true);
  });
});
