import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/util/validate.js';
import { applyWaivers, exampleWaiversYaml, isExpired, loadWaivers } from '../../../src/score/waivers.js';
import { finding } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-waivers-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const NOW = new Date('2026-11-23T12:00:00Z');
const WAIVERS = file(
  'waivers.yaml',
  `version: 1
waivers:
  - check: linux.audit.immutable
    target: "db-*"
    justification: Live patching reloads rules until the Q3 migration.
    expires: 2026-12-31
    owner: infra lead
  - check: siem.retention.*
    target: "*"
    justification: Storage budget approved for next fiscal year.
    expires: 2026-10-31
`,
);

describe('waivers', () => {
  it('marks a failing finding whose check and target match an active waiver, keeping its status', () => {
    const f = finding('audit-policy', 'fail', { check: 'linux.audit.immutable', target: 'db-01' });
    const [w] = applyWaivers([f], WAIVERS, NOW);
    expect(w!.status).toBe('fail');
    expect(w!.waiver).toEqual({
      justification: 'Live patching reloads rules until the Q3 migration.',
      expires: '2026-12-31',
      expired: false,
      file: WAIVERS,
    });
  });

  it('does not touch targets outside the pattern or passing findings', () => {
    const other = finding('audit-policy', 'fail', { check: 'linux.audit.immutable', target: 'app-01' });
    const passing = finding('audit-policy', 'pass', { check: 'linux.audit.immutable', target: 'db-02' });
    const out = applyWaivers([other, passing], WAIVERS, NOW);
    expect(out[0]!.waiver).toBeUndefined();
    expect(out[1]!.waiver).toBeUndefined();
  });

  it('says so when a waiver expired: the finding is marked expired and no longer waived', () => {
    const f = finding('infrastructure', 'fail', { check: 'siem.retention.days', target: 'siem-01' });
    const [w] = applyWaivers([f], WAIVERS, NOW);
    expect(w!.waiver?.expired).toBe(true);
    expect(w!.waiver?.expires).toBe('2026-10-31');
  });

  it('keeps a waiver in force through its whole expiry day (UTC) and expires it the day after', () => {
    expect(isExpired({ expires: '2026-12-31' }, new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(isExpired({ expires: '2026-12-31' }, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });

  it('prefers a waiver still in force over an expired one that also matches', () => {
    const p = file(
      'two.yaml',
      `waivers:
  - { check: "x.*", target: "*", justification: "old exception, now expired", expires: 2025-01-01 }
  - { check: "x.y", target: "h1", justification: "renewed exception for h1", expires: 2027-01-01 }
`,
    );
    const [w] = applyWaivers([finding('infrastructure', 'warn', { check: 'x.y', target: 'h1' })], p, NOW);
    expect(w!.waiver).toMatchObject({ expired: false, justification: 'renewed exception for h1' });
  });

  it('rejects a waiver without an expiry date, naming file, line and field', () => {
    const p = file('bad.yaml', 'waivers:\n  - check: a.b\n    target: "*"\n    justification: because we said so\n');
    try {
      applyWaivers([], p, NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const err = e as InputError;
      expect(err.file).toBe(p);
      expect(err.line).toBe(2);
      expect(err.message).toContain('missing required field "expires"');
    }
  });

  it('rejects a date that is not YYYY-MM-DD with the field name', () => {
    const p = file(
      'date.yaml',
      'waivers:\n  - check: a.b\n    target: "*"\n    justification: because we said so\n    expires: next year\n',
    );
    expect(() => applyWaivers([], p, NOW)).toThrow(/date\.yaml:5:\d+: waivers\.0\.expires: must match format "date"/);
  });

  it('writes an example file for socready init that loads, and whose commented example is valid when enabled', () => {
    expect(loadWaivers(file('example.yaml', exampleWaiversYaml()))).toEqual([]);
    const enabled = exampleWaiversYaml()
      .replace('waivers: []', 'waivers:')
      .replace(/^# {2}- /m, '  - ')
      .replace(/^# {4}/gm, '    ');
    expect(loadWaivers(file('enabled.yaml', enabled))).toEqual([
      expect.objectContaining({
        check: 'linux.audit.immutable',
        target: 'web-*',
        expires: '2027-03-31',
        owner: 'infrastructure lead',
      }),
    ]);
  });
});
