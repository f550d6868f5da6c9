// The forecast held against the SIEM's own limits: Splunk's licence quota minus the busiest of the last 30 days
// (products.splunk.licence-headroom), and an Elasticsearch/OpenSearch cluster's disk before the high watermark
// (products.es.disk-headroom), against the added bytes per day of every recommended change. Every added log is assumed
// to go to each SIEM measured (the forecast does not know which SIEM a source will feed); the basis says so.
import type { CostHeadroom, CostRange, Finding, PriceTable } from '../model.js';
import { asBasis, basis } from './basis.js';
import { RECOMMENDED_RETENTION_DAYS } from './security-sources.js';

export const HEADROOM_CHECKS = ['products.splunk.licence-headroom', 'products.es.disk-headroom'] as const;

const scale = (r: CostRange, f: number): CostRange => ({ low: r.low * f, expected: r.expected * f, high: r.high * f });
const gb = (b: number) => `${Math.round((b / 1e9) * 1000) / 1000} GB`;

function licence(f: Finding, v: Record<string, unknown>, added: CostRange | null): CostHeadroom | undefined {
  const quota = Number(v.quota_bytes_per_day);
  const peak = Number(v.peak_bytes_per_day);
  if (!Number.isFinite(quota) || !Number.isFinite(peak)) return undefined;
  const room = quota - peak;
  const over = added ? added.expected - room : null;
  return {
    target: f.target,
    kind: 'licence',
    check: f.check,
    headroom_bytes: room,
    added,
    retention_days: null,
    needed: added,
    verdict: !added ? 'unknown' : over! <= 0 ? 'fits' : 'exceeds',
    high_fits: added ? added.high <= room : null,
    over_bytes_per_day: over !== null && over > 0 ? over : null,
    days_to_fill: null,
    basis: basis(
      `daily quota ${gb(quota)} minus the busiest licence day of the last ${v.days ?? '?'} (${v.peak_day}: ` +
        `${gb(peak)}); the added volume is licensed as raw bytes, all of it assumed to go to this SIEM`,
      `1 日の上限 ${gb(quota)} − 直近 ${v.days ?? '?'} 日で最大のライセンス日（${v.peak_day}: ${gb(peak)}）；` +
        '追加分は生のバイト数で計上され、すべてこの SIEM に送られると仮定',
    ),
  };
}

function disk(
  f: Finding,
  v: Record<string, unknown>,
  added: CostRange | null,
  prices: PriceTable | undefined,
): CostHeadroom | undefined {
  const headroom = Number(v.headroom_bytes);
  if (!Number.isFinite(headroom)) return undefined;
  const replicas = Number(v.replica_factor);
  // Raw bytes stored once per copy unless the price table says how many bytes one ingested byte takes.
  const ratio = prices?.stored_per_ingested ?? (Number.isFinite(replicas) && replicas > 0 ? replicas : 1);
  const ratioBasis =
    prices?.stored_per_ingested !== undefined
      ? basis(
          `${ratio} stored bytes per ingested byte (price table)`,
          `取り込み 1 バイトあたり保存 ${ratio} バイト（価格表）`,
        )
      : basis(
          `${ratio} stored bytes per ingested byte (the measured replica factor; compression not counted)`,
          `取り込み 1 バイトあたり保存 ${ratio} バイト（実測のレプリカ係数、圧縮は考慮せず）`,
        );
  const ret = prices?.retention_days;
  const days = ret ? ret.hot + (ret.warm ?? 0) : RECOMMENDED_RETENTION_DAYS;
  const retBasis = ret
    ? basis('the price table retention (hot + warm)', '価格表の保持期間（hot + warm）')
    : basis('the recommended retention', '推奨保持期間');
  const free = asBasis(v.basis);
  const stored = added ? scale(added, ratio) : null;
  const needed = stored ? scale(stored, days) : null;
  const fill = stored && stored.expected > 0 ? Math.round((headroom / stored.expected) * 10) / 10 : null;
  return {
    target: f.target,
    kind: 'disk',
    check: f.check,
    headroom_bytes: headroom,
    added: stored,
    retention_days: days,
    needed,
    verdict: !needed ? 'unknown' : needed.expected <= headroom ? 'fits' : 'exceeds',
    high_fits: needed ? needed.high <= headroom : null,
    over_bytes_per_day: null,
    days_to_fill: needed && needed.expected > headroom ? fill : null,
    basis: basis(
      `${gb(headroom)} free before the high watermark (${free.en}); added volume × ${ratioBasis.en} × ` +
        `${days} days of ${retBasis.en}; today's data assumed steady (its retention deletes as much as arrives)`,
      `high ウォーターマークまでの空き ${gb(headroom)}（${free.ja}）；追加量 × ${ratioBasis.ja} × ` +
        `${retBasis.ja} ${days} 日；既存データは定常と仮定（保持期間で削除される量と到着量が等しい）`,
    ),
  };
}

/** One row per SIEM limit measured, against the added bytes per day of every quantified change. */
export function headroomOf(findings: Finding[], added: CostRange | null, prices?: PriceTable): CostHeadroom[] {
  const out: CostHeadroom[] = [];
  const sorted = [...findings].sort((a, b) => a.target.localeCompare(b.target) || a.check.localeCompare(b.check));
  for (const f of sorted) {
    const v = f.observed?.volume as Record<string, unknown> | undefined;
    if (!v || !(HEADROOM_CHECKS as readonly string[]).includes(f.check)) continue;
    const row = f.check === HEADROOM_CHECKS[0] ? licence(f, v, added) : disk(f, v, added, prices);
    if (row) out.push(row);
  }
  return out;
}
