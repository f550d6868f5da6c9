// The grade ladder's last steps: a sample detection raises a technique's grade only through one of the graded rules
// (the organisation's) that can see its logs; a built-in pack rule that fired beside them proves nothing about the
// organisation's coverage, even when no host scan measured visibility.
import { describe, expect, it } from 'vitest';
import { gradeOf, type Validation } from '../../../src/coverage/grade.js';
import type { RuleVisibility } from '../../../src/coverage/types.js';
import type { DetectionRule } from '../../../src/rules/model.js';

const rule: DetectionRule = {
  file: 'splunk:savedsearches/Suspicious Process Injection',
  format: 'splunk-conf',
  id: 'org-injection',
  title: 'Suspicious Process Injection',
  logsource: { product: 'windows', category: 'process_access' },
  fields: [],
  techniques: ['T1055'],
  tactics: [],
  owasp: [],
  correlation: false,
  tags: [],
};

const visibility = (v: RuleVisibility['visibility']): RuleVisibility => ({
  visibility: v,
  visible_on: [],
  blind_on: [],
  checks: [],
  missing_fields: [],
  explain: { en: v, ja: v },
});

const builtIn: Validation = {
  rule_id: 'builtin-process-injection',
  title: 'Built-in process injection',
  techniques: ['T1055'],
  validated: true,
  benign_tested: true,
};

describe('grade of a technique with sample detections', () => {
  it('a blind organisation rule stays blind when only a built-in pack rule fired, with nothing measured', () => {
    const g = gradeOf({
      rules: [rule],
      vis: new Map([[rule, visibility('blind')]]),
      validations: [builtIn],
      measured: false,
    });
    expect(g.grade).toBe('blind');
  });

  it('a declared organisation rule stays declared when the sample that fired was a built-in pack rule', () => {
    const g = gradeOf({
      rules: [rule],
      vis: new Map([[rule, visibility('unknown')]]),
      validations: [builtIn],
      measured: false,
    });
    expect(g.grade).toBe('declared');
    expect(g.explain.at(-1)!.en).toBe(
      'A sample detection by "Built-in process injection" fired, but that rule is not among the rules read.',
    );
  });

  it("the organisation rule's own sample still validates and benign-tests it when visibility was not measured", () => {
    const own: Validation = { ...builtIn, rule_id: rule.id, title: rule.title };
    const g = gradeOf({
      rules: [rule],
      vis: new Map([[rule, visibility('unknown')]]),
      validations: [own],
      measured: false,
    });
    expect(g.grade).toBe('benign-tested');
  });
});
