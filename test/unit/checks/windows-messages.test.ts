import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { Report, TargetKind } from '../../../src/model.js';
import { buildView } from '../../../src/report/html-view.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { hostOutputs } from '../../helpers/windows-hosts.js';

const catalog = loadCatalog();
const check = (id: string) => catalog.checks.find((c) => c.id === id)!;
const W = join(FIXTURES_DIR, 'windows');
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

/** The English default-host auditpol output with one subcategory's inclusion setting replaced. */
function auditpolWith(guid: string, setting: string, file = 'auditpol-en-default.csv'): ProbeResult {
  const text = readFileSync(join(W, file), 'utf8');
  const re = new RegExp(`^(.*\\{${guid}\\},)[^,]*(,.*)$`, 'mi');
  expect(re.test(text)).toBe(true);
  return ok(text.replace(re, `$1${setting}$2`));
}

describe('audit subcategories where detection needs failures', () => {
  const cases = [
    ['windows.auditpol.credential-validation', '0CCE923F-69AE-11D9-BED3-505054503030'],
    ['windows.auditpol.logon', '0CCE9215-69AE-11D9-BED3-505054503030'],
    ['windows.auditpol.user-account-management', '0CCE9235-69AE-11D9-BED3-505054503030'],
  ] as const;

  it.each(cases)('%s set to Success only is a fail that says Failure is missing', (id, guid) => {
    const f = evaluateCheck(
      check(id),
      { 'win-auditpol': auditpolWith(guid, 'Success') },
      { targetId: 'h', kind: 'windows' },
    );
    expect(f.status).toBe('fail');
    expect(f.observed).toEqual({ [`by_guid.${guid.toLowerCase()}.state`]: 'Success only (Failure is not audited)' });
  });

  it.each(cases)('%s on a Japanese host set to 成功 only is a fail too', (id, guid) => {
    const f = evaluateCheck(
      check(id),
      { 'win-auditpol': auditpolWith(guid, '成功', 'auditpol-ja-hardened.csv') },
      { targetId: 'h', kind: 'windows' },
    );
    expect(f.status).toBe('fail');
    expect(Object.values(f.observed ?? {})).toEqual(['Success only (Failure is not audited)']);
  });

  it.each(cases)('%s set to Failure only is a fail that says Success is missing; both halves pass', (id, guid) => {
    const failureOnly = evaluateCheck(
      check(id),
      { 'win-auditpol': auditpolWith(guid, 'Failure') },
      { targetId: 'h', kind: 'windows' },
    );
    expect(failureOnly.status).toBe('fail');
    expect(Object.values(failureOnly.observed ?? {})).toEqual(['Failure only (Success is not audited)']);
    expect(
      evaluateCheck(
        check(id),
        { 'win-auditpol': auditpolWith(guid, 'Success and Failure') },
        { targetId: 'h', kind: 'windows' },
      ).status,
    ).toBe('pass');
  });

  it(
    'a subcategory that needs both halves for another reason still warns when only one is set (Sensitive ' +
      'Privilege Use)',
    () => {
      const f = evaluateCheck(
        check('windows.auditpol.sensitive-privilege-use'),
        { 'win-auditpol': auditpolWith('0CCE9228-69AE-11D9-BED3-505054503030', 'Success') },
        { targetId: 'h', kind: 'windows' },
      );
      expect(f.status).toBe('warn');
    },
  );
});

describe('Windows finding texts', () => {
  it('no check title repeats a word ("Audit Audit Policy Change")', () => {
    for (const c of catalog.checks) {
      for (const lang of ['en', 'ja'] as const) expect(c.title[lang], c.id).not.toMatch(/\b(\w+) \1\b/i);
    }
    expect(check('windows.auditpol.audit-policy-change').title.en).toBe(
      "'Audit Policy Change' auditing is set to Success",
    );
  });

  it(
    'Sysmon findings say in words why an event is off: "Image loading (7): disabled", "ProcessAccess (10): ' +
      'onmatch include with no rules"',
    () => {
      const outputs = hostOutputs('default'); // SwiftOnSecurity's sysmon-config
      const seven = evaluateCheck(check('windows.sysmon.event-7'), outputs, { targetId: 'h', kind: 'windows' });
      expect(seven.status).toBe('fail');
      expect(seven.observed?.['event_config.7']).toBe('Image loading (7): disabled');
      const ten = evaluateCheck(check('windows.sysmon.event-10'), outputs, { targetId: 'h', kind: 'windows' });
      expect(ten.observed?.['event_config.10']).toBe(
        'ProcessAccess (10): onmatch include with no rules, so no event is written',
      );
      for (const f of [seven, ten]) expect(Object.values(f.observed ?? {})).not.toContain(null);
      const one = evaluateCheck(check('windows.sysmon.event-1'), outputs, { targetId: 'h', kind: 'windows' });
      expect(one.status).toBe('pass');
      expect(one.observed?.['event_config.1']).toMatch(
        /^ProcessCreate \(1\): onmatch exclude with \d+ exclusion\(s\)$/,
      );
    },
  );

  it('each Sysmon event rationale names only the global switch of its own event', () => {
    const events = catalog.checks.filter((c) => /^windows\.sysmon\.event-\d+$/.test(c.id));
    expect(events.length).toBeGreaterThanOrEqual(8);
    for (const c of events) {
      const n = c.id.split('-').pop();
      for (const lang of ['en', 'ja'] as const) {
        expect(c.rationale[lang].includes('Image loading'), `${c.id} ${lang}`).toBe(n === '7');
        expect(c.rationale[lang].includes('Network connection'), `${c.id} ${lang}`).toBe(n === '3');
      }
    }
  });

  it(
    'SCENoApplyLegacyAuditPolicy not set says so and gives the documented effective default (a warn), 0 fails, ' +
      '1 passes',
    () => {
      const c = check('windows.audit.scenoapplylegacy');
      const run = (file: string, extra = '') =>
        evaluateCheck(
          c,
          { 'win-registry-policy': ok(readFileSync(join(W, file), 'utf8') + extra) },
          { targetId: 'h', kind: 'windows' },
        );
      const unset = run('reg-policy-default.txt');
      expect(unset.status).toBe('warn');
      expect(unset.observed).toEqual({
        force_subcategory_settings: 'not set explicitly (documented effective default: Enabled)',
      });
      expect(c.rationale.en).toMatch(/not set explicitly, Microsoft documents the effective default as Enabled/);
      expect(c.rationale.en).not.toMatch(/Unless SCENoApplyLegacyAuditPolicy is 1/);
      const zero = run(
        'reg-policy-default.txt',
        '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\r\n    SCENoApplyLegacyAuditPolicy    ' +
          'REG_DWORD    0x0\r\n',
      );
      expect(zero.status).toBe('fail');
      expect(zero.observed).toEqual({
        force_subcategory_settings: 'disabled (0): legacy category settings replace the subcategory settings',
      });
      expect(run('reg-policy-hardened.txt').status).toBe('pass');
    },
  );
});

describe('the readiness checklist speaks of the platforms scanned', () => {
  const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'html', 'report-full.json'), 'utf8')) as Report;
  const auditRow = (kinds: TargetKind[], lang: 'en' | 'ja' = 'en') => {
    const report: Report = { ...base, targets: kinds.map((kind, i) => ({ ...base.targets[0]!, id: `t${i}`, kind })) };
    return buildView(report, lang).readiness.find((r) => r.item === (lang === 'en' ? 'Audit policy' : '監査ポリシー'))!
      .what;
  };

  it('a Windows-only run mentions no bpf() calls, in either language', () => {
    expect(auditRow(['windows'])).not.toContain('bpf()');
    expect(auditRow(['windows'], 'ja')).not.toContain('bpf()');
    expect(auditRow(['windows'])).toMatch(/failed logons/);
  });

  it('a Linux run keeps bpf(); a mixed run names both platforms', () => {
    expect(auditRow(['linux'])).toContain('bpf()');
    expect(auditRow(['linux', 'windows', 'web'])).toMatch(/on Linux.*bpf\(\).*on Windows/);
    expect(auditRow(['web'])).not.toContain('bpf()');
  });
});
