// The CI gate shared by `report` and `scan`: exit 1 when the overall level is below --fail-under or when the run
// regressed against --baseline; reasons say which. Exit 2 (bad input) is the caller's business.
import type { Lang, Report } from '../model.js';
import { AREA_NAMES, levelLabel, VERDICT_TEXT } from '../score/labels.js';
import { ensureScore } from '../score/previous.js';
import { diffReports } from './diff.js';

export interface GateOptions {
  /** Minimum overall level 0..5. */
  failUnder?: number;
  /** The report to compare with: any regression fails. */
  baseline?: Report;
  lang?: Lang;
}

export interface GateResult {
  exitCode: number;
  reasons: string[];
}

/**
 * A regression is: the overall level or any area level went down (an area that is no longer assessed counts, since
 * it can hide a problem), the SOAR verdict got worse, or a check that passed on a target now fails or warns.
 * Checks the baseline did not run are not regressions (a new catalog must not break every pipeline).
 */
export function gate(report: Report, opts: GateOptions = {}): GateResult {
  const lang = opts.lang ?? 'en';
  const L = (en: string, ja: string) => (lang === 'en' ? en : ja);
  const reasons: string[] = [];
  const score = ensureScore(report);
  if (opts.failUnder !== undefined) {
    if (score.overall === null) {
      reasons.push(
        L(
          `overall maturity was not assessed; --fail-under ${opts.failUnder} needs a level`,
          `総合成熟度が未評価のため、--fail-under ${opts.failUnder} を判定できません`,
        ),
      );
    } else if (score.overall < opts.failUnder) {
      reasons.push(
        L(
          `overall maturity ${levelLabel(score.overall, lang)} is below ${levelLabel(opts.failUnder, lang)}`,
          `総合成熟度 ${levelLabel(score.overall, lang)} が基準 ${levelLabel(opts.failUnder, lang)} を下回っています`,
        ),
      );
    }
  }
  if (opts.baseline) {
    const d = diffReports(opts.baseline, { ...report, score });
    if (d.overall.change === 'worse' || d.overall.change === 'no-longer-assessed') {
      reasons.push(
        L(
          `overall maturity regressed: ${levelLabel(d.overall.from, lang)} → ${levelLabel(d.overall.to, lang)}`,
          `総合成熟度が低下しました：${levelLabel(d.overall.from, lang)} → ${levelLabel(d.overall.to, lang)}`,
        ),
      );
    }
    for (const a of d.areas) {
      if (a.change === 'worse' || a.change === 'no-longer-assessed') {
        const name = AREA_NAMES[a.area][lang];
        reasons.push(
          L(
            `${name} regressed: ${levelLabel(a.from, lang)} → ${levelLabel(a.to, lang)}`,
            `${name}が低下しました：${levelLabel(a.from, lang)} → ${levelLabel(a.to, lang)}`,
          ),
        );
      }
    }
    if (d.soar.change === 'worse') {
      reasons.push(
        L(
          `SOAR verdict regressed: ${VERDICT_TEXT[d.soar.from].en} → ${VERDICT_TEXT[d.soar.to].en}`,
          `SOAR 判定が後退しました：${VERDICT_TEXT[d.soar.from].ja} → ${VERDICT_TEXT[d.soar.to].ja}`,
        ),
      );
    }
    for (const c of d.regressed) {
      const now = c.to === 'warn' ? 'warns' : 'fails';
      reasons.push(
        L(
          `${c.check} on ${c.target} passed in the baseline and now ${now}`,
          `${c.target} の ${c.check} はベースラインでは合格でしたが、今回は${c.to === 'warn' ? '警告' : '不合格'}です`,
        ),
      );
    }
  }
  return { exitCode: reasons.length > 0 ? 1 : 0, reasons };
}
