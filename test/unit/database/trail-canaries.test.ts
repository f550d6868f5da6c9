// SQL Server and Oracle canaries on fixtures (no SQL Server or Oracle here): the marked SELECT is sent, then read back
// where the server's audit writes, through the transports socready uses: PowerShell on a Windows SQL Server host
// (sys.fn_get_audit_file for a FILE audit, event 33205 of the Application log for an event-log audit) and sqlplus on
// an Oracle host (UNIFIED_AUDIT_TRAIL). The fakes answer in the documented formats; every PowerShell text sent must
// pass the collection-script builder (read-only, no exit), every statement must be one SELECT.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { documentAnswer } from '../../../src/collect/source.js';
import { READ_ONLY_STATEMENT } from '../../../src/database/products.js';
import { DatabaseProbeSource } from '../../../src/database/source.js';
import type { DatabaseSettings, Finding, Target } from '../../../src/model.js';
import type { DbCanaryDocument } from '../../../src/parsers/database/canary.js';
import type { PowerShellTransport } from '../../../src/transport/powershell.js';
import { buildCollectionScript } from '../../../src/transport/pwsh-script.js';
import type { ProbeResult, Transport } from '../../../src/transport/types.js';
import { linuxDbHost, ok } from '../../helpers/db-hosts.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const catalog = loadCatalog();
const text = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/database', name), 'utf8');
const MARKER = /socready-canary-[a-z0-9-]+-[0-9a-f]{8}/;

/** A Windows SQL Server host: the settings batch from fixtures, the canary and its read-backs by what they ask. */
function windowsHost(
  audits: string,
  hitAfter: number,
  opts: { rewrite?: (answer: string) => string; readBackError?: string } = {},
): { transport: PowerShellTransport; sent: string[] } {
  const sent: string[] = [];
  let marker = '';
  let reads = 0;
  const check = (script: string) => {
    // Throws on anything that could change the host or end the collection script (exit).
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
        'mssql-server-audits': (opts.rewrite ?? ((x: string) => x))(text(audits)),
        'mssql-audit-specifications': text('mssql-audit-specs-good.txt'),
        'mssql-login-audit-level': 'MSSQLSERVER|MSSQL16.MSSQLSERVER|3\r\n',
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
      if (script.includes('fn_get_audit_file') || script.includes('Get-WinEvent')) {
        reads++;
        if (opts.readBackError) return { ...ok(''), stderr: opts.readBackError, exitCode: 1 };
        if (reads < hitAfter) return ok('');
        return ok(
          text(script.includes('Get-WinEvent') ? 'mssql-eventlog-33205.txt' : 'mssql-audit-file-canary.txt').replace(
            '__MARKER__',
            marker,
          ),
        );
      }
      marker = MARKER.exec(script)?.[0] ?? '';
      return ok(`${marker}\r\n`);
    },
  };
  return { transport: transport as unknown as PowerShellTransport, sent };
}

async function canary(
  transport: Transport,
  database: DatabaseSettings,
  probes: string[],
): Promise<{ finding: Finding; doc: DbCanaryDocument; answer: ProbeResult }> {
  const target: Target = { id: 'db1', kind: 'database', address: 'localhost', tags: [], transport: 'local', database };
  const source = new DatabaseProbeSource(target, {
    hostTransport: transport,
    active: true,
    runId: 'fx',
    logWaitMs: 1500,
    pollMs: 20,
    env: { PW: 'x' },
  });
  const outputs = Object.fromEntries(await source.collectAll(probes.map((id) => catalog.probes.get(id)!)));
  const check = catalog.checks.find((c) => c.id === `database.${database.product}.canary-logged`)!;
  return {
    finding: evaluateCheck(check, outputs, { targetId: 'db1', kind: 'database' }),
    doc: outputs['db-canary']!.data as DbCanaryDocument,
    answer: outputs['db-canary']!,
  };
}

const MSSQL_PROBES = ['mssql-server-audits', 'mssql-audit-specifications', 'mssql-login-audit-level', 'db-canary'];

describe('SQL Server canary through PowerShell on the Windows host (fixtures)', () => {
  it('a FILE audit: the marked SELECT is read back with sys.fn_get_audit_file, polled until it appears', async () => {
    const { transport, sent } = windowsHost('mssql-server-audits-file.txt', 2);
    const { finding, doc } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status, finding.reason).toBe('pass');
    expect(finding.reason).toMatch(
      new RegExp(
        "^written: socready-canary-fx-db1-[0-9a-f]{8} found in the server's own log " +
          'sys\\.fn_get_audit_file\\(D:\\\\Audit\\\\\\*\\.sqlaudit\\) \\[file_audit\\] after \\d+ ms: .*\\|BCM \\|',
      ),
    );
    expect(doc.searched).toEqual(['sys.fn_get_audit_file(D:\\Audit\\*.sqlaudit) [file_audit]']);
    const search = sent.find((s) => s.includes('fn_get_audit_file'))!;
    // The read-back never holds the whole marker, so an audited search (BATCH_COMPLETED_GROUP) cannot find itself.
    expect(search).not.toContain(doc.marker);
    const statement = /\$srQuery = '((?:[^']|'')*)'/.exec(search)![1]!.replace(/''/g, "'");
    expect(statement).toMatch(READ_ONLY_STATEMENT);
    expect(statement).toContain("FROM sys.fn_get_audit_file(N'D:\\Audit\\*.sqlaudit', DEFAULT, DEFAULT)");
    // Settings, registry and canary through Invoke-Sqlcmd (or sqlcmd.exe) with Windows authentication.
    expect(sent.filter((s) => s.includes('Invoke-Sqlcmd @srArgs')).length).toBeGreaterThanOrEqual(3);
    expect(sent.some((s) => /sqlcmd\.exe -S \$srServer -E /.test(s))).toBe(true);
    expect(sent.some((s) => s.includes("$srInstance = 'MSSQLSERVER'"))).toBe(true);
  });

  it('the canary answer is stored as every live answer is: the document as indented JSON, and as data', async () => {
    const { transport } = windowsHost('mssql-server-audits-file.txt', 2);
    const { doc, answer } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect({ ...answer, durationMs: 0 }).toEqual({ ...documentAnswer(doc, Date.now()), durationMs: 0 });
    expect(answer.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('a Security/Application-log audit: event 33205 is read with Get-WinEvent on the host', async () => {
    const { transport, sent } = windowsHost('mssql-server-audits-good.txt', 1);
    const { finding } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status, finding.reason).toBe('pass');
    expect(finding.reason).toMatch(
      /found in the server's own log Windows Security log, event 33205 \[socready_audit\]/,
    );
    expect(finding.reason).toMatch(/statement:SELECT 'socready-canary-fx-db1-/);
    expect(sent.some((s) => s.includes("LogName = 'Security'; Id = 33205"))).toBe(true);
  });

  it('not found: fails naming where it searched and what records a SELECT on no object', async () => {
    const { transport } = windowsHost('mssql-server-audits-file.txt', 1_000);
    const { finding } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(finding.status).toBe('fail');
    expect(finding.reason).toMatch(
      new RegExp(
        'not found after \\d+ ms in sys\\.fn_get_audit_file\\(D:\\\\Audit\\\\\\*\\.sqlaudit\\) \\[file_audit\\]; ' +
          '.*BATCH_COMPLETED_GROUP',
      ),
    );
  });

  it('a FILE audit written to a Linux path (SQL Server on Linux) is searched in its folder, not skipped', async () => {
    const { transport } = windowsHost('mssql-server-audits-file.txt', 1, {
      rewrite: (a) => a.replace(/D:\\Audit\\/, '/var/opt/mssql/audit/'),
    });
    const { finding, doc } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(doc.searched).toEqual(['sys.fn_get_audit_file(/var/opt/mssql/audit/*.sqlaudit) [file_audit]']);
    expect(finding.status, finding.reason).toBe('pass');
  });

  it('a read-back that fails (no permission on the audit trail) is inconclusive, not a fail', async () => {
    const { transport } = windowsHost('mssql-server-audits-file.txt', 1, {
      readBackError: 'The SELECT permission was denied on the object fn_get_audit_file',
    });
    const { finding, doc } = await canary(transport, { product: 'mssql', host: 'win' }, MSSQL_PROBES);
    expect(doc.search_errors?.[0]).toMatch(/permission was denied/);
    expect(finding.status, finding.reason).toBe('inconclusive');
  });

  it('a SQL login on a Windows host is refused: its password would travel inside the script', async () => {
    const { transport, sent } = windowsHost('mssql-server-audits-good.txt', 1);
    const { finding } = await canary(
      transport,
      { product: 'mssql', host: 'win', user: 'sa', password_env: 'PW' },
      MSSQL_PROBES,
    );
    expect(finding.status).toBe('inconclusive');
    expect(finding.reason).toMatch(/Windows authentication/);
    expect(sent.every((s) => !s.includes('PW'))).toBe(true);
  });
});

describe('Oracle canary through sqlplus (fixtures)', () => {
  it('SELECT ... FROM dual is read back from UNIFIED_AUDIT_TRAIL with a split marker', async () => {
    const commands: string[] = [];
    let marker = '';
    let reads = 0;
    const transport = linuxDbHost(async (command: string) => {
      commands.push(command);
      if (command.includes('unified_audit_trail'))
        return ok(++reads < 2 ? '' : text('oracle-unified-trail-canary.txt').replace('__MARKER__', marker));
      marker = MARKER.exec(command)?.[0] ?? '';
      return ok(`${marker}\n`);
    });
    const { finding, doc } = await canary(
      transport,
      { product: 'oracle', host: 'ora', user: 'socready_ro', password_env: 'PW', dbname: 'ORCLPDB1' },
      ['db-canary'],
    );
    expect(finding.status, finding.reason).toBe('pass');
    expect(finding.reason).toMatch(
      /found in the server's own log UNIFIED_AUDIT_TRAIL after \d+ ms: .*\|SOCREADY_RO\|SELECT\|/,
    );
    // shellQuote'd for the printf that feeds sqlplus: ' becomes '\''.
    expect(commands[0]).toContain(`SELECT '\\''${doc.marker}'\\'' FROM dual;`);
    const search = commands.find((c) => c.includes('unified_audit_trail'))!;
    expect(search).not.toContain(doc.marker);
    expect(search).toContain('DBMS_LOB.SUBSTR(sql_text, 400, 1)');
    // The password is in the client's environment, never on its command line.
    expect(commands.every((c) => !c.includes("'x'"))).toBe(true);
  });
});
