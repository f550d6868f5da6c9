// The people and alert-volume gate: a SOAR fails without people who can handle what the SIEM raises. Alerts per day
// (estimated over the organisation's real logs) against the triage capacity the questionnaire declares, and the
// share of alerts that are false positives (measured on the sample detections, else attested).
import type { Analyses, CapacityCheck, DetectionSummary, QuestionnaireResult } from '../model.js';
import { answerOf } from './criteria.js';

/** Above this share of false-positive alerts, automated response would act on noise too often (docs/scoring.md). */
export const MAX_FALSE_POSITIVE_SHARE = 0.2;

/** Shifts per day that the on-call coverage answer implies. */
const SHIFTS: Record<string, number> = { none: 0, 'business-hours': 1, extended: 2, '24x7': 3 };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function capacityCheck(
  detections: DetectionSummary | undefined,
  q: QuestionnaireResult | undefined,
  measured?: Analyses['siem_alerts'],
): CapacityCheck {
  // What the SIEM really raised beats what the rules would raise over an export: it is the figure the SOAR meets.
  const siem = measured && measured.details.length > 0 ? measured : undefined;
  const estimated = detections?.estimated_alerts_per_day;
  const alerts = siem ? siem.summary.alerts_per_day : (estimated ?? null);
  const alertsBasis: CapacityCheck['alerts_basis'] = siem
    ? 'siem-alert-history'
    : estimated !== undefined
      ? 'log-estimate'
      : null;
  const noisy = siem
    ? siem.details
        .flatMap((d) => d.rules.map((r) => ({ target: d.target, rule: r.rule, per_day: r.per_day })))
        .sort((a, b) => b.per_day - a.per_day || a.rule.localeCompare(b.rule))
        .slice(0, 5)
    : [];
  const analysts = num(answerOf(q, 'staffing.analysts_per_shift'));
  const perAnalyst = num(answerOf(q, 'triage.alerts_per_analyst_per_shift'));
  const coverage = answerOf(q, 'oncall.coverage');
  const shifts = typeof coverage === 'string' && coverage in SHIFTS ? SHIFTS[coverage]! : null;
  const capacity = analysts !== null && perAnalyst !== null && shifts !== null ? analysts * perAnalyst * shifts : null;
  // Sample alerts: every detected attack expectation is a true alert, every baseline that fired a false one.
  const sampleAlerts = detections ? detections.attacks_detected + detections.false_positives : 0;
  const attested = num(answerOf(q, 'triage.false_positive_share'));
  const [fpShare, basis]: [number | null, CapacityCheck['false_positive_basis']] =
    sampleAlerts > 0
      ? [detections!.false_positives / sampleAlerts, 'measured']
      : attested !== null
        ? [attested / 100, 'attested']
        : [null, null];
  const volumeOk = alerts === null || (capacity !== null && alerts <= capacity);
  const fpOk = fpShare === null || fpShare <= MAX_FALSE_POSITIVE_SHARE + 1e-12;
  return {
    alerts_per_day: alerts,
    alerts_basis: alertsBasis,
    ...(siem
      ? {
          // A part the SIEM could not count (a Security Analytics detector cut short) makes the figure a floor.
          alerts_source:
            siem.details
              .map((d) => {
                const n = d.inconclusive?.length ?? 0;
                return `${d.target} (${d.source}${n > 0 ? `; ${n} not counted, so at least this many` : ''})`;
              })
              .join(', ') + `, last ${siem.summary.window_days} days`,
          noisy_rules: noisy,
        }
      : {}),
    capacity_per_day: capacity,
    analysts_per_shift: analysts,
    alerts_per_analyst_per_shift: perAnalyst,
    shifts_per_day: shifts,
    false_positive_share: fpShare,
    false_positive_basis: basis,
    false_positive_threshold: MAX_FALSE_POSITIVE_SHARE,
    ok: volumeOk && fpOk,
  };
}
