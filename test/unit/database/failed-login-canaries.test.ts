// The failed-login canary on SQL Server and Oracle (no SQL Server or Oracle here): one login as a marked name that
// does not exist, refused by the server, then the name read back where each product records failed logins. The
// fakes answer the client in the documented formats (sqlcmd's "Login failed for user", Invoke-Sqlcmd's exception,
// sqlplus's ORA-01017) and the read-backs with documented rows; the UTF-16LE error log of SQL Server on Linux is a
// real file searched by the real shell command. Every PowerShell text must pass the collection-script builder
// (read-only, no exit), every statement must be one SELECT that never holds the whole name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { READ_ONLY_STATEMENT } from '../../../src/database/products.js';
import { DatabaseProbeSource } from '../../../src/database/source.js';
import type { DatabaseSettings, Finding, Target } from '../../../src/model.js';
import type { DbCanaryDocument } from '../../../src/parsers/database/canary.js';
import { createLocalTransport } from '../../../src/transport/local.js';
import type { PowerShellTransport } from '../../../src/transport/powershell.js';
import { buildCollectionScript } from '../../../src/transport/pwsh-script.js';
import type { ProbeResult, RunOptions, Transport } from '../../../src/transport/types.js';
import { linuxDbHost, ok } from '../../helpers/db-hosts.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const catalog = loadCatalog();
const text = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/database', name), 'utf8');
const NAME = /socready_fl_[a-z0-9_]+_[0-9a-f]{8}/;

async function failedLogin(
  transport: Transport,
  database: DatabaseSettings,
  probes: string[],
): Promise<{ finding: Finding; doc: DbCanaryDocument }> {
  const target: Target = {
    id: 'db1',
    kind: 'database',
    address: 'localhost',
    tags: [],
    transport: 'local',
    database: { ...database, failed_login_canary: true },
  };
  const source = new DatabaseProbeSource(target, {
    hostTransport: transport,
    active: true,
    runId: 'fx',
    logWaitMs: 1500,
    pollMs: 20,
    env: { PW: 'x' },
  });
  const all = [...probes, 'db-failed-login'].map((id) => catalog.probes.get(id)!);
  const outputs = Object.fromEntries(await source.collectAll(all));
  const check = catalog.checks.find((c) => c.id === `database.${database.product}.failed-login-logged`)!;
  return {
    finding: evaluateCheck(check, outputs, { targetId: 'db1', kind: 'database' }),
    doc: outputs['db-failed-login']!.data as DbCanaryDocument,
  };
}

/** A Windows SQL Server host through PowerShell: settings from fixtures, the login and its read-backs by content. */
function windowsHost(
  audits: string,
  opts: { hitAfter?: number; login?: (script: string) => ProbeResult } = {},
): { transport: PowerShellTransport; sent: string[] } {
  const sent: string[] = [];
  let name = '';
  let reads = 0;
  const check = (script: string) => {
    buildCollectionScript([{ id: 'probe', script }]);
    sent.push(script);
  };
  const transport = {
    name: 'powershell',
    connection: { method: 'local' },
    hostInfo: undefined,
    open: async () => undefined,
    describe: async () => ({ platform: 'windows' }),
    close: async () => undefined,
    readFile: async () => ok(''),
    runBatch: async (probes: { id: string; script: string }[]) => {
      const answers: Record<string, string> = {
        'mssql-server-audits': text(audits),
        'mssql-audit-specifications': text('mssql-audit-specs-logins-only.txt'),
        'mssql-errorlog-file': 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Log\\ERRORLOG\r\n',
      };
      return Object.fromEntries(
        probes.map((p) => {
          check(p.script);
          return [p.id, ok(answers[p.id] ?? '')];
        }),
      );
    },
    run: async (script: string) => {
      check(script);
      if (script.includes('$srUser')) {
        name = NAME.exec(script)?.[0] ?? '';
        return (
          opts.login?.(script) ??
          ok('', `Login failed for user '${name}'. Reason: Could not find a login matching the name provided.`, 1)
        );
      }
      reads++;
      if (reads < (opts.hitAfter ?? 1)) return ok('');
      if (script.includes('Id = 18456')) return ok(text('mssql-eventlog-18456.txt').replace('__MARKER__', name));
      if (script.includes('fn_get_audit_file'))
        return ok(text('mssql-audit-file-lgif.txt').replace('__MARKER__', name));
      return ok('');
    },
  };
  return { transport: transport as unknown as PowerShellTransport, sent };
}

const MSSQL_PROBES = ['mssql-server-audits', 'mssql-errorlog-file'];

describe('SQL Server failed-login canary through PowerShell on the Windows host (fixtures)', () => {
  it('login auditing: the refused login is event 18456 in the Application log, polled until it appears', async () => {
    const { transport, sent } = windowsHost('mssql-server-audits-good.txt', { hitAfter: 3 });
    const { finding, doc } = await failedLogin(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status, finding.reason).toBe('pass');
    expect(doc.marker).toMatch(NAME);
    expect(doc.where).toBe('Windows Application log, event 18456');
    expect(finding.reason).toMatch(/Login failed for user 'socready_fl_fx_db1_[0-9a-f]{8}'/);
    // The event-log audit (SECURITY_LOG) is read too, before the Application log.
    expect(doc.searched).toEqual([
      'Windows Security log, event 33205 [socready_audit]',
      'Windows Application log, event 18456',
    ]);
    const login = sent.find((s) => s.includes('$srUser'))!;
    expect(login).toContain('Username = $srUser; Password = $srPass');
    expect(login).toMatch(/sqlcmd\.exe -S \$srServer -U \$srUser -P \$srPass -b -l 10 -Q 'SELECT 1'/);
  });

  it('a FILE audit with FAILED_LOGIN_GROUP: read back as action LGIF with a split name and one SELECT', async () => {
    const { transport, sent } = windowsHost('mssql-server-audits-file.txt');
    const { finding, doc } = await failedLogin(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status, finding.reason).toBe('pass');
    expect(doc.where).toMatch(/^sys\.fn_get_audit_file\(D:\\Audit\\\*\.sqlaudit\) \[file_audit\]$/);
    const search = sent.find((s) => s.includes('fn_get_audit_file'))!;
    expect(search).not.toContain(doc.marker);
    const statement = /\$srQuery = '((?:[^']|'')*)'/.exec(search)![1]!.replace(/''/g, "'");
    expect(statement).toMatch(READ_ONLY_STATEMENT);
    expect(statement).toContain("RTRIM(action_id) = 'LGIF'");
  });

  it('not found: fails naming every place searched and what records a failed login at all', async () => {
    const { transport } = windowsHost('mssql-server-audits-good.txt', { hitAfter: 1_000 });
    const { finding } = await failedLogin(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status).toBe('fail');
    expect(finding.reason).toMatch(/not found after \d+ ms in .*event 18456; .*AuditLevel 2 or 3.*FAILED_LOGIN_GROUP/);
  });

  it('a login the server accepts, or a host with no SQL client, is inconclusive: no refusal proven', async () => {
    for (const answer of [
      ok('the login was accepted\r\n'),
      ok('', 'neither Invoke-Sqlcmd (SqlServer module) nor sqlcmd.exe is installed on this host', 1),
    ]) {
      const { transport } = windowsHost('mssql-server-audits-good.txt', { login: () => answer });
      const { finding, doc } = await failedLogin(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
      expect(doc.sent).toBe(false);
      expect(finding.status, finding.reason).toBe('inconclusive');
    }
  });
});

describe('SQL Server on Linux: the failed login found in the UTF-16LE error log', () => {
  it('sqlcmd is refused, then the real error log is searched through iconv (sudo when the target has it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-mssql-'));
    const errorlog = join(dir, 'errorlog');
    const local = createLocalTransport();
    const runs: { command: string; options?: RunOptions }[] = [];
    let name = '';
    const transport = linuxDbHost(async (command: string, options?: RunOptions) => {
      runs.push({ command, ...(options ? { options } : {}) });
      if (command.includes('iconv')) return local.run(command, { ...options, sudo: false });
      if (command.includes('ErrorLogFileName')) return ok(`${errorlog}\n`);
      if (command.includes('sys.server_audits')) return ok('');
      name = NAME.exec(command)?.[0] ?? '';
      // What the server writes as it refuses the login: UTF-16LE with a BOM, as SQL Server on Linux does.
      const line = text('mssql-errorlog-login-failed.txt').replace('__MARKER__', name);
      writeFileSync(errorlog, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')]));
      return ok(`Sqlcmd: Error: Microsoft ODBC Driver 18 for SQL Server : Login failed for user '${name}'..\n`, '', 1);
    });
    const target: Target = {
      id: 'db1',
      kind: 'database',
      address: 'localhost',
      tags: [],
      transport: 'local',
      database: { product: 'mssql', host: 'sql', user: 'socready_ro', password_env: 'PW' },
    };
    const source = new DatabaseProbeSource(target, {
      hostTransport: transport,
      active: true,
      runId: 'fx',
      logWaitMs: 1500,
      pollMs: 20,
      sudo: true,
      env: { PW: 'x' },
    });
    // failed_login_canary is the opt-in: without it nothing is tried.
    const probes = [...MSSQL_PROBES, 'db-failed-login'].map((id) => catalog.probes.get(id)!);
    const quiet = Object.fromEntries(await source.collectAll(probes));
    expect(quiet['db-failed-login']!.error?.message).toMatch(/only with --active/);
    target.database!.failed_login_canary = true;
    const outputs = Object.fromEntries(
      await new DatabaseProbeSource(target, {
        hostTransport: transport,
        active: true,
        runId: 'fx',
        logWaitMs: 1500,
        pollMs: 20,
        sudo: true,
        env: { PW: 'x' },
      }).collectAll(probes),
    );
    const doc = outputs['db-failed-login']!.data as DbCanaryDocument;
    expect(doc.sent, doc.send_error).toBe(true);
    expect(doc.found).toBe(true);
    expect(doc.where).toBe(errorlog);
    expect(doc.line).toContain(`Login failed for user '${name}'`);
    const login = runs.find((r) => r.command.startsWith('sqlcmd') && r.command.includes(' -U '))!;
    // The throwaway password is in the client's environment, never on its command line.
    expect(login.command).not.toMatch(/-P /);
    expect(Object.keys(login.options?.env ?? {})).toEqual(['SQLCMDPASSWORD']);
    expect(runs.find((r) => r.command.includes('iconv'))!.options?.sudo).toBe(true);
  });
});

describe('Oracle failed-login canary through sqlplus (fixtures)', () => {
  it('refused with ORA-01017, then found in UNIFIED_AUDIT_TRAIL in upper case (LOGON, return code 1017)', async () => {
    const commands: string[] = [];
    let name = '';
    const transport = linuxDbHost(async (command: string) => {
      commands.push(command);
      if (command.includes('unified_audit_trail'))
        return ok(text('oracle-unified-trail-logon-failure.txt').replace('__MARKER__', name.toUpperCase()));
      name = NAME.exec(command)?.[0] ?? '';
      return ok('ERROR:\nORA-01017: invalid username/password; logon denied\n\n', '', 1);
    });
    const { finding, doc } = await failedLogin(
      transport,
      { product: 'oracle', host: 'ora', user: 'socready_ro', password_env: 'PW', dbname: 'ORCLPDB1' },
      [],
    );
    expect(finding.status, finding.reason).toBe('pass');
    expect(doc.where).toBe('UNIFIED_AUDIT_TRAIL');
    expect(finding.reason).toMatch(/\|SOCREADY_FL_FX_DB1_[0-9A-F]{8}\|LOGON\|1017\|/);
    const search = commands.find((c) => c.includes('unified_audit_trail'))!;
    expect(search).not.toContain(doc.marker.toUpperCase());
    expect(search).toContain("action_name = '\\''LOGON'\\'' AND return_code <> 0");
    // The login goes through /nolog with the CONNECT line built from the environment.
    expect(commands[0]).toMatch(/sqlplus -S -L \/nolog$/);
    expect(commands[0]).toContain('"$SOCREADY_ORACLE_PASSWORD"');
  });

  it('a logon that is not refused with ORA-01017 (listener down) is inconclusive, not a fail', async () => {
    const transport = linuxDbHost(async () => ok('ERROR:\nORA-12541: TNS:no listener\n', '', 1));
    const { finding, doc } = await failedLogin(
      transport,
      { product: 'oracle', host: 'ora', user: 'socready_ro', password_env: 'PW' },
      [],
    );
    expect(doc.sent).toBe(false);
    expect(finding.status, finding.reason).toBe('inconclusive');
    expect(finding.reason).toMatch(/the login was not refused \(exit 1\): ERROR: ORA-12541: TNS:no listener/);
  });
});
