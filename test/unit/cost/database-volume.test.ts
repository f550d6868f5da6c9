// Statements per day from the database's own counters (src/cost/database-volume.ts), on the outputs psql -A -t -F'|'
// and mariadb -N -B print: pg_stat_statements calls over the time since its reset, MariaDB's Questions over
// Uptime_since_flush_status; too young, missing or unreadable counters give no figure with the reason, never 0.
import { describe, expect, it } from 'vitest';
import { mariadbVolume, postgresqlVolume } from '../../../src/cost/database-volume.js';
import type { ProbeResult } from '../../../src/transport/types.js';

const out = (stdout: string, exitCode = 0, stderr = ''): ProbeResult => ({
  stdout,
  stderr,
  exitCode,
  truncated: false,
  durationMs: 1,
});
const NO_PGSS = out('', 1, 'ERROR:  relation "pg_stat_statements" does not exist\nLINE 1: ...\n');

describe('PostgreSQL statements per day', () => {
  it('pg_stat_statements: calls over the seconds since its reset, scaled to a day', () => {
    const v = postgresqlVolume({
      'pg-activity': out('app|864000|86400\npostgres|1200|86400\n'),
      'pg-statement-calls': out('4320000|43200|0\n'),
    }).volume;
    expect(v.statements_per_day).toEqual({
      value: 8_640_000,
      basis: {
        en: 'pg_stat_statements: 4320000 calls over 12.0 h',
        ja: 'pg_stat_statements: 12.0 h で 4320000 回の実行',
      },
    });
    expect(v.transactions_per_day!.value).toBe(865_200);
    expect(v.measured).toBe(1);
    expect(v.at.map((l) => l.text)).toEqual(['4320000|43200|0', 'app|864000|86400', 'postgres|1200|86400']);
  });

  it('says the figure is a lower bound when pg_stat_statements evicted entries since its reset', () => {
    const v = postgresqlVolume({
      'pg-activity': out('app|10|86400\n'),
      'pg-statement-calls': out('720000|7200|35\n'),
    }).volume;
    expect(v.statements_per_day.value).toBe(8_640_000);
    expect(v.statements_per_day.basis.en).toMatch(/35 deallocations since: a lower bound$/);
  });

  it('without pg_stat_statements: not measured, with the transactions per day shown as what they are', () => {
    const v = postgresqlVolume({
      'pg-activity': out('app|172800|172800\nreporting|5|600\n'),
      'pg-statement-calls': NO_PGSS,
    }).volume;
    expect(v.statements_per_day.value).toBeNull();
    expect(v.statements_per_day.basis.en).toMatch(
      /^pg_stat_statements is not installed .*; 86400 transactions per day/,
    );
    // A database whose statistics were reset under an hour ago is left out, and said so.
    expect(v.transactions_per_day!.basis.en).toMatch(/of 1 database\(s\) .*\(1 with under an hour left out\)/);
    expect(v.measured).toBe(0);
  });

  it('counters younger than an hour give no figure: a fresh restart says little about a day', () => {
    const v = postgresqlVolume({
      'pg-activity': out('app|50|120\n'),
      'pg-statement-calls': out('900|120|0\n'),
    }).volume;
    expect(v.statements_per_day.value).toBeNull();
    expect(v.statements_per_day.basis.en).toBe('pg_stat_statements spans 0.0 h only: too recent');
    expect(v.transactions_per_day!.basis.en).toBe('the counters of all 1 databases span under an hour');
  });

  it('an unreachable server is not measured, naming the error', () => {
    const down: ProbeResult = {
      ...out('', 2),
      exitCode: null,
      error: { kind: 'unreachable', message: 'no connection' },
    };
    const v = postgresqlVolume({ 'pg-activity': down, 'pg-statement-calls': down }).volume;
    expect(v.statements_per_day.basis.en).toBe('pg_stat_statements not read: no connection');
    expect(v.at).toEqual([
      { probe: 'pg-statement-calls', text: 'no connection' },
      { probe: 'pg-activity', text: 'no connection' },
    ]);
  });
});

describe('MariaDB/MySQL statements per day', () => {
  it('Questions over Uptime_since_flush_status (FLUSH STATUS resets Questions, not Uptime)', () => {
    const v = mariadbVolume({
      'mariadb-activity': out('Questions\t360000\nUptime\t864000\nUptime_since_flush_status\t36000\n'),
    }).volume;
    expect(v.statements_per_day).toEqual({
      value: 864_000,
      basis: {
        en: 'Questions 360000 over 10.0 h (SHOW GLOBAL STATUS)',
        ja: '10.0 h で Questions 360000（SHOW GLOBAL STATUS）',
      },
    });
    expect(v.measured).toBe(1);
  });

  it('falls back to Uptime where the server has no Uptime_since_flush_status, and refuses a young counter', () => {
    expect(
      mariadbVolume({ 'mariadb-activity': out('Questions\t7200\nUptime\t7200\n') }).volume.statements_per_day.value,
    ).toBe(86_400);
    const young = mariadbVolume({ 'mariadb-activity': out('Questions\t10\nUptime\t60\n') }).volume;
    expect(young.statements_per_day.value).toBeNull();
    expect(young.statements_per_day.basis.en).toBe('the status counters span 0.0 h only: too recent');
    const none = mariadbVolume({ 'mariadb-activity': out('') }).volume;
    expect(none.statements_per_day.basis.en).toBe('SHOW GLOBAL STATUS gave no Questions/Uptime');
  });
});
