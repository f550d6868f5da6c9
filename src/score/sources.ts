// Log-collection scope from the source map: the share of required source classes measured, weighted by the use-cases
// that need them. Per-host checks feed the map; they no longer certify the scope alone.
import type { AnalysisSection, Bilingual, SourceMapDetails, SourceMapSummary } from '../model.js';
import type { Criterion } from './criteria.js';
import { MAX_REFS, pct } from './findings.js';
import { analysisRef } from './refs.js';

type SourceMap = AnalysisSection<SourceMapSummary, SourceMapDetails>;

function crit(level: number, met: boolean, en: string, ja: string, evidence: string[]): Criterion {
  return { level, met, text: { en, ja }, evidence: evidence.slice(0, MAX_REFS) };
}

const NAME_LIMIT = 6;

/** "web request bodies, WAF, ... (+2)" in one language, from class ids. */
export function classNames(map: SourceMap, ids: string[], lang: 'en' | 'ja'): string {
  const names = ids.map((id) => map.details.classes.find((c) => c.id === id)?.name[lang] ?? id);
  const shown = names.slice(0, NAME_LIMIT).join(lang === 'en' ? ', ' : '、');
  return names.length > NAME_LIMIT ? `${shown} (+${names.length - NAME_LIMIT})` : shown;
}

export function useCaseNames(map: SourceMap, ids: string[], lang: 'en' | 'ja'): string {
  const names = ids.map((id) => map.details.use_cases.find((u) => u.id === id)?.name[lang] ?? id);
  const shown = names.slice(0, NAME_LIMIT).join(lang === 'en' ? ', ' : '、');
  return names.length > NAME_LIMIT ? `${shown} (+${names.length - NAME_LIMIT})` : shown;
}

/** Missing or unproven required classes, in the order "what to connect next" gives. */
export function unmeasuredRequired(map: SourceMap): string[] {
  return map.details.next.map((n) => n.class);
}

const NOT_MAPPED: Bilingual = {
  en: 'The log sources the use-cases need are mapped (no source map in this report: re-run the scan)',
  ja: 'ユースケースに必要なログソースを把握している（このレポートにはソースマップがありません。再スキャンしてください）',
};

export function sourceMapCriteria(map: SourceMap | undefined): Criterion[] {
  if (!map) return [crit(2, false, NOT_MAPPED.en, NOT_MAPPED.ja, [])];
  const s = map.summary;
  const ref = (f: keyof SourceMapSummary) => analysisRef('sources', f);
  const share = s.weighted_share;
  const shareMet = (t: number) => share !== null && share >= t - 1e-12;
  const missing = unmeasuredRequired(map);
  const unknown = map.details.classes.filter((c) => c.required && c.status === 'unknown').map((c) => c.id);
  const notArrived = map.details.classes.filter((c) => c.required && c.proof !== 'arrived').map((c) => c.id);
  const shareText = (t: number): [string, string] => [
    `At least ${t}% of the required log sources are measured, weighted by the use-cases that need them (now ` +
      `${pct(share ?? Number.NaN)}, ${s.classes_measured} of ${s.classes_required} classes)`,
    `必要なログソースの ${t}% 以上を実測済み（ユースケース数で重み付け、現在 ${pct(share ?? Number.NaN)}、${s.classes_required} 種中 ` +
      `${s.classes_measured} 種）`,
  ];
  const shareRefs = [ref('weighted_share'), ref('classes_measured'), ref('classes_required')];
  return [
    crit(
      1,
      s.classes_measured >= 1,
      `A required log source is measured as collected (${s.classes_measured} of ${s.classes_required})`,
      `必要なログソースのうち収集を実測できたものがある（${s.classes_required} 種中 ${s.classes_measured} 種）`,
      [ref('classes_measured')],
    ),
    crit(2, shareMet(0.5), ...shareText(50), shareRefs),
    crit(3, shareMet(0.75), ...shareText(75), shareRefs),
    crit(
      3,
      unknown.length === 0 && s.classes_required > 0,
      unknown.length === 0
        ? 'The estate declares every log source the use-cases need (none unknown)'
        : `The estate declares every log source the use-cases need (unknown: ${classNames(map, unknown, 'en')})`,
      unknown.length === 0
        ? 'ユースケースに必要なログソースがすべてインベントリで申告されている（不明なし）'
        : `ユースケースに必要なログソースがすべてインベントリで申告されている（不明：${classNames(map, unknown, 'ja')}）`,
      [ref('classes_unknown')],
    ),
    crit(
      4,
      missing.length === 0 && s.classes_required > 0,
      missing.length === 0
        ? 'Every required log source is measured'
        : `Every required log source is measured (not yet: ${classNames(map, missing, 'en')})`,
      missing.length === 0
        ? '必要なログソースをすべて実測済み'
        : `必要なログソースをすべて実測済み（未実測：${classNames(map, missing, 'ja')}）`,
      [ref('classes_missing'), ref('classes_declared'), ref('classes_unknown')],
    ),
    crit(
      5,
      notArrived.length === 0 && s.classes_required > 0,
      'Every required log source is proven to arrive (a marker sent by socready was found; not yet: ' +
        `${notArrived.length})`,
      `必要なログソースすべてで到達を確認済み（socready が送ったマーカーを確認、未確認 ${notArrived.length} 種）`,
      [ref('classes_measured')],
    ),
  ];
}
