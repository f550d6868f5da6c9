// One module per database product: how its own client is run on the database's host for one read-only statement
// (and for the marked failed login), which catalog probes and parsers it has, and where its records land on the
// host for the canary search. Secrets go in the client's environment (RunOptions.env), never on its command line.
import type { DatabaseProduct, DatabaseSettings } from '../model.js';
import type { ParserModule } from '../parsers/define.js';
import { dbCanaryArrivalParser, dbCanaryParser, dbFailedLoginParser } from '../parsers/database/canary.js';
import { auditLogFiles, mariadbParser, mariadbSettings } from '../parsers/database/mariadb.js';
import { mssqlLoginAuditParser, mssqlParser } from '../parsers/database/mssql.js';
import { oracleParser } from '../parsers/database/oracle.js';
import { logFiles, pgSettings, postgresqlObjectAuditParser, postgresqlParser } from '../parsers/database/postgresql.js';
import { shellQuote } from '../transport/shell.js';
import { psQuote } from '../transport/pwsh-script.js';
import type { ProbeResult } from '../transport/types.js';

export interface ClientCall {
  command: string;
  env: Record<string, string>;
  /** A configuration problem (the password variable is not set): nothing is run. */
  error?: string;
}

export interface DatabaseProductModule {
  readonly name: DatabaseProduct;
  /** The client command for one SELECT/SHOW statement over the target's read-only connection. */
  query(settings: DatabaseSettings, address: string, statement: string, env?: NodeJS.ProcessEnv): ClientCall;
  /** A login as `user` with a throwaway password, expected to be refused (the failed-login canary). */
  failedLogin(settings: DatabaseSettings, address: string, user: string, password: string): ClientCall;
  /** The same login from PowerShell on a Windows host. Absent: no failed-login canary through PowerShell. */
  psFailedLogin?(settings: DatabaseSettings, address: string, user: string, password: string): ClientCall;
  /** Files on the host where the server's records land, from the collected settings (globs end in `/*`). */
  recordFiles(outputs: Record<string, ProbeResult>, what: 'query' | 'login'): string[];
  /**
   * The client command the offline collection script runs on the host itself (root, the server's own socket, peer
   * or unix_socket authentication: no password anywhere). Absent: the product has no offline query yet.
   */
  offlineQuery?(statement: string): string;
  /**
   * On a Windows host (PowerShell transport): the PowerShell probe text that runs one statement with Windows
   * integrated authentication. Absent: the product is not read through PowerShell.
   */
  psQuery?(settings: DatabaseSettings, address: string, statement: string): ClientCall;
  /**
   * For products whose audit records are read back through the server (an audit trail view, the Windows event log)
   * rather than grepped in files: the read-only searches for a marker, from the collected settings. `login`: the
   * searches for the failed-login canary's user name (default `query`: the marked SELECT).
   */
  trailSearches?(
    outputs: Record<string, ProbeResult>,
    marker: string,
    windows: boolean,
    what?: 'query' | 'login',
  ): TrailSearch[];
  /** The marked canary statement (default `SELECT '<marker>'`). */
  canaryStatement?(marker: string): string;
  /** Why a marked SELECT may leave no record even with auditing on (said when the canary is not found). */
  readonly canaryNeeds?: string;
  /** What records a failed login at all (said when the failed-login canary is not found). */
  readonly loginNeeds?: string;
  /** Whether a failed login's client output shows the server refused it (the attempt reached the server). */
  refused(r: ProbeResult): boolean;
  readonly parsers: readonly ParserModule[];
}

/** One read-back of an audit trail: what it reads (for the finding) and the command or PowerShell that reads it. */
export interface TrailSearch {
  where: string;
  /**
   * A SELECT run over the target's connection, PowerShell run on the Windows host as it is, or a read-only shell
   * command run on a Linux host as it is (with sudo when the target has it).
   */
  statement?: string;
  powershell?: string;
  shell?: string;
}

/** Statements socready sends to a database: one SELECT or SHOW, nothing else (the catalog's own rule, in code). */
export const READ_ONLY_STATEMENT = /^(SELECT|SHOW) [^;]*$/;

/** A marker split into two literals joined by `join`: the search itself, if audited, never holds the whole marker. */
function splitMarker(marker: string, join: string, quote: (s: string) => string): string {
  const cut = Math.ceil(marker.length / 2);
  return `${quote(marker.slice(0, cut))} ${join} ${quote(marker.slice(cut))}`;
}

function password(settings: DatabaseSettings, env: NodeJS.ProcessEnv): { value?: string; error?: string } {
  if (!settings.password_env) return {};
  const value = env[settings.password_env];
  return value === undefined
    ? { error: `database.password_env: environment variable ${settings.password_env} is not set` }
    : { value };
}

const PG_SSL: Record<string, string> = {
  disable: 'disable',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
};

function psql(
  settings: DatabaseSettings,
  address: string,
  statement: string,
  user: string | undefined,
  env: Record<string, string>,
): ClientCall {
  const parts = [
    'psql',
    '-X',
    '-w',
    '-A',
    '-t',
    "-F'|'",
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    shellQuote(settings.socket ?? address),
  ];
  if (settings.port) parts.push('-p', String(settings.port));
  if (user) parts.push('-U', shellQuote(user));
  parts.push('-d', shellQuote(settings.dbname ?? 'postgres'), '-c', shellQuote(statement));
  const base: Record<string, string> = {
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'socready',
    // A startup parameter, not a statement: the session cannot write even if the role could.
    PGOPTIONS: '-c default_transaction_read_only=on',
  };
  if (settings.tls) {
    base.PGSSLMODE = PG_SSL[settings.tls.mode]!;
    if (settings.tls.ca) base.PGSSLROOTCERT = settings.tls.ca;
  }
  return { command: parts.join(' '), env: { ...base, ...env } };
}

export const postgresql: DatabaseProductModule = {
  name: 'postgresql',
  query(settings, address, statement, env = process.env) {
    const pw = password(settings, env);
    if (pw.error) return { command: '', env: {}, error: pw.error };
    return psql(settings, address, statement, settings.user, pw.value !== undefined ? { PGPASSWORD: pw.value } : {});
  },
  failedLogin(settings, address, user, pass) {
    // Over TCP even when a socket is set: peer authentication would not ask for a password at all.
    return psql({ ...settings, socket: undefined }, address, 'SELECT 1', user, { PGPASSWORD: pass });
  },
  recordFiles(outputs) {
    try {
      return logFiles(pgSettings(outputs));
    } catch {
      return [];
    }
  },
  refused: (r) =>
    r.exitCode !== 0 &&
    /authentication failed|does not exist|no pg_hba\.conf entry|not permitted to log in/.test(r.stderr),
  offlineQuery: (statement) => {
    const psqlLine =
      "PGOPTIONS='-c default_transaction_read_only=on' psql -X -w -A -t -F'|' -d postgres -c " +
      `${shellQuote(statement)}`;
    return (
      `cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- sh -c ${shellQuote(psqlLine)}; else ` +
      `${psqlLine}; fi`
    );
  },
  parsers: [postgresqlParser, postgresqlObjectAuditParser, dbCanaryParser, dbCanaryArrivalParser, dbFailedLoginParser],
};

function mariadbClient(
  settings: DatabaseSettings,
  address: string,
  statement: string,
  user: string | undefined,
  env: Record<string, string>,
): ClientCall {
  // --no-defaults: the host's option files must not add options (or a [client] password) to what socready runs.
  const parts = ['"$(command -v mariadb || command -v mysql)"', '--no-defaults', '-N', '-B', '--connect-timeout=10'];
  if (settings.socket) parts.push('-S', shellQuote(settings.socket));
  else parts.push('-h', shellQuote(address), '--protocol=TCP');
  if (settings.port) parts.push('-P', String(settings.port));
  if (user) parts.push('-u', shellQuote(user));
  if (settings.tls && settings.tls.mode !== 'disable') {
    parts.push('--ssl');
    if (settings.tls.ca) parts.push(`--ssl-ca=${shellQuote(settings.tls.ca)}`);
    if (settings.tls.mode === 'verify-full' || settings.tls.mode === 'verify-ca')
      parts.push('--ssl-verify-server-cert');
  }
  parts.push('-e', shellQuote(statement));
  return { command: parts.join(' '), env };
}

function mariadbModule(name: 'mariadb' | 'mysql'): DatabaseProductModule {
  return {
    name,
    query(settings, address, statement, env = process.env) {
      const pw = password(settings, env);
      if (pw.error) return { command: '', env: {}, error: pw.error };
      return mariadbClient(
        settings,
        address,
        statement,
        settings.user,
        pw.value !== undefined ? { MYSQL_PWD: pw.value } : {},
      );
    },
    failedLogin(settings, address, user, pass) {
      return mariadbClient({ ...settings, socket: undefined }, address, 'SELECT 1', user, { MYSQL_PWD: pass });
    },
    recordFiles(outputs, what) {
      try {
        const s = mariadbSettings(outputs);
        const files = auditLogFiles({ ...s.values });
        const errorLog = s.values.log_error;
        const datadir = (s.values.datadir ?? '').replace(/\/+$/, '');
        if (what === 'login' && errorLog)
          files.push(errorLog.startsWith('/') ? errorLog : `${datadir}/${errorLog.replace(/^\.\//, '')}`);
        return files;
      } catch {
        return [];
      }
    },
    refused: (r) => r.exitCode !== 0 && /Access denied|ERROR 1045|ERROR 1698/.test(r.stderr),
    // root over the default socket (Debian: unix_socket authentication); --no-defaults keeps option files out.
    offlineQuery: (statement) =>
      `"$(command -v mariadb || command -v mysql)" --no-defaults -N -B -e ${shellQuote(statement)}`,
    parsers: [mariadbParser, dbCanaryParser, dbCanaryArrivalParser, dbFailedLoginParser],
  };
}

export const mariadb = mariadbModule('mariadb');
export const mysql = mariadbModule('mysql');

/** `host\INSTANCE` in the address names a named instance; otherwise the default instance. */
export function mssqlInstance(address: string): string {
  const at = address.indexOf('\\');
  return at >= 0 ? address.slice(at + 1).toUpperCase() : 'MSSQLSERVER';
}

const LOCAL_SERVER = /^(localhost|127\.0\.0\.1|::1|\.|\(local\))(\\|,|$)/i;

/**
 * The PowerShell that runs one statement on the SQL Server host with Windows integrated authentication (the account
 * socready's PowerShell session runs as; no password travels): Invoke-Sqlcmd (SqlServer module) when present, its
 * rows written as `a|b|c` with NULL for DBNull, else sqlcmd.exe with the same `-h -1 -W -s "|"` output.
 */
export function mssqlPowerShell(settings: DatabaseSettings, address: string, statement: string): string {
  const server = `${address}${settings.port ? `,${settings.port}` : ''}`;
  // Certificate checks are skipped only for the server on this host itself, unless the inventory asks to verify.
  const encrypt = settings.tls && settings.tls.mode !== 'disable' ? ' -N' : '';
  const trust = LOCAL_SERVER.test(server) && settings.tls?.mode !== 'verify-ca' && settings.tls?.mode !== 'verify-full';
  return [
    `$srQuery = ${psQuote(statement)}`,
    `$srServer = ${psQuote(server)}`,
    '$srCmd = Get-Command -Name Invoke-Sqlcmd -ErrorAction SilentlyContinue',
    'if ($srCmd) {',
    '  $srArgs = @{ ServerInstance = $srServer; Query = $srQuery; QueryTimeout = 20; ConnectionTimeout = 10 }',
    "  $srArgs.ErrorAction = 'Stop'",
    `  if (${trust ? '$true' : '$false'} -and $srCmd.Parameters.ContainsKey('TrustServerCertificate')) {`,
    '    $srArgs.TrustServerCertificate = $true',
    '  }',
    // sqlcmd's rendering: NULL for DBNull, 1/0 for bit, ISO 8601 for datetime (never the host's culture).
    '  Invoke-Sqlcmd @srArgs | ForEach-Object { (@($_.ItemArray) | ForEach-Object {',
    "    if ($_ -is [DBNull]) { 'NULL' } elseif ($_ -is [bool]) { [string][int]$_ }",
    "    elseif ($_ -is [datetime]) { $_.ToString('yyyy-MM-ddTHH:mm:ss.fff') } else { [string]$_ }",
    "  }) -join '|' }",
    '} elseif (Get-Command -Name sqlcmd.exe -ErrorAction SilentlyContinue) {',
    `  & sqlcmd.exe -S $srServer -E -h -1 -W -s '|' -b -l 10${encrypt} -Q $srQuery`,
    '} else {',
    "  $srWhy = 'neither Invoke-Sqlcmd (SqlServer module) nor sqlcmd.exe is installed on this host'",
    '  Write-Error -Category ObjectNotFound -Message $srWhy',
    '}',
  ].join('\n');
}

/** The running audits of the mssql-server-audits answer: target and, for files, the folder their files are in. */
function runningAudits(outputs: Record<string, ProbeResult>): { name: string; target: string; folder: string }[] {
  const r = outputs['mssql-server-audits'];
  if (!r || r.error || r.exitCode !== 0) return [];
  return r.stdout
    .split(/\r?\n/)
    .map((l) => l.trim().split('|'))
    .filter((c) => c.length >= 6 && c[3] === '1' && c[4] === 'STARTED')
    .map(([name, target, , , , path]) => ({
      name: name!,
      target: target!,
      // Windows paths end in \, SQL Server on Linux writes /var/opt/mssql/... paths.
      folder: path && path !== 'NULL' ? path.slice(0, Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1) : '',
    }));
}

const sqlString = (s: string) => `N'${s.replace(/'/g, "''")}'`;

/** PowerShell that reads the newest 2000 events `id` of the last hour in `log` and prints the first with the marker. */
function eventSearch(log: 'Security' | 'Application', id: number, marker: string): string {
  return [
    `$srFilter = @{ LogName = '${log}'; Id = ${id}; StartTime = (Get-Date).AddHours(-1) }`,
    '$srEvents = Get-WinEvent -FilterHashtable $srFilter -MaxEvents 2000 -ErrorAction SilentlyContinue',
    `$srEvents | Where-Object { $_.Message -like ${psQuote(`*${marker}*`)} } | Select-Object -First 1 |`,
    "  ForEach-Object { $_.TimeCreated.ToUniversalTime().ToString('o') + '|' + $_.LogName + '|' + $_.Id + '|' +",
    "    ($_.Message -replace '\\s+', ' ').Trim() }",
  ].join('\n');
}

/** The error log file SERVERPROPERTY('ErrorLogFileName') named (mssql-errorlog-file), if any. */
function errorLogFile(outputs: Record<string, ProbeResult>): string | undefined {
  const r = outputs['mssql-errorlog-file'];
  if (!r || r.error || r.exitCode !== 0) return undefined;
  const line = r.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith('/') || /^[A-Za-z]:\\/.test(l));
  return line;
}

/** SQL Server writes its error log in UTF-16LE: grep sees it only after iconv. Read-only; the first hit only. */
function utf16Grep(file: string, marker: string): string {
  return (
    `f=${shellQuote(file)}; [ -f "$f" ] && iconv -f UTF-16LE -t UTF-8 "$f" 2>/dev/null | ` +
    `grep -F -i -m1 -- ${shellQuote(marker)}; true`
  );
}

/**
 * One login as a marked name that does not exist, from PowerShell on the Windows host: Invoke-Sqlcmd or sqlcmd.exe
 * with SQL authentication. The password is random and for no account, so it may travel in the script.
 */
function mssqlFailedLoginPowerShell(settings: DatabaseSettings, address: string, user: string, pass: string): string {
  const server = `${address}${settings.port ? `,${settings.port}` : ''}`;
  const encrypt = settings.tls && settings.tls.mode !== 'disable' ? ' -N' : '';
  // As for the read-only statements: certificate checks are skipped only for the server on this host itself.
  const trust = LOCAL_SERVER.test(server) && settings.tls?.mode !== 'verify-ca' && settings.tls?.mode !== 'verify-full';
  return [
    `$srServer = ${psQuote(server)}`,
    `$srUser = ${psQuote(user)}`,
    `$srPass = ${psQuote(pass)}`,
    '$srCmd = Get-Command -Name Invoke-Sqlcmd -ErrorAction SilentlyContinue',
    'if ($srCmd) {',
    "  $srArgs = @{ ServerInstance = $srServer; Username = $srUser; Password = $srPass; Query = 'SELECT 1' }",
    "  $srArgs.ConnectionTimeout = 10; $srArgs.ErrorAction = 'Stop'",
    `  if (${trust ? '$true' : '$false'} -and $srCmd.Parameters.ContainsKey('TrustServerCertificate')) {`,
    '    $srArgs.TrustServerCertificate = $true',
    '  }',
    "  try { Invoke-Sqlcmd @srArgs | Out-Null; 'the login was accepted' }",
    '  catch { Write-Error -Message $_.Exception.Message }',
    '} elseif (Get-Command -Name sqlcmd.exe -ErrorAction SilentlyContinue) {',
    `  & sqlcmd.exe -S $srServer -U $srUser -P $srPass -b -l 10${encrypt} -Q 'SELECT 1'`,
    '} else {',
    "  $srWhy = 'neither Invoke-Sqlcmd (SqlServer module) nor sqlcmd.exe is installed on this host'",
    '  Write-Error -Category ObjectNotFound -Message $srWhy',
    '}',
  ].join('\n');
}

/**
 * SQL Server through sqlcmd on a Linux host (mssql-tools, password in SQLCMDPASSWORD), or through PowerShell on a
 * Windows host (Invoke-Sqlcmd or sqlcmd.exe, integrated authentication). Parsers and canary read-backs tested on
 * documented catalog-view and event outputs (no SQL Server here).
 */
export const mssql: DatabaseProductModule = {
  name: 'mssql',
  query(settings, address, statement, env = process.env): ClientCall {
    const pw = password(settings, env);
    if (pw.error) return { command: '', env: {}, error: pw.error };
    const server = `${address}${settings.port ? `,${settings.port}` : ''}`;
    const parts = ['sqlcmd', '-S', shellQuote(server), '-h', '-1', '-W', '-s', "'|'", '-b', '-l', '10'];
    parts.push(settings.user ? `-U ${shellQuote(settings.user)}` : '-E');
    if (settings.tls && settings.tls.mode !== 'disable') parts.push('-N');
    // The statement alone (no SET NOCOUNT: nothing but SELECT/SHOW leaves socready); the parser drops "(n rows
    // affected)".
    parts.push('-Q', shellQuote(statement));
    return { command: parts.join(' '), env: pw.value !== undefined ? { SQLCMDPASSWORD: pw.value } : {} };
  },
  psQuery(settings, address, statement): ClientCall {
    if (settings.user)
      return {
        command: '',
        env: {},
        error:
          'on a Windows host socready connects with Windows authentication (the account of its PowerShell session); ' +
          'remove database.user: a SQL login password would have to travel inside the script',
      };
    return { command: mssqlPowerShell(settings, address, statement), env: {} };
  },
  trailSearches(outputs, marker, windows, what = 'query') {
    const out: TrailSearch[] = [];
    for (const a of runningAudits(outputs)) {
      if (a.target === 'FILE' && a.folder) {
        const pattern = `${a.folder}*.sqlaudit`;
        const match = `LIKE N'%' + ${splitMarker(marker, '+', sqlString)} + N'%'`;
        // A failed login is action LGIF (FAILED_LOGIN_GROUP), the attempted name in server_principal_name.
        const statement =
          what === 'login'
            ? 'SELECT CONVERT(varchar(33), event_time, 126), action_id, server_principal_name, client_ip ' +
              `FROM sys.fn_get_audit_file(${sqlString(pattern)}, DEFAULT, DEFAULT) ` +
              `WHERE RTRIM(action_id) = 'LGIF' AND server_principal_name ${match}`
            : 'SELECT CONVERT(varchar(33), event_time, 126), action_id, server_principal_name, statement ' +
              `FROM sys.fn_get_audit_file(${sqlString(pattern)}, DEFAULT, DEFAULT) WHERE statement ${match}`;
        out.push({ where: `sys.fn_get_audit_file(${pattern}) [${a.name}]`, statement });
      } else if (windows && (a.target === 'APPLICATION_LOG' || a.target === 'SECURITY_LOG')) {
        // Event 33205 carries the audited statement, or the failed login (action_id:LGIF) with the name tried.
        const log = a.target === 'SECURITY_LOG' ? 'Security' : 'Application';
        out.push({ where: `Windows ${log} log, event 33205 [${a.name}]`, powershell: eventSearch(log, 33205, marker) });
      }
    }
    if (what === 'login') {
      // Login auditing (AuditLevel 2 or 3) writes "Login failed for user '<name>'" to the error log and, on Windows,
      // as event 18456 to the Application log.
      if (windows)
        out.push({
          where: 'Windows Application log, event 18456',
          powershell: eventSearch('Application', 18456, marker),
        });
      else {
        const file = errorLogFile(outputs);
        if (file) out.push({ where: file, shell: utf16Grep(file, marker) });
      }
    }
    return out;
  },
  canaryNeeds:
    'a SELECT on no object is audited only by BATCH_COMPLETED_GROUP or BATCH_STARTED_GROUP ' +
    '(SQL Server 2022 and later) ' +
    'in a running audit specification',
  loginNeeds:
    'a failed login is written to the error log (and on Windows to the Application log, event 18456) only with ' +
    'Login auditing at "Failed logins only" or "Both" (AuditLevel 2 or 3), and to a server audit only by ' +
    'FAILED_LOGIN_GROUP in a running audit specification',
  failedLogin(settings, address, user, pass) {
    const server = `${address}${settings.port ? `,${settings.port}` : ''}`;
    const parts = ['sqlcmd', '-S', shellQuote(server), '-U', shellQuote(user), '-b', '-l', '10'];
    if (settings.tls && settings.tls.mode !== 'disable') parts.push('-N');
    parts.push('-Q', shellQuote('SELECT 1'));
    return { command: parts.join(' '), env: { SQLCMDPASSWORD: pass } };
  },
  psFailedLogin(settings, address, user, pass) {
    return { command: mssqlFailedLoginPowerShell(settings, address, user, pass), env: {} };
  },
  recordFiles: () => [],
  // sqlcmd prints server errors on stdout; Invoke-Sqlcmd's exception text comes back on stderr.
  refused: (r) => /Login failed for user|Msg 18456\b/.test(`${r.stdout}\n${r.stderr}`),
  parsers: [mssqlParser, mssqlLoginAuditParser, dbCanaryParser, dbFailedLoginParser],
};

/** Oracle through sqlplus /nolog: the CONNECT line is built by the shell from the environment, never argv. */
export const oracle: DatabaseProductModule = {
  name: 'oracle',
  query(settings, address, statement, env = process.env): ClientCall {
    const pw = password(settings, env);
    if (pw.error) return { command: '', env: {}, error: pw.error };
    const service = `//${address}:${settings.port ?? 1521}/${settings.dbname ?? 'ORCL'}`;
    const connect = settings.user
      ? `printf 'connect %s/"%s"@%s\n' ${shellQuote(settings.user)} "$SOCREADY_ORACLE_PASSWORD" ${shellQuote(service)}`
      : "printf 'connect / as sysdba\n'";
    // SQL*Plus commands (whenever, set) stay in the client; only the statement reaches the server.
    const script = [
      'whenever sqlerror exit failure',
      'set heading off feedback off pagesize 0 linesize 32767 trimspool on colsep |',
      `${statement};`,
      'exit',
    ];
    return {
      command: `{ ${connect}; printf '%s\n' ${script.map(shellQuote).join(' ')}; } | sqlplus -S -L /nolog`,
      env: pw.value !== undefined ? { SOCREADY_ORACLE_PASSWORD: pw.value } : {},
    };
  },
  canaryStatement: (marker) => `SELECT '${marker}' FROM dual`,
  trailSearches(_outputs, marker, _windows, what = 'query') {
    if (what === 'login') {
      // Unquoted, the name tried is upper case in the trail; RETURN_CODE is the ORA- number of the refusal (1017).
      const name = splitMarker(marker.toUpperCase(), '||', (x) => `'${x}'`);
      const statement =
        "SELECT TO_CHAR(event_timestamp, 'YYYY-MM-DD HH24:MI:SS.FF3'), dbusername, action_name, return_code, " +
        'userhost FROM unified_audit_trail ' +
        "WHERE event_timestamp > SYSTIMESTAMP - INTERVAL '1' HOUR AND action_name = 'LOGON' AND return_code <> 0 " +
        `AND UPPER(dbusername) LIKE '%' || ${name} || '%'`;
      return [{ where: 'UNIFIED_AUDIT_TRAIL', statement }];
    }
    // DBMS_LOB.SUBSTR: SQL*Plus would print only the first LONG (80) characters of the CLOB.
    const statement =
      "SELECT TO_CHAR(event_timestamp, 'YYYY-MM-DD HH24:MI:SS.FF3'), dbusername, action_name, " +
      'DBMS_LOB.SUBSTR(sql_text, 400, 1) FROM unified_audit_trail ' +
      "WHERE event_timestamp > SYSTIMESTAMP - INTERVAL '1' HOUR " +
      `AND sql_text LIKE '%' || ${splitMarker(marker, '||', (x) => `'${x}'`)} || '%'`;
    return [{ where: 'UNIFIED_AUDIT_TRAIL', statement }];
  },
  canaryNeeds:
    'a SELECT FROM dual is recorded only by a unified audit policy that audits SELECT (e.g. ACTIONS SELECT for ' +
    "socready's user); the ORA_* default policies do not",
  loginNeeds:
    'a failed logon is recorded only by a unified audit policy that audits LOGON WHENEVER NOT SUCCESSFUL ' +
    '(ORA_LOGON_FAILURES, or ACTIONS LOGON in a policy of your own)',
  failedLogin(settings, address, user, pass) {
    const service = `//${address}:${settings.port ?? 1521}/${settings.dbname ?? 'ORCL'}`;
    // The throwaway password from the environment, like a real one: nothing secret-shaped on a command line.
    const connect =
      `printf 'connect %s/"%s"@%s\n' ${shellQuote(user)} "$SOCREADY_ORACLE_PASSWORD" ` + shellQuote(service);
    return {
      command: `{ printf 'whenever sqlerror exit failure\n'; ${connect}; printf 'exit\n'; } | sqlplus -S -L /nolog`,
      env: { SOCREADY_ORACLE_PASSWORD: pass },
    };
  },
  recordFiles: () => [],
  // ORA-01017 "invalid username/password" (23ai: "invalid credential or not authorized"): the server refused it.
  refused: (r) => /ORA-0?1017\b/.test(`${r.stdout}\n${r.stderr}`),
  parsers: [oracleParser, dbCanaryParser, dbFailedLoginParser],
};

/** Every product's module; the canaries: checks/probes/database.yaml (db-canary for all, db-failed-login for three). */
export const DATABASE_PRODUCTS: Readonly<Partial<Record<DatabaseProduct, DatabaseProductModule>>> = {
  postgresql,
  mariadb,
  mysql,
  mssql,
  oracle,
};

/** Every database parser, registered once. */
export const DATABASE_PARSERS: readonly ParserModule[] = [
  ...new Set(Object.values(DATABASE_PRODUCTS).flatMap((p) => p!.parsers)),
];
