// Statements per day on a database (issue 19): what statement auditing (pgaudit, server_audit) would add, from the
// server's own counters over the time they span. PostgreSQL counts statements only in pg_stat_statements (when it is
// installed); pg_stat_database's transactions are then shown but are not statements, so the rate stays unmeasured
// rather than guessed. MariaDB/MySQL: Questions over Uptime_since_flush_status.
import type { Located } from '../checks/explain.js';
import type { ProbeResult } from '../transport/types.js';
import { basis } from './basis.js';
import type { Rate } from './linux-volume.js';

export interface DatabaseVolume {
  statements_per_day: Rate;
  /** PostgreSQL only: commits + rollbacks per day over every database (each has one statement or more). */
  transactions_per_day?: Rate;
  /** 1 when statements per day was measured, else 0. */
  measured: number;
  /** The counter lines (or the client's error) the figures come from. */
  at: Located[];
}

/** Counters younger than this give no per-day figure (a restart an hour ago says little about a day). */
const MIN_SPAN_S = 3600;

const failed = (r: ProbeResult | undefined): boolean => r === undefined || r.error !== undefined || r.exitCode !== 0;
const perDay = (count: number, spanS: number) => Math.round((count / spanS) * 86_400);
const hours = (s: number) => `${(s / 3600).toFixed(1)} h`;

/** What a probe answered, as the finding's decisive lines: its rows, or its error. */
function lines(probe: string, r: ProbeResult | undefined): Located[] {
  if (failed(r)) return [{ probe, text: firstError(r) }];
  const rows = r!.stdout.split(/\r?\n/).filter((l) => l.trim() !== '');
  return rows.length ? rows.slice(0, 20).map((text) => ({ probe, text: text.trim() })) : [{ probe, text: '(no rows)' }];
}

function firstError(r: ProbeResult | undefined): string {
  if (!r) return 'not collected';
  return r.error?.message ?? (r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`);
}

/** pg_stat_database rows `datname|commits+rollbacks|seconds since reset`: each database's rate, summed. */
function pgTransactions(r: ProbeResult | undefined): Rate {
  if (failed(r)) {
    const e = firstError(r);
    return { value: null, basis: basis(`pg_stat_database not read: ${e}`, `pg_stat_database を読めない: ${e}`) };
  }
  let rate = 0;
  let young = 0;
  let rows = 0;
  for (const line of r!.stdout.split(/\r?\n/)) {
    const [name, count, span] = line.trim().split('|');
    const n = Number(count);
    const s = Number(span);
    if (!name || !Number.isFinite(n) || !Number.isFinite(s)) continue;
    rows++;
    if (s < MIN_SPAN_S) young++;
    else rate += (n / s) * 86_400;
  }
  if (rows === 0) return { value: null, basis: basis('pg_stat_database gave no rows', 'pg_stat_database の行がない') };
  if (young === rows)
    return {
      value: null,
      basis: basis(
        `the counters of all ${rows} databases span under an hour`,
        `全 ${rows} データベースのカウンターの期間が 1 時間未満`,
      ),
    };
  return {
    value: Math.round(rate),
    basis: basis(
      `pg_stat_database xact_commit + xact_rollback of ${rows - young} database(s) over the time since their ` +
        `statistics reset or the server start${young ? ` (${young} with under an hour left out)` : ''}`,
      `${rows - young} データベースの pg_stat_database xact_commit + xact_rollback を統計のリセットまたはサーバー起動` +
        `からの時間で割った値${young ? `（1 時間未満の ${young} 件を除く）` : ''}`,
    ),
  };
}

/** pg_stat_statements `sum(calls)|seconds since its reset|entries deallocated`. */
function pgStatements(r: ProbeResult | undefined, transactions: Rate): Rate {
  const tx = basis(
    transactions.value !== null ? `; ${transactions.value} transactions per day (${transactions.basis.en})` : '',
    transactions.value !== null
      ? `。1 日あたり ${transactions.value} トランザクション（${transactions.basis.ja}）`
      : '',
  );
  if (failed(r)) {
    const e = firstError(r);
    const why = /pg_stat_statements/.test(`${r?.stderr ?? ''}`)
      ? basis(
          'pg_stat_statements is not installed (statements are counted nowhere else)',
          'pg_stat_statements がインストールされていない（SQL 実行数は他では数えられない）',
        )
      : basis(`pg_stat_statements not read: ${e}`, `pg_stat_statements を読めない: ${e}`);
    return { value: null, basis: basis(why.en + tx.en, why.ja + tx.ja) };
  }
  const [calls, span, dealloc] = r!.stdout.trim().split(/\r?\n/)[0]?.split('|') ?? [];
  const n = Number(calls || 0);
  const s = Number(span);
  if (!Number.isFinite(n) || !Number.isFinite(s)) {
    const text = r!.stdout.trim();
    return { value: null, basis: basis(`unreadable answer: ${text}`, `読み取れない応答: ${text}`) };
  }
  if (s < MIN_SPAN_S)
    return {
      value: null,
      basis: basis(
        `pg_stat_statements spans ${hours(s)} only: too recent${tx.en}`,
        `pg_stat_statements の期間が ${hours(s)} のみ: 最近すぎる${tx.ja}`,
      ),
    };
  const evicted = Number(dealloc) > 0;
  return {
    value: perDay(n, s),
    basis: basis(
      `pg_stat_statements: ${n} calls over ${hours(s)}` +
        (evicted ? `; ${dealloc} deallocations since: a lower bound` : ''),
      `pg_stat_statements: ${hours(s)} で ${n} 回の実行${evicted ? `。その間に ${dealloc} 件の解放があり下限値` : ''}`,
    ),
  };
}

/** SHOW GLOBAL STATUS rows `Name<TAB>value`. */
function mariadbStatements(r: ProbeResult | undefined): Rate {
  if (failed(r)) {
    const e = firstError(r);
    return { value: null, basis: basis(`SHOW GLOBAL STATUS not read: ${e}`, `SHOW GLOBAL STATUS を読めない: ${e}`) };
  }
  const v = new Map(
    r!.stdout
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\t/))
      .filter((c) => c.length === 2)
      .map(([k, x]) => [k!.toLowerCase(), Number(x)] as const),
  );
  const questions = v.get('questions');
  // Questions counts since FLUSH STATUS, so its span is Uptime_since_flush_status (Uptime on servers without it).
  const span = v.get('uptime_since_flush_status') ?? v.get('uptime');
  if (questions === undefined || span === undefined || !Number.isFinite(questions) || !Number.isFinite(span))
    return {
      value: null,
      basis: basis('SHOW GLOBAL STATUS gave no Questions/Uptime', 'SHOW GLOBAL STATUS に Questions/Uptime がない'),
    };
  if (span < MIN_SPAN_S)
    return {
      value: null,
      basis: basis(
        `the status counters span ${hours(span)} only: too recent`,
        `ステータスカウンターの期間が ${hours(span)} のみ: 最近すぎる`,
      ),
    };
  return {
    value: perDay(questions, span),
    basis: basis(
      `Questions ${questions} over ${hours(span)} (SHOW GLOBAL STATUS)`,
      `${hours(span)} で Questions ${questions}（SHOW GLOBAL STATUS）`,
    ),
  };
}

export function postgresqlVolume(outputs: Record<string, ProbeResult>): { volume: DatabaseVolume } {
  const transactions = pgTransactions(outputs['pg-activity']);
  const statements = pgStatements(outputs['pg-statement-calls'], transactions);
  return {
    volume: {
      statements_per_day: statements,
      transactions_per_day: transactions,
      measured: statements.value === null ? 0 : 1,
      at: [
        ...lines('pg-statement-calls', outputs['pg-statement-calls']),
        ...lines('pg-activity', outputs['pg-activity']),
      ],
    },
  };
}

export function mariadbVolume(outputs: Record<string, ProbeResult>): { volume: DatabaseVolume } {
  const statements = mariadbStatements(outputs['mariadb-activity']);
  return {
    volume: {
      statements_per_day: statements,
      measured: statements.value === null ? 0 : 1,
      at: lines('mariadb-activity', outputs['mariadb-activity']),
    },
  };
}
