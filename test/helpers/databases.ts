// Throwaway PostgreSQL 15 + pgaudit and MariaDB 10.11 + server_audit instances on loopback, each with its own data
// directory, port and configuration (RECIPES §9-10): initdb/pg_ctl as the postgres user, mariadb-install-db with
// --no-defaults, mariadbd stopped by its saved pid. Tests must run as root (runuser).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/web/servers.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
export const RO_PASSWORD = 'ro-pass-123';

export const haveDatabases = (): boolean =>
  process.getuid?.() === 0 &&
  existsSync(`${PG_BIN}/initdb`) &&
  existsSync('/usr/lib/postgresql/15/lib/pgaudit.so') &&
  existsSync('/usr/lib/mysql/plugin/server_audit.so');

export interface PgInstance {
  dir: string;
  port: number;
  logDir: string;
  /** Runs SQL as the superuser over the socket. */
  superuser(sql: string): string;
  reload(): void;
  stop(): void;
}

export async function startPostgres(settings: Record<string, string>): Promise<PgInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-pg-'));
  chmodSync(dir, 0o755);
  execFileSync('chown', ['postgres:', dir]);
  const port = await freePort();
  const asPg = (args: string[], input?: string) =>
    execFileSync('runuser', ['-u', 'postgres', '--', ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input ? { input } : {}),
    });
  asPg([
    `${PG_BIN}/initdb`,
    '-D',
    `${dir}/data`,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  for (const d of ['log', 'sock']) {
    mkdirSync(join(dir, d));
    execFileSync('chown', ['postgres:', join(dir, d)]);
  }
  const conf = {
    listen_addresses: `'127.0.0.1'`,
    port: String(port),
    unix_socket_directories: `'${dir}/sock'`,
    logging_collector: 'on',
    log_directory: `'${dir}/log'`,
    log_filename: `'postgresql.log'`,
    ...settings,
  };
  writeFileSync(
    join(dir, 'audit.conf'),
    Object.entries(conf)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
  );
  execFileSync('chown', ['postgres:', join(dir, 'audit.conf')]);
  writeFileSync(
    join(dir, 'data', 'postgresql.conf'),
    `${readFileSync(join(dir, 'data', 'postgresql.conf'), 'utf8')}\ninclude '${dir}/audit.conf'\n`,
  );
  asPg([`${PG_BIN}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/pg_ctl.log`, '-w', '-t', '30', 'start']);
  const superuser = (sql: string) =>
    asPg(
      [
        'psql',
        '-X',
        '-h',
        `${dir}/sock`,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-Atq',
      ],
      sql,
    );
  superuser(`CREATE EXTENSION pgaudit;
CREATE ROLE socready_ro LOGIN PASSWORD '${RO_PASSWORD}' IN ROLE pg_read_all_data;
GRANT pg_read_all_settings TO socready_ro;
CREATE TABLE t_secret(id int, v text); INSERT INTO t_secret VALUES (1,'a');`);
  return {
    dir,
    port,
    logDir: join(dir, 'log'),
    superuser,
    reload: () => superuser('SELECT pg_reload_conf();'),
    stop: () => {
      try {
        asPg([`${PG_BIN}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface MariaInstance {
  dir: string;
  port: number;
  socket: string;
  auditLog: string;
  root(sql: string): string;
  stop(): Promise<void>;
}

export async function startMariadb(options: Record<string, string>): Promise<MariaInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-maria-'));
  chmodSync(dir, 0o755);
  execFileSync('chown', ['mysql:', dir]);
  const port = await freePort();
  const cnf = {
    datadir: `${dir}/data`,
    socket: `${dir}/mysqld.sock`,
    port: String(port),
    'bind-address': '127.0.0.1',
    'skip-name-resolve': '',
    'pid-file': `${dir}/mysqld.pid`,
    'log-error': `${dir}/error.log`,
    user: 'mysql',
    plugin_load_add: 'server_audit',
    server_audit_file_path: `${dir}/audit.log`,
    ...options,
  };
  const lines = Object.entries(cnf).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  writeFileSync(join(dir, 'my.cnf'), `[mariadbd]\n${lines.join('\n')}\n[client]\nsocket=${dir}/mysqld.sock\n`);
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, '--user=mysql', '--skip-test-db'], {
    stdio: 'ignore',
  });
  const child = spawn('mariadbd', [`--defaults-file=${dir}/my.cnf`], { stdio: 'ignore', detached: true });
  child.unref();
  const root = (sql: string) =>
    execFileSync('mariadb', [`--defaults-file=${dir}/my.cnf`, '-uroot', '-N', '-B', '-e', sql], { encoding: 'utf8' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      execFileSync('mariadb-admin', [`--defaults-file=${dir}/my.cnf`, '-uroot', 'ping'], { stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`mariadbd did not start: ${readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  root(
    `CREATE DATABASE appdb; CREATE TABLE appdb.t_secret(id INT); INSERT INTO appdb.t_secret VALUES (1);
CREATE USER 'socready_ro'@'127.0.0.1' IDENTIFIED BY '${RO_PASSWORD}'; GRANT SELECT ON appdb.* TO ` +
      `'socready_ro'@'127.0.0.1';`,
  );
  return {
    dir,
    port,
    socket: `${dir}/mysqld.sock`,
    auditLog: `${dir}/audit.log`,
    root,
    stop: async () => {
      const pid = Number(readFileSync(join(dir, 'mysqld.pid'), 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 100; i++) {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 50));
        }
      } catch {
        // gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
