// SQL Server and Oracle audit checks decided by the catalog on fixtures built from the documented outputs of their
// catalog views (sys.server_audits + sys.dm_server_audit_status, sys.server_audit_specification_details; V$OPTION,
// AUDIT_UNIFIED_ENABLED_POLICIES, V$PARAMETER). No SQL Server or Oracle runs here: fixtures only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

const catalog = loadCatalog();
const fixture = (name: string): ProbeResult => ({
  stdout: readFileSync(join(REPO_ROOT, 'test/fixtures/database', name), 'utf8'),
  stderr: '',
  exitCode: 0,
  truncated: false,
  durationMs: 1,
});
const verdicts = (prefix: string, outputs: Record<string, ProbeResult>) =>
  Object.fromEntries(
    catalog.checks
      .filter((c) => c.id.startsWith(prefix))
      .map((c) => {
        const f = evaluateCheck(c, outputs, { targetId: 'db', kind: 'database' });
        return [c.id.slice(prefix.length), `${f.status}${f.reason ? `: ${f.reason}` : ''}`];
      }),
  );

describe('SQL Server audit (fixtures)', () => {
  it('a started audit to the Security log with every required action group passes', () => {
    const v = verdicts('database.mssql.', {
      'mssql-server-audits': fixture('mssql-server-audits-good.txt'),
      'mssql-audit-specifications': fixture('mssql-audit-specs-good.txt'),
    });
    expect(v['server-audit-running']).toMatch(/^pass/);
    expect(v['audit-action-groups']).toMatch(/^pass/);
    expect(v['audit-target-collected']).toMatch(/^pass/);
  });

  it('a file audit with only login groups: running, groups missing named, target a warn', () => {
    const v = verdicts('database.mssql.', {
      'mssql-server-audits': fixture('mssql-server-audits-file.txt'),
      'mssql-audit-specifications': fixture('mssql-audit-specs-logins-only.txt'),
    });
    expect(v['server-audit-running']).toMatch(/^pass/);
    expect(v['audit-action-groups']).toBe(
      'fail: not audited by any running audit: SCHEMA_OBJECT_CHANGE_GROUP, ' +
        'DATABASE_ROLE_MEMBER_CHANGE_GROUP, SERVER_ROLE_MEMBER_CHANGE_GROUP',
    );
    expect(v['audit-target-collected']).toMatch(/^warn: running audits write to FILE: files only/);
  });

  it('no audit at all fails, and an unreachable server is inconclusive, not a fail', () => {
    const empty: ProbeResult = { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs: 1 };
    expect(
      verdicts('database.mssql.', { 'mssql-server-audits': empty, 'mssql-audit-specifications': empty })[
        'server-audit-running'
      ],
    ).toMatch(/^fail: sys.server_audits is empty/);
    const refused: ProbeResult = {
      stdout: '',
      stderr: "Sqlcmd: Error: Microsoft ODBC Driver 18 for SQL Server : Login failed for user 'socready_ro'..",
      exitCode: 1,
      truncated: false,
      durationMs: 1,
    };
    expect(
      verdicts('database.mssql.', { 'mssql-server-audits': refused, 'mssql-audit-specifications': refused })[
        'server-audit-running'
      ],
    ).toMatch(/^inconclusive/);
  });
});

describe('Oracle auditing (fixtures)', () => {
  it('pure unified auditing with the default policies passes', () => {
    const v = verdicts('database.oracle.', {
      'oracle-unified-option': fixture('oracle-option-pure.txt'),
      'oracle-unified-policies': fixture('oracle-policies-default.txt'),
      'oracle-audit-parameters': fixture('oracle-parameters-none.txt'),
    });
    // The canary checks read the live db-canary and db-failed-login probes, not these views.
    const { 'canary-logged': _canary, 'failed-login-logged': _login, ...settings } = v;
    expect(Object.keys(settings)).toEqual(['unified-auditing', 'logon-failures-policy', 'secureconfig-policy']);
    expect(Object.values(settings).every((s) => s.startsWith('pass'))).toBe(true);
  });

  it('mixed mode with AUDIT_TRAIL=DB warns; no enabled policy fails both policy checks', () => {
    const none: ProbeResult = { stdout: '\n', stderr: '', exitCode: 0, truncated: false, durationMs: 1 };
    const v = verdicts('database.oracle.', {
      'oracle-unified-option': fixture('oracle-option-mixed.txt'),
      'oracle-unified-policies': none,
      'oracle-audit-parameters': fixture('oracle-parameters-db.txt'),
    });
    expect(v['unified-auditing']).toMatch(/^warn: V\$OPTION Unified Auditing = FALSE \(mixed mode\); audit_trail = DB/);
    expect(v['logon-failures-policy']).toMatch(/^fail: AUDIT_UNIFIED_ENABLED_POLICIES is empty/);
    expect(v['secureconfig-policy']).toMatch(/^fail/);
  });

  it('an ORA- error printed by sqlplus is inconclusive, not an empty answer', () => {
    const err: ProbeResult = {
      stdout: 'ORA-00942: table or view does not exist\n',
      stderr: '',
      exitCode: 0,
      truncated: false,
      durationMs: 1,
    };
    const v = verdicts('database.oracle.', {
      'oracle-unified-option': err,
      'oracle-unified-policies': err,
      'oracle-audit-parameters': err,
    });
    expect(v['logon-failures-policy']).toMatch(/^inconclusive: .*ORA-00942/);
  });
});
