// What changed between two runs: levels per area, the overall level, the SOAR verdict, and findings that got better
// (fail -> pass) or worse (pass -> fail). Reports without a score are scored first, with the same model.
import type { AreaId, Bilingual, FindingStatus, Lang, Report, Severity, SoarVerdict } from '../model.js';
import { AREAS } from '../model.js';
import { findingRef } from '../score/refs.js';
import { AREA_NAMES, levelLabel, VERDICT_TEXT } from '../score/labels.js';
import { ensureScore } from '../score/previous.js';
import { formatDateTime } from './formats/locale.js';
import { STATUS_TEXT, t } from './formats/text.js';

export type Change = 'better' | 'worse' | 'same' | 'newly-assessed' | 'no-longer-assessed';

export interface LevelChange {
  from: number | null;
  to: number | null;
  change: Change;
}

export interface FindingChange {
  ref: string;
  check: string;
  target: string;
  title: Bilingual;
  severity: Severity;
  from?: FindingStatus;
  to?: FindingStatus;
}

export interface ReportDiff {
  old: { run_id: string; started_at: string };
  new: { run_id: string; started_at: string };
  overall: LevelChange;
  soar: { from: SoarVerdict; to: SoarVerdict; change: Change };
  areas: (LevelChange & { area: AreaId })[];
  /** Was failing (fail, warn, error, inconclusive), now passes. */
  fixed: FindingChange[];
  /** Was passing, now fails or warns. */
  regressed: FindingChange[];
  /** Checks and targets the old run did not have, now failing. */
  new_failing: FindingChange[];
  /** Failing in the old run, absent from the new one (removed target or check: not the same as fixed). */
  gone: FindingChange[];
}

export function levelChange(from: number | null, to: number | null): LevelChange {
  let change: Change = 'same';
  if (from === null && to !== null) change = 'newly-assessed';
  else if (from !== null && to === null) change = 'no-longer-assessed';
  else if (from !== null && to !== null && to !== from) change = to > from ? 'better' : 'worse';
  return { from, to, change };
}

const VERDICT_RANK: Record<SoarVerdict, number> = { 'not-yet': 0, 'semi-automatic': 1, ready: 2 };
const isBad = (s: FindingStatus) => s === 'fail' || s === 'warn' || s === 'error' || s === 'inconclusive';

export function diffReports(oldReport: Report, newReport: Report): ReportDiff {
  const a = ensureScore(oldReport);
  const b = ensureScore(newReport);
  const oldAreas = new Map(a.areas.map((x) => [x.area, x.level]));
  const newAreas = new Map(b.areas.map((x) => [x.area, x.level]));
  const areas = AREAS.map((area) => ({ area, ...levelChange(oldAreas.get(area) ?? null, newAreas.get(area) ?? null) }));
  const vr = VERDICT_RANK[b.soar.verdict] - VERDICT_RANK[a.soar.verdict];

  const before = new Map(oldReport.findings.map((f) => [findingRef(f), f]));
  const seen = new Set<string>();
  const d: ReportDiff = {
    old: { run_id: oldReport.run.id, started_at: oldReport.run.started_at },
    new: { run_id: newReport.run.id, started_at: newReport.run.started_at },
    overall: levelChange(a.overall, b.overall),
    soar: { from: a.soar.verdict, to: b.soar.verdict, change: vr > 0 ? 'better' : vr < 0 ? 'worse' : 'same' },
    areas,
    fixed: [],
    regressed: [],
    new_failing: [],
    gone: [],
  };
  for (const f of newReport.findings) {
    const ref = findingRef(f);
    seen.add(ref);
    const o = before.get(ref);
    const c: FindingChange = {
      ref,
      check: f.check,
      target: f.target,
      title: f.title,
      severity: f.severity,
      ...(o ? { from: o.status } : {}),
      to: f.status,
    };
    if (!o) {
      if (isBad(f.status)) d.new_failing.push(c);
    } else if (isBad(o.status) && f.status === 'pass') d.fixed.push(c);
    else if (o.status === 'pass' && (f.status === 'fail' || f.status === 'warn')) d.regressed.push(c);
  }
  for (const [ref, o] of before) {
    if (!seen.has(ref) && isBad(o.status))
      d.gone.push({ ref, check: o.check, target: o.target, title: o.title, severity: o.severity, from: o.status });
  }
  return d;
}

function changeWord(c: Change, lang: Lang): string {
  const words: Record<Change, Bilingual> = {
    better: { en: 'better', ja: '改善' },
    worse: { en: 'worse', ja: '悪化' },
    same: { en: 'unchanged', ja: '変化なし' },
    'newly-assessed': { en: 'newly assessed', ja: '新たに評価' },
    'no-longer-assessed': { en: 'no longer assessed', ja: '未評価に変化' },
  };
  return words[c][lang];
}

const MARK: Record<Change, string> = {
  better: '+',
  worse: '-',
  same: '=',
  'newly-assessed': '+',
  'no-longer-assessed': '-',
};

/** Plain text for the terminal: what got better, then what got worse. */
export function formatDiff(d: ReportDiff, lang: Lang): string {
  const L = (en: string, ja: string) => (lang === 'en' ? en : ja);
  const lines: string[] = [];
  lines.push(
    `${L('Comparing', '比較')}: ${d.old.run_id} (${formatDateTime(d.old.started_at, lang)}) → ${d.new.run_id} ` +
      `(${formatDateTime(d.new.started_at, lang)})`,
  );
  lines.push(
    `${L('Overall', '総合')}: ${levelLabel(d.overall.from, lang)} → ${levelLabel(d.overall.to, lang)} ` +
      `[${changeWord(d.overall.change, lang)}]`,
  );
  lines.push(
    `SOAR: ${t(VERDICT_TEXT[d.soar.from], lang)} → ${t(VERDICT_TEXT[d.soar.to], lang)} ` +
      `[${changeWord(d.soar.change, lang)}]`,
  );
  lines.push('');
  for (const a of d.areas) {
    lines.push(
      `  ${MARK[a.change]} ${t(AREA_NAMES[a.area], lang)}: ${levelLabel(a.from, lang)} → ` +
        `${levelLabel(a.to, lang)}${a.change === 'same' ? '' : ` [${changeWord(a.change, lang)}]`}`,
    );
  }
  const list = (title: string, items: FindingChange[]) => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length})`);
    for (const c of items) {
      const st = `${c.from ? t(STATUS_TEXT[c.from], lang) : '—'} → ${c.to ? t(STATUS_TEXT[c.to], lang) : '—'}`;
      lines.push(`  ${c.check} @ ${c.target}: ${t(c.title, lang)} (${st})`);
    }
  };
  list(L('Better: fixed findings', '改善：解消した問題'), d.fixed);
  list(L('Worse: checks that passed and now fail', '悪化：合格から不合格になったチェック'), d.regressed);
  list(L('Worse: new failing checks', '悪化：新たに不合格となったチェック'), d.new_failing);
  list(L('No longer checked (were failing)', '今回は確認されなかった項目（前回は不合格）'), d.gone);
  return `${lines.join('\n')}\n`;
}
