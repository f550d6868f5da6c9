// One module per database product: how its own client is run on the database's host for one read-only statement
// (and for the marked failed login), which catalog probes and parsers it has, and where its records land on the
// host for the canary search. Secrets go in the client's environment (RunOptions.env), never on its command line.
import type { DatabaseProduct, DatabaseSettings } from '../model.js';
import type { ParserModule } from '../parsers/define.js';
import { dbCanaryParser, dbFailedLoginParser } from '../parsers/database/canary.js';
import { auditLogFiles, mariadbParser, mariadbSettings } from '../parsers/database/mariadb.js';
import { mssqlParser } from '../parsers/database/mssql.js';
import { oracleParser } from '../parsers/database/oracle.js';
import { logFiles, pgSettings, postgresqlParser } from '../parsers/database/postgresql.js';
import { shellQuote } from '../transport/shell.js';
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
  /** Files on the host where the server's records land, from the collected settings (globs end in `/*`). */
  recordFiles(outputs: Record<string, ProbeResult>, what: 'query' | 'login'): string[];
  /**
   * The client command the offline collection script runs on the host itself (root, the server's own socket, peer
   * or unix_socket authentication: no password anywhere). Absent: the product has no offline query yet.
   */
  offlineQuery?(statement: string): string;
  /** Whether a failed login's client output shows the server refused it (the attempt reached the server). */
  refused(r: ProbeResult): boolean;
  readonly parsers: readonly ParserModule[];
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
  parsers: [postgresqlParser, dbCanaryParser, dbFailedLoginParser],
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
    parsers: [mariadbParser, dbCanaryParser, dbFailedLoginParser],
  };
}

export const mariadb = mariadbModule('mariadb');
export const mysql = mariadbModule('mysql');

/**
 * SQL Server through sqlcmd (on Linux: mssql-tools; on Windows the same sqlcmd), password in SQLCMDPASSWORD. Only
 * settings are read (no canary yet); parsers tested on documented catalog-view outputs, no SQL Server here.
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
  failedLogin: () => ({ command: '', env: {}, error: 'no failed-login canary for SQL Server yet' }),
  recordFiles: () => [],
  refused: () => false,
  parsers: [mssqlParser],
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
  failedLogin: () => ({ command: '', env: {}, error: 'no failed-login canary for Oracle yet' }),
  recordFiles: () => [],
  refused: () => false,
  parsers: [oracleParser],
};

/**
 * Every product's module; the canaries are offered for postgresql, mariadb and mysql (see checks/probes/database.yaml).
 */
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
