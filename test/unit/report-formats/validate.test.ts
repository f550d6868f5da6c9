import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/model.js';
import { readReport, validateReport } from '../../../src/report/validate.js';
import { scoreReport } from '../../../src/score/model.js';
import { InputError } from '../../../src/util/validate.js';
import { coverage, detections, finding, playbooks, questionnaire, report, web, wrap } from '../score/helpers.js';
import { RUN_FILES } from './fixtures.js';

/** A report with every optional field of src/model.ts set, so the schema is checked against the whole contract. */
function fullReport(): Report {
  const r = report({
    targets: [
      {
        id: 'h1',
        kind: 'linux',
        address: '10.0.0.1',
        transport: 'ssh',
        status: 'partial',
        error: { kind: 'sudo-password-required', message: 'sudo: a password is required' },
        host: { hostname: 'h1', os: 'Debian 12', kernel: '6.1' },
        duration_ms: 12,
        checks_run: 3,
      },
    ],
    findings: [
      finding('audit-policy', 'fail', {
        rationale: { en: 'r', ja: 'r' },
        remediation: { en: 'fix', ja: '直す' },
        reason: 'why',
        observed: { rules: [{ syscall: 'bpf' }] },
        excerpt: '-a always,exit',
        evidence: ['h1:auditctl'],
        maps: { attack: ['T1014'], data_components: ['Process Creation'], owasp: ['A09'] },
        waiver: { justification: 'j', expires: '2027-01-01', expired: false, file: 'w.yaml' },
      }),
    ],
    evidence: [
      {
        id: 'h1:auditctl',
        target: 'h1',
        probe: 'auditctl-rules',
        kind: 'command',
        what: 'auditctl -l',
        sudo: true,
        exit_code: null,
        started_at: '2026-11-01T09:00:00Z',
        duration_ms: 3,
        bytes: 10,
        truncated: false,
        file: 'evidence/h1/auditctl.txt',
        redactions: 1,
        error: { kind: 'timeout', message: 'timed out' },
      },
    ],
    analyses: {
      coverage: {
        summary: coverage(),
        details: { navigator: { name: 'layer' } },
        problems: [{ path: 'rules/x.yml', error: 'bad' }],
      },
      detections: wrap(detections()),
      playbooks: wrap(playbooks()),
      web: { summary: web(), details: [{ target: 'w1' }], problems: [] },
    },
    questionnaire: {
      source: 'q.yaml',
      answers: [
        { id: 'staffing.analysts', area: 'people-process', question: { en: 'q', ja: 'q' }, answer: 3, level_hint: 1 },
      ],
    },
    previous: { run_id: 'run-0', overall: null, areas: [{ area: 'audit-policy', level: 2 }] },
  });
  return { ...r, score: scoreReport(r) };
}

describe('report JSON schema', () => {
  it('accepts a report with every optional field of the model set', () => {
    expect(() => validateReport(JSON.parse(JSON.stringify(fullReport())), 'full.json')).not.toThrow();
  });

  it('accepts the fixture runs', () => {
    for (const f of RUN_FILES) expect(readReport(f).run.organization).toBe('ACME Manufacturing');
  });

  it('rejects a field the model does not have, naming it', () => {
    const r = JSON.parse(JSON.stringify(fullReport()));
    r.findings[0].colour = 'red';
    expect(() => validateReport(r, 'x.json')).toThrow(
      /x\.json: findings\.0\.colour: not a socready report: unknown field/,
    );
  });

  it('rejects a level outside 0..5 and a wrong status with the field path', () => {
    const r = JSON.parse(JSON.stringify(fullReport()));
    r.score.areas[0].level = 6;
    expect(() => validateReport(r, 'x.json')).toThrow(/score\.areas\.0\.level/);
    const s = JSON.parse(JSON.stringify(fullReport()));
    s.findings[0].status = 'failed';
    expect(() => validateReport(s, 'x.json')).toThrow(
      /findings\.0\.status: not a socready report: must be one of pass, fail/,
    );
  });

  it('keeps analyses details free-form', () => {
    const r = JSON.parse(JSON.stringify(fullReport()));
    r.analyses.detections.details = [1, 'two', { three: null }];
    expect(() => validateReport(r, 'x.json')).not.toThrow();
  });

  it('reports invalid JSON with its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-rep-'));
    const p = join(dir, 'broken.json');
    writeFileSync(
      p,
      readFileSync(RUN_FILES[0]!, 'utf8').replace('"schema_version": "1.0",', '"schema_version": "1.0",,'),
    );
    try {
      readReport(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).line).toBe(2);
    }
  });

  it('does not accept a questionnaire answer outside the known areas', () => {
    const r = report({ questionnaire: questionnaire({ a: 1 }) });
    const j = JSON.parse(JSON.stringify(r));
    j.questionnaire.answers[0].area = 'marketing';
    expect(() => validateReport(j, 'x.json')).toThrow(/questionnaire\.answers\.0\.area/);
  });
});
