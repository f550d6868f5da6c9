import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleQuestionnaireYaml, loadCatalog, loadQuestionnaire } from '../../../src/questionnaire/index.js';
import { scoreArea } from '../../../src/score/model.js';
import { InputError } from '../../../src/util/validate.js';
import { report } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-q-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('questionnaire', () => {
  it('has every question in English and Japanese, and every option labelled in both', () => {
    const c = loadCatalog();
    expect(c.questions.length).toBeGreaterThanOrEqual(10);
    for (const q of c.questions) {
      expect(q.question.en).not.toBe('');
      expect(q.question.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      for (const o of q.options ?? []) expect(o.label.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]|^[A-Za-z0-9 ()/-]+$/);
    }
    const ids = c.questions.map((q) => q.id);
    for (const id of [
      'staffing.analysts',
      'oncall.coverage',
      'tuning.cadence',
      'procedures.attack_types',
      'automation.blocking_risk_assessed',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('writes a template for socready init that loads as valid with nothing answered (not assessed, not 0)', () => {
    const text = exampleQuestionnaireYaml();
    expect(text).toContain('# When are alerts watched?');
    expect(text).toContain('# アラートはどの時間帯に監視されていますか？');
    const q = loadQuestionnaire(file('template.yaml', text));
    expect(q.answers).toEqual([]);
    expect(scoreArea('people-process', [], report({ questionnaire: q })).level).toBeNull();
  });

  it('resolves filled answers with their bilingual question and a level hint, shown as attested', () => {
    const text = exampleQuestionnaireYaml()
      .replace('staffing.analysts: null', 'staffing.analysts: 3')
      .replace('oncall.coverage: null', 'oncall.coverage: 24x7')
      .replace('oncall.escalation_documented: null', 'oncall.escalation_documented: true')
      .replace('tuning.cadence: null', 'tuning.cadence: monthly');
    const q = loadQuestionnaire(file('filled.yaml', text));
    expect(q.answers.map((a) => a.id)).toEqual([
      'staffing.analysts',
      'oncall.coverage',
      'oncall.escalation_documented',
      'tuning.cadence',
    ]);
    expect(q.answers[1]).toMatchObject({
      answer: '24x7',
      level_hint: 4,
      question: { ja: 'アラートはどの時間帯に監視されていますか？' },
    });
    const a = scoreArea('people-process', [], report({ questionnaire: q }));
    expect(a.basis).toBe('attested');
    expect(a.level).toBe(2);
  });

  it('names file, line and field for an option that does not exist', () => {
    const p = file('bad-option.yaml', 'answers:\n  staffing.analysts: 2\n  oncall.coverage: nightly\n');
    try {
      loadQuestionnaire(p);
      expect.unreachable();
    } catch (e) {
      const err = e as InputError;
      expect(err).toBeInstanceOf(InputError);
      expect([err.file, err.line, err.field]).toEqual([p, 3, 'answers.oncall.coverage']);
      expect(err.message).toContain('must be one of none, business-hours, extended, 24x7');
    }
  });

  it('names the misspelt question id as an unknown field', () => {
    const p = file('typo.yaml', 'answers:\n  staffing.analyst: 2\n');
    expect(() => loadQuestionnaire(p)).toThrow(/typo\.yaml:2:\d+: answers\.staffing\.analyst: unknown field/);
  });

  it('rejects a wrong type and a negative head count', () => {
    expect(() => loadQuestionnaire(file('type.yaml', 'answers:\n  oncall.escalation_documented: "yes"\n'))).toThrow(
      /answers\.oncall\.escalation_documented: must be boolean/,
    );
    expect(() => loadQuestionnaire(file('neg.yaml', 'answers:\n  staffing.analysts: -1\n'))).toThrow(
      /neg\.yaml:2:\d+: answers\.staffing\.analysts: must be >= 0/,
    );
  });

  it('reports a YAML syntax error with its line', () => {
    expect(() => loadQuestionnaire(file('syntax.yaml', 'answers:\n  staffing.analysts: [1\n'))).toThrow(
      /syntax\.yaml:\d+:\d+: YAML syntax/,
    );
  });
});
