// Statements per day read from real servers' counters (the cost of statement auditing): PostgreSQL 15 with and
// without pg_stat_statements, MariaDB 10.11. The throwaway servers are seconds old, so the per-day figure is refused
// as too recent (the arithmetic over long spans is unit-tested); what this proves is that the read-only queries run
// on the real servers, their answers parse, and the finding shows the counters it read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { DatabaseProbeSource } from '../../src/database/source.js';
import type { Bilingual, DatabaseSettings, Finding, Target } from '../../src/model.js';
import { createLocalTransport } from '../../src/transport/local.js';
import {
  haveDatabases,
  type MariaInstance,
  type PgInstance,
  RO_PASSWORD,
  startMariadb,
  startPostgres,
} from '../helpers/databases.js';

const catalog = loadCatalog();

async function volumeFinding(id: string, database: DatabaseSettings, check: string): Promise<Finding> {
  const target: Target = { id, kind: 'database', address: '127.0.0.1', tags: [], transport: 'local', database };
  const source = new DatabaseProbeSource(target, {
    hostTransport: createLocalTransport(),
    active: false,
    runId: 'itest',
    env: { SR_DB_PASSWORD: RO_PASSWORD },
  });
  const a = await assessTarget(target, source, catalog, { store: new EvidenceStore(undefined) });
  const f = a.findings.find((x) => x.check === check);
  if (!f) throw new Error(`no finding ${check}`);
  return f;
}

const conn = (product: 'postgresql' | 'mariadb', port: number): DatabaseSettings => ({
  product,
  host: 'db-host',
  user: 'socready_ro',
  password_env: 'SR_DB_PASSWORD',
  port,
  ...(product === 'postgresql' ? { dbname: 'postgres' } : {}),
});

type Volume = { statements_per_day: { value: number | null; basis: Bilingual }; at: { text: string }[] };

describe.skipIf(!haveDatabases())('statements per day from real database servers', () => {
  let withPgss: PgInstance;
  let plain: PgInstance;
  let maria: MariaInstance;

  beforeAll(async () => {
    [withPgss, plain, maria] = await Promise.all([
      startPostgres({ shared_preload_libraries: `'pgaudit,pg_stat_statements'` }),
      startPostgres({ shared_preload_libraries: `'pgaudit'` }),
      startMariadb({}),
    ]);
    withPgss.superuser('CREATE EXTENSION pg_stat_statements; SELECT count(*) FROM t_secret; SELECT 1;');
  }, 90_000);
  afterAll(async () => {
    withPgss?.stop();
    plain?.stop();
    await maria?.stop();
  });

  it('PostgreSQL with pg_stat_statements: calls and span are read; seconds-old counters give no figure', async () => {
    const f = await volumeFinding(
      'pg-pgss',
      conn('postgresql', withPgss.port),
      'database.postgresql.statement-volume-measured',
    );
    const v = f.observed!.volume as Volume;
    expect(f.status, f.reason).toBe('warn');
    expect(v.statements_per_day.value).toBeNull();
    expect(v.statements_per_day.basis.en).toMatch(/^pg_stat_statements spans 0\.0 h only: too recent/);
    // sum(calls)|seconds|dealloc, then one row per database with its transactions.
    expect(v.at[0]!.text).toMatch(/^[1-9]\d*\|\d+\|0$/);
    expect(v.at.some((l) => /^postgres\|[1-9]\d*\|\d+$/.test(l.text))).toBe(true);
  }, 60_000);

  it('PostgreSQL without pg_stat_statements: not measured, the missing extension named', async () => {
    const f = await volumeFinding(
      'pg-plain',
      conn('postgresql', plain.port),
      'database.postgresql.statement-volume-measured',
    );
    const v = f.observed!.volume as Volume;
    expect(f.status, f.reason).toBe('warn');
    expect(v.statements_per_day.basis.en).toMatch(/^pg_stat_statements is not installed/);
  }, 60_000);

  it('MariaDB: Questions and Uptime_since_flush_status are read from SHOW GLOBAL STATUS', async () => {
    const f = await volumeFinding('maria', conn('mariadb', maria.port), 'database.mariadb.statement-volume-measured');
    const v = f.observed!.volume as Volume;
    expect(f.status, f.reason).toBe('warn');
    expect(v.statements_per_day.basis.en).toMatch(/^the status counters span 0\.0 h only: too recent$/);
    expect(v.at.map((l) => l.text.split('\t')[0])).toEqual(['Questions', 'Uptime', 'Uptime_since_flush_status']);
  }, 60_000);
});
