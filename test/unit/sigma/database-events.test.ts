// The database log readers on the exact lines PostgreSQL 15 + pgaudit 1.7 and MariaDB 10.11 server_audit 1.4.14
// wrote on this machine (RECIPES §9-10), and the file reader picking them up by format.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePostgresLog, parseServerAudit } from '../../../src/sigma/events/database.js';
import { readEventFile } from '../../../src/sigma/events/reader.js';

const PG_AUDIT =
  '2026-12-03 03:00:51.206 UTC [32314] socready_ro@postgres 127.0.0.1 6b10db63.7e3a LOG:  AUDIT: ' +
  "SESSION,1,1,READ,SELECT,,,SELECT 'socready-canary-123',<not logged>";
const PG_TABLE =
  '2026-12-03 03:00:51.210 UTC [32314] socready_ro@postgres 127.0.0.1 6b10db63.7e3a LOG:  AUDIT: ' +
  'SESSION,1,1,READ,SELECT,TABLE,public.t_secret,"SELECT a, b FROM t_secret WHERE v = \'x,y\'",<not logged>';
const PG_FATAL =
  '2026-12-03 03:00:51.307 UTC [32320] nosuchuser@postgres 127.0.0.1 6b10db63.7e40 FATAL:  password ' +
  'authentication failed for user "nosuchuser"';
const MARIA = [
  '20261203 03:02:25,vm,socready_ro,localhost,12,0,CONNECT,,,0',
  "20261203 03:02:25,vm,socready_ro,localhost,12,18,QUERY,,'SELECT \\'socready-canary-123\\'',0",
  '20261203 03:02:25,vm,socready_ro,localhost,12,19,READ,appdb,t_secret,',
  '20261203 03:01:57,vm,nosuchuser,localhost,7,0,FAILED_CONNECT,,,1698',
  "20261203 03:01:57,vm,root,localhost,4,5,QUERY,appdb,'CREATE USER \\'socready_ro\\'@\\'127.0.0.1\\' " +
    "IDENTIFIED BY *****',0",
];

describe('PostgreSQL log lines', () => {
  it('splits the prefix and the pgaudit record into fields', () => {
    const e = parsePostgresLog(PG_AUDIT)!;
    expect(e.valueRecord!()).toMatchObject({
      user: 'socready_ro',
      database: 'postgres',
      client: '127.0.0.1',
      session_id: '6b10db63.7e3a',
      level: 'LOG',
      audit_type: 'SESSION',
      class: 'READ',
      command: 'SELECT',
      statement: "SELECT 'socready-canary-123'",
      parameter: '<not logged>',
    });
    expect(e.time).toBe(Date.parse('2026-12-03T03:00:51.206Z'));
    expect(e.logsource).toEqual({ product: 'postgresql', categories: [], services: ['pgaudit'] });
  });
  it('reads a quoted statement holding commas, and the object of a table read', () => {
    expect(parsePostgresLog(PG_TABLE)!.valueRecord!()).toMatchObject({
      object_type: 'TABLE',
      object_name: 'public.t_secret',
      statement: "SELECT a, b FROM t_secret WHERE v = 'x,y'",
    });
  });
  it('names the user of a failed login', () => {
    expect(parsePostgresLog(PG_FATAL)!.valueRecord!()).toMatchObject({
      level: 'FATAL',
      auth_user: 'nosuchuser',
      client: '127.0.0.1',
    });
  });
  it('leaves other formats alone', () => {
    expect(parsePostgresLog('127.0.0.1 - - [03/Dec/2026:03:00:51 +0000] "GET / HTTP/1.1" 200 12')).toBeUndefined();
    expect(parsePostgresLog(MARIA[0]!)).toBeUndefined();
  });
});

describe('MariaDB server_audit lines', () => {
  it('reads file records, unescaping the query', () => {
    const q = parseServerAudit(MARIA[1]!)!.valueRecord!();
    expect(q).toMatchObject({
      user: 'socready_ro',
      client: 'localhost',
      connection_id: '12',
      query_id: '18',
      operation: 'QUERY',
      query: "SELECT 'socready-canary-123'",
      retcode: '0',
    });
    expect(parseServerAudit(MARIA[2]!)!.valueRecord!()).toMatchObject({
      operation: 'READ',
      database: 'appdb',
      object: 't_secret',
      query: '',
    });
    expect(parseServerAudit(MARIA[3]!)!.valueRecord!()).toMatchObject({
      operation: 'FAILED_CONNECT',
      user: 'nosuchuser',
      retcode: '1698',
    });
    expect(parseServerAudit(MARIA[4]!)!.valueRecord!()).toMatchObject({
      query: "CREATE USER 'socready_ro'@'127.0.0.1' IDENTIFIED BY *****",
    });
    expect(parseServerAudit(MARIA[0]!)!.time).toBe(Date.parse('2026-12-03T03:02:25Z'));
  });
  it('reads the syslog variant', () => {
    const e = parseServerAudit(
      '2026-12-03T03:02:59.675269+00:00 vm mysql-server_auditing:  vm,nosuchuser,127.0.0.1,5,0,FAILED_CONNECT,,,1698',
    )!;
    expect(e.valueRecord!()).toMatchObject({ user: 'nosuchuser', client: '127.0.0.1', operation: 'FAILED_CONNECT' });
  });
});

describe('the event file reader', () => {
  it('recognises PostgreSQL and server_audit log files by their lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-events-'));
    writeFileSync(join(dir, 'postgresql.log'), `${[PG_AUDIT, PG_TABLE, PG_FATAL].join('\n')}\n`);
    writeFileSync(join(dir, 'server_audit.log'), `${MARIA.join('\n')}\n`);
    const pg = [];
    for await (const e of readEventFile(join(dir, 'postgresql.log'))) pg.push(e);
    const maria = [];
    for await (const e of readEventFile(join(dir, 'server_audit.log'))) maria.push(e);
    expect(pg.map((e) => e.get('level'))).toEqual(['LOG', 'LOG', 'FATAL']);
    expect(maria.map((e) => e.get('operation'))).toEqual(['CONNECT', 'QUERY', 'READ', 'FAILED_CONNECT', 'QUERY']);
  });
});
