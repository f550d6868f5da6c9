// The explicit criteria of the maturity model, one ladder per source of evidence. A level is reached when every
// criterion of that level and of all levels below it is met (docs/scoring.md explains each threshold).
import type {
  AreaScore,
  Bilingual,
  CoverageSummary,
  DetectionSummary,
  PlaybookSummary,
  QuestionnaireResult,
  WebSummary,
} from '../model.js';
import { atLeast, type FindingStats, MAX_REFS, pct, refsOf } from './findings.js';
import { analysisRef, questionnaireRef } from './refs.js';
import { visibleFigures } from '../coverage/measured.js';

export type Criterion = AreaScore['criteria'][number];

function crit(level: number, met: boolean, en: string, ja: string, evidence: string[]): Criterion {
  return { level, met, text: { en, ja }, evidence: evidence.slice(0, MAX_REFS) };
}

const ratio = (n: number, d: number): number => (d > 0 ? n / d : Number.NaN);
/** NaN (nothing to divide) never meets a threshold. */
const gte = (x: number, t: number): boolean => Number.isFinite(x) && x >= t - 1e-12;
const lte = (x: number, t: number): boolean => Number.isFinite(x) && x <= t + 1e-12;

// ---- Findings (every area that has checks)

export function findingCriteria(s: FindingStats, opts: { measuredAbove3?: Bilingual } = {}): Criterion[] {
  const critical = s.failed.filter((f) => f.severity === 'critical');
  const high = s.failed.filter((f) => atLeast(f.severity, 'high'));
  const medium = s.failed.filter((f) => atLeast(f.severity, 'medium'));
  const r = s.weightedRate;
  const rateText = (t: number): [string, string] => [
    `Weighted pass rate of the checks is at least ${t}% (now ${pct(r)}, ${s.passed.length} of ` +
      `${s.conclusive.length} pass)`,
    `チェックの重み付き合格率が ${t}% 以上（現在 ${pct(r)}、${s.conclusive.length} 件中 ${s.passed.length} 件合格）`,
  ];
  const notFailing = [...s.failed, ...s.warned];
  // A met "no failure at severity X" criterion points at the checks of that severity that passed (or all passes).
  const passedAtLeast = (min: 'critical' | 'high' | 'medium') => {
    const p = s.passed.filter((f) => atLeast(f.severity, min));
    return refsOf(p.length > 0 ? p : s.passed);
  };
  const out: Criterion[] = [
    crit(
      1,
      s.passed.length + s.warned.length >= 1,
      'At least one check of this area passes or only warns: something is in place',
      'この領域のチェックが 1 件以上、合格または警告にとどまっている（何らかの対策がある）',
      refsOf([...s.passed, ...s.warned]),
    ),
    crit(2, gte(r, 0.5), ...rateText(50), refsOf(gte(r, 0.5) ? s.passed : notFailing)),
    crit(
      2,
      critical.length === 0,
      `No critical check fails (now ${critical.length})`,
      `重大度「緊急」の不合格がない（現在 ${critical.length} 件）`,
      critical.length ? refsOf(critical) : passedAtLeast('critical'),
    ),
    crit(3, gte(r, 0.75), ...rateText(75), refsOf(gte(r, 0.75) ? s.passed : notFailing)),
    crit(
      3,
      high.length === 0,
      `No check of high or critical severity fails (now ${high.length})`,
      `重大度「高」以上の不合格がない（現在 ${high.length} 件）`,
      high.length ? refsOf(high) : passedAtLeast('high'),
    ),
    crit(4, gte(r, 0.9), ...rateText(90), refsOf(gte(r, 0.9) ? s.passed : notFailing)),
    crit(
      4,
      medium.length === 0,
      `No check of medium or higher severity fails (now ${medium.length})`,
      `重大度「中」以上の不合格がない（現在 ${medium.length} 件）`,
      medium.length ? refsOf(medium) : passedAtLeast('medium'),
    ),
    crit(
      5,
      s.failed.length === 0 && s.warned.length === 0 && s.unknown.length === 0 && s.conclusive.length > 0,
      `Every check passes, with no warning and none inconclusive (now ${s.failed.length} failed, ` +
        `${s.warned.length} warnings, ${s.unknown.length} inconclusive)`,
      `すべてのチェックが合格し、警告・判定不能もない（現在 不合格 ${s.failed.length} 件、警告 ${s.warned.length} 件、判定不能 ${s.unknown.length} 件）`,
      s.failed.length + s.warned.length + s.unknown.length > 0
        ? refsOf([...s.failed, ...s.warned, ...s.unknown])
        : refsOf(s.passed),
    ),
  ];
  if (opts.measuredAbove3) out.push(crit(4, false, opts.measuredAbove3.en, opts.measuredAbove3.ja, []));
  return out;
}

// ---- Log collection: visibility measured by the coverage analysis

export function logCollectionCoverageCriteria(c: CoverageSummary | undefined): Criterion[] {
  if (!c) {
    return [
      crit(
        4,
        false,
        'Visibility is measured: the coverage analysis checks that detection rules find their logs (not run)',
        '可視性を実測している：カバレッジ分析で検知ルールが必要なログを得られるか確認済み（未実施）',
        [],
      ),
    ];
  }
  // Not measured (no reached target proved a log source): no visibility criterion is met, and none reads "0 blind".
  const seen = visibleFigures(c);
  const blind = seen.measured ? ratio(c.rules_blind, c.rules_total) : Number.NaN;
  const visible = seen.techniques === null ? Number.NaN : ratio(seen.techniques, c.techniques_declared);
  const ref = (f: keyof CoverageSummary) => analysisRef('coverage', f);
  return [
    crit(
      1,
      (seen.techniques ?? 0) >= 1,
      `Some detection rule sees its logs (${seen.techniques ?? 'not measured:'} techniques visible)`,
      `ログが届いている検知ルールがある（可視の手法 ${seen.techniques === null ? '未測定' : `${seen.techniques} 件`}）`,
      [ref('techniques_visible')],
    ),
    crit(
      2,
      lte(blind, 0.5),
      `At most half of the rules lack their log source (now ${pct(blind)} blind)`,
      `ログソースが収集されていないルールが半数以下（現在 ${pct(blind)}）`,
      [ref('rules_blind'), ref('rules_total')],
    ),
    crit(
      3,
      lte(blind, 0.25),
      `At most a quarter of the rules lack their log source (now ${pct(blind)} blind)`,
      `ログソースが収集されていないルールが 4 分の 1 以下（現在 ${pct(blind)}）`,
      [ref('rules_blind'), ref('rules_total')],
    ),
    crit(
      4,
      gte(visible, 0.8),
      `At least 80% of the techniques the rules declare are visible in collected logs (now ${pct(visible)})`,
      `ルールが対象とする手法の 80% 以上が収集ログで可視（現在 ${pct(visible)}）`,
      [ref('techniques_visible'), ref('techniques_declared')],
    ),
    crit(
      5,
      seen.measured && c.rules_total > 0 && c.rules_blind === 0,
      `No rule is blind: every rule's log source is collected (now ${c.rules_blind} blind)`,
      `ログが届かないルールがない（現在 ${c.rules_blind} 件）`,
      [ref('rules_blind')],
    ),
  ];
}

// ---- Web canaries (src/web, live): do request bodies reach the logs, and without the password in clear text

export function webCanaryCriteria(w: WebSummary): Criterion[] {
  const ref = (f: keyof WebSummary) => analysisRef('web', f);
  const logged = ratio(w.canaries_body_logged, w.canaries_sent);
  const refs = [ref('canaries_body_logged'), ref('canaries_sent')];
  return [
    crit(
      1,
      w.canaries_body_logged >= 1,
      `Some web request body sent by socready reached the logs (${w.canaries_body_logged} of ${w.canaries_sent})`,
      `socready が送信した Web リクエストのボディがログに記録された（${w.canaries_sent} 件中 ${w.canaries_body_logged} 件）`,
      refs,
    ),
    crit(
      2,
      w.canaries_password_clear === 0,
      `No test password sent by socready shows up in clear text in the logs (now ${w.canaries_password_clear})`,
      `socready が送信したテスト用パスワードがログに平文で残っていない（現在 ${w.canaries_password_clear} 件）`,
      [ref('canaries_password_clear')],
    ),
    crit(
      3,
      gte(logged, 0.5),
      `At least half of the canary request bodies reached the logs (now ${w.canaries_body_logged} of ` +
        `${w.canaries_sent})`,
      `カナリアリクエストのボディの半数以上がログに記録された（現在 ${w.canaries_sent} 件中 ${w.canaries_body_logged} 件）`,
      refs,
    ),
    crit(
      4,
      w.canaries_body_logged === w.canaries_sent,
      `Every canary request body reached the logs (now ${w.canaries_body_logged} of ${w.canaries_sent})`,
      `すべてのカナリアリクエストのボディがログに記録された（現在 ${w.canaries_sent} 件中 ${w.canaries_body_logged} 件）`,
      refs,
    ),
  ];
}

/** Live WAF probes: a probe counts as detected when it was logged with a rule (blocking alone is not a detection). */
export function webProbeCriteria(w: WebSummary, withSampleDetections: boolean): Criterion[] {
  const ref = (f: keyof WebSummary) => analysisRef('web', f);
  const det = ratio(w.waf_probes_detected, w.waf_probes_sent);
  const refs = [ref('waf_probes_detected'), ref('waf_probes_sent')];
  const out = [
    crit(
      1,
      w.waf_probes_sent >= 1,
      `Live attack probes were sent to the web targets (${w.waf_probes_sent})`,
      `Web 対象に実際の攻撃プローブを送信した（${w.waf_probes_sent} 件）`,
      [ref('waf_probes_sent')],
    ),
    crit(
      2,
      gte(det, 0.5),
      `At least half of the live WAF probes were detected and logged (now ${w.waf_probes_detected} of ` +
        `${w.waf_probes_sent})`,
      `WAF へのライブプローブの半数以上が検知・記録された（現在 ${w.waf_probes_sent} 件中 ${w.waf_probes_detected} 件）`,
      refs,
    ),
    crit(
      3,
      gte(det, 0.8),
      `At least 80% of the live WAF probes were detected and logged (now ${w.waf_probes_detected} of ` +
        `${w.waf_probes_sent})`,
      `WAF へのライブプローブの 80% 以上が検知・記録された（現在 ${w.waf_probes_sent} 件中 ${w.waf_probes_detected} 件）`,
      refs,
    ),
    crit(
      5,
      w.waf_probes_detected === w.waf_probes_sent,
      `Every live WAF probe was detected and logged (now ${w.waf_probes_detected} of ${w.waf_probes_sent})`,
      `WAF へのライブプローブがすべて検知・記録された（現在 ${w.waf_probes_sent} 件中 ${w.waf_probes_detected} 件）`,
      refs,
    ),
  ];
  if (!withSampleDetections) {
    out.push(
      crit(
        4,
        false,
        'Sample detections with benign baselines measure the false-positive rate (not run)',
        '正常系ベースラインを含むサンプル検知で誤検知率を計測している（未実施）',
        [],
      ),
    );
  }
  return out;
}

// ---- Detection rules: what the rules cover and whether they can see it

export function detectionRuleCriteria(c: CoverageSummary): Criterion[] {
  const ref = (f: keyof CoverageSummary) => analysisRef('coverage', f);
  const loaded = c.rules_total - c.rules_failed;
  const broken = ratio(c.rules_failed, c.rules_total);
  const seen = visibleFigures(c);
  const blind = seen.measured ? ratio(c.rules_blind, c.rules_total) : Number.NaN;
  // Threat focus narrows the scope when given; otherwise the techniques the rules declare are the scope.
  const scope = c.techniques_in_scope > 0 ? c.techniques_in_scope : c.techniques_declared;
  const scopeRef = c.techniques_in_scope > 0 ? ref('techniques_in_scope') : ref('techniques_declared');
  const visible = seen.techniques === null ? Number.NaN : ratio(seen.techniques, scope);
  const validated = seen.techniques === null ? Number.NaN : ratio(c.techniques_validated, seen.techniques);
  const owasp = seen.owasp === null ? Number.NaN : ratio(seen.owasp, c.owasp_total);
  return [
    crit(
      1,
      loaded >= 1,
      `Detection rules are loaded (${loaded} of ${c.rules_total})`,
      `検知ルールが読み込まれている（${c.rules_total} 件中 ${loaded} 件）`,
      [ref('rules_total'), ref('rules_failed')],
    ),
    crit(
      2,
      lte(broken, 0.1),
      `At most 10% of the rules fail to load (now ${pct(broken)})`,
      `読み込みに失敗するルールが 10% 以下（現在 ${pct(broken)}）`,
      [ref('rules_failed')],
    ),
    crit(
      2,
      lte(blind, 0.5),
      `At least half of the rules see their log source (now ${pct(blind)} blind)`,
      `半数以上のルールがログソースを得ている（現在 ${pct(blind)} がログなし）`,
      [ref('rules_blind')],
    ),
    crit(
      3,
      gte(visible, 0.5),
      `At least 50% of the ATT&CK techniques in scope are covered by a rule that sees its logs (now ${pct(visible)})`,
      `対象範囲の ATT&CK 手法の 50% 以上を、ログの届くルールで検知できる（現在 ${pct(visible)}）`,
      [ref('techniques_visible'), scopeRef],
    ),
    crit(
      3,
      c.owasp_total === 0 || gte(owasp, 0.5),
      c.owasp_total === 0
        ? 'OWASP Top 10 coverage: no web targets in scope'
        : 'At least half of the OWASP Top 10 categories are covered and visible (now ' +
            `${seen.owasp ?? 'not measured'} of ${c.owasp_total})`,
      c.owasp_total === 0
        ? 'OWASP Top 10 カバレッジ：対象となる Web がない'
        : `OWASP Top 10 の半数以上のカテゴリを検知でき、ログも届いている（現在 ${c.owasp_total} 中 ${seen.owasp ?? '未測定'}）`,
      [ref('owasp_visible'), ref('owasp_total')],
    ),
    crit(
      3,
      c.correlation_rules >= 1,
      `Correlation rules exist (now ${c.correlation_rules})`,
      `相関ルールがある（現在 ${c.correlation_rules} 件）`,
      [ref('correlation_rules')],
    ),
    crit(
      4,
      gte(validated, 0.5),
      `At least half of the visible techniques are proven by sample detections (now ${pct(validated)})`,
      `可視な手法の半数以上をサンプル検知で実証済み（現在 ${pct(validated)}）`,
      [ref('techniques_validated'), ref('techniques_visible')],
    ),
    crit(
      5,
      gte(visible, 0.8),
      `At least 80% of the techniques in scope are covered and visible (now ${pct(visible)})`,
      `対象範囲の手法の 80% 以上を検知でき、ログも届いている（現在 ${pct(visible)}）`,
      [ref('techniques_visible'), scopeRef],
    ),
    crit(
      5,
      gte(validated, 0.8),
      `At least 80% of the visible techniques are proven by sample detections (now ${pct(validated)})`,
      `可視な手法の 80% 以上をサンプル検知で実証済み（現在 ${pct(validated)}）`,
      [ref('techniques_validated')],
    ),
    crit(
      5,
      c.rules_total > 0 && c.rules_failed === 0,
      `No rule fails to load (now ${c.rules_failed})`,
      `読み込みに失敗するルールがない（現在 ${c.rules_failed} 件）`,
      [ref('rules_failed')],
    ),
  ];
}

// ---- Detection validation: do the rules fire on attacks and stay quiet on benign activity

export function detectionRates(d: DetectionSummary): { detection: number; falsePositive: number } {
  return {
    detection: ratio(d.attacks_detected, d.attacks_detected + d.attacks_missed),
    falsePositive: ratio(d.false_positives, d.false_positives + d.benign_silent),
  };
}

export function detectionValidationCriteria(d: DetectionSummary): Criterion[] {
  const ref = (f: keyof DetectionSummary) => analysisRef('detections', f);
  const { detection, falsePositive } = detectionRates(d);
  const benign = d.false_positives + d.benign_silent;
  const det = (t: number): [string, string] => [
    `At least ${t}% of the attack scenarios are detected (now ${pct(detection)}, ${d.attacks_detected} of ` +
      `${d.attacks_detected + d.attacks_missed})`,
    `攻撃シナリオの ${t}% 以上を検知（現在 ${pct(detection)}、${d.attacks_detected + d.attacks_missed} 件中 ${d.attacks_detected} 件）`,
  ];
  const fp = (t: number): [string, string] => [
    `At most ${t}% of the benign baselines raise an alert (now ${pct(falsePositive)}, ${d.false_positives} ` +
      `of ${benign})`,
    `正常系ベースラインでの誤検知が ${t}% 以下（現在 ${pct(falsePositive)}、${benign} 件中 ${d.false_positives} 件）`,
  ];
  const detRefs = [ref('attacks_detected'), ref('attacks_missed')];
  const fpRefs = [ref('false_positives'), ref('benign_silent')];
  return [
    crit(
      1,
      d.scenarios >= 1,
      `Sample detections were run (${d.scenarios} scenarios)`,
      `サンプル検知を実施した（シナリオ ${d.scenarios} 件）`,
      [ref('scenarios')],
    ),
    crit(2, gte(detection, 0.5), ...det(50), detRefs),
    crit(3, gte(detection, 0.7), ...det(70), detRefs),
    crit(
      3,
      benign >= 1,
      `Benign baselines are tested for false positives (${benign})`,
      `正常系ベースラインで誤検知を検証している（${benign} 件）`,
      fpRefs,
    ),
    crit(3, lte(falsePositive, 0.2), ...fp(20), fpRefs),
    crit(4, gte(detection, 0.85), ...det(85), detRefs),
    crit(4, lte(falsePositive, 0.1), ...fp(10), fpRefs),
    crit(
      4,
      d.estimated_alerts_per_day !== undefined,
      d.estimated_alerts_per_day === undefined
        ? 'Alert volume is estimated over real logs (socready detect --estimate: not run)'
        : `Alert volume is estimated over real logs (${d.estimated_alerts_per_day} per day)`,
      d.estimated_alerts_per_day === undefined
        ? '実ログでアラート量を見積もっている（socready detect --estimate：未実施）'
        : `実ログでアラート量を見積もっている（1 日あたり ${d.estimated_alerts_per_day} 件）`,
      [ref('estimated_alerts_per_day')],
    ),
    crit(5, gte(detection, 0.95), ...det(95), detRefs),
    crit(5, lte(falsePositive, 0.02), ...fp(2), fpRefs),
    crit(
      5,
      d.blinded_by_environment === 0,
      `No detection goes blind for lack of collected fields (now ${d.blinded_by_environment})`,
      `収集していないフィールドのせいで機能しない検知がない（現在 ${d.blinded_by_environment} 件）`,
      [ref('blinded_by_environment')],
    ),
  ];
}

// ---- Response automation: playbooks, guardrails, dry-runs

export function responseAutomationCriteria(p: PlaybookSummary, q: QuestionnaireResult | undefined): Criterion[] {
  const ref = (f: keyof PlaybookSummary) => analysisRef('playbooks', f);
  const invalid = ratio(p.invalid, p.playbooks);
  const risk = answerOf(q, 'automation.blocking_risk_assessed');
  const approval = answerOf(q, 'automation.approval_defined');
  return [
    crit(
      1,
      p.playbooks >= 1,
      `Response playbooks exist (${p.playbooks})`,
      `対応プレイブックがある（${p.playbooks} 件）`,
      [ref('playbooks')],
    ),
    crit(
      2,
      p.valid >= 1 && lte(invalid, 0.2),
      `At most 20% of the playbooks are invalid (now ${p.invalid} of ${p.playbooks})`,
      `不正なプレイブックが 20% 以下（現在 ${p.playbooks} 件中 ${p.invalid} 件）`,
      [ref('valid'), ref('invalid')],
    ),
    crit(
      3,
      p.invalid === 0,
      `Every playbook is valid (now ${p.invalid} invalid)`,
      `すべてのプレイブックが妥当（現在 不正 ${p.invalid} 件）`,
      [ref('invalid')],
    ),
    // A guard the dominator analysis could not prove (budget cut) is unknown, never counted as present.
    crit(
      3,
      p.unguarded_destructive === 0 && (p.guards_unknown ?? 0) === 0,
      `Every destructive action (block, isolate, disable) is guarded (now ${p.unguarded_destructive} unguarded` +
        `${p.guards_unknown ? `, ${p.guards_unknown} unknown` : ''} of ${p.destructive_actions})`,
      `破壊的アクション（遮断・隔離・無効化）にすべてガードがある（現在 ${p.destructive_actions} 件中 ` +
        `${p.unguarded_destructive} 件がガードなし${p.guards_unknown ? `、${p.guards_unknown} 件が不明` : ''}）`,
      [
        ref('unguarded_destructive'),
        ref('destructive_actions'),
        ...(p.guards_unknown !== undefined ? [ref('guards_unknown')] : []),
      ],
    ),
    crit(
      3,
      (p.analyses_cut ?? 0) === 0,
      `Every playbook analysis finished within its budget (now ${p.analyses_cut ?? 0} playbook(s) cut)`,
      `すべてのプレイブック分析が上限内で完了した（現在 打ち切り ${p.analyses_cut ?? 0} 件）`,
      p.analyses_cut !== undefined ? [ref('analyses_cut')] : [],
    ),
    crit(
      4,
      p.blast_radius_incidents === 0,
      `Dry-runs on false positives hit no internal, critical or break-glass entity (now ${p.blast_radius_incidents})`,
      `誤検知を想定したドライランで、内部・重要・緊急用の対象に影響しない（現在 ${p.blast_radius_incidents} 件）`,
      [ref('blast_radius_incidents')],
    ),
    crit(
      4,
      p.integrations_unready === 0,
      `Every integration the playbooks call is ready (now ${p.integrations_unready} not ready)`,
      `プレイブックが呼び出す連携先がすべて準備済み（現在 未準備 ${p.integrations_unready} 件）`,
      [ref('integrations_unready')],
    ),
    crit(
      5,
      risk === true,
      `The business impact of automated blocking was assessed (attested: ${answerText(risk)})`,
      `自動遮断の業務影響を評価済み（自己申告：${answerTextJa(risk)}）`,
      [questionnaireRef('automation.blocking_risk_assessed')],
    ),
    crit(
      5,
      approval === true,
      `Approval and break-glass for automated actions are defined (attested: ${answerText(approval)})`,
      `自動アクションの承認者と緊急停止手順が決まっている（自己申告：${answerTextJa(approval)}）`,
      [questionnaireRef('automation.approval_defined')],
    ),
  ];
}

// ---- People and process: the questionnaire (attested, not measured)

export function answerOf(q: QuestionnaireResult | undefined, id: string): unknown {
  return q?.answers.find((a) => a.id === id)?.answer;
}

function answerText(v: unknown): string {
  if (v === undefined || v === null) return 'not answered';
  if (v === true) return 'yes';
  if (v === false) return 'no';
  return Array.isArray(v) ? v.join(', ') || 'none' : String(v);
}

function answerTextJa(v: unknown): string {
  if (v === undefined || v === null) return '未回答';
  if (v === true) return 'はい';
  if (v === false) return 'いいえ';
  return Array.isArray(v) ? v.join('、') || 'なし' : String(v);
}

const ONCALL = ['none', 'business-hours', 'extended', '24x7'];
const CADENCE = ['never', 'ad-hoc', 'quarterly', 'monthly', 'weekly'];
const REVIEW = ['never', 'on-incident', 'yearly', 'quarterly'];
const EXERCISES = ['never', 'yearly', 'quarterly', 'monthly'];

/** Position of an enum answer on its ordered scale; -1 when unanswered or unknown. */
function rank(scale: string[], v: unknown): number {
  return typeof v === 'string' ? scale.indexOf(v) : -1;
}

export function peopleProcessCriteria(q: QuestionnaireResult, attackTypes: string[]): Criterion[] {
  const a = (id: string) => answerOf(q, id);
  const r = (id: string) => [questionnaireRef(id)];
  const analysts = a('staffing.analysts');
  const engineers = a('staffing.detection_engineers');
  const oncall = a('oncall.coverage');
  const escalation = a('oncall.escalation_documented');
  const tuning = a('tuning.cadence');
  const fpTracked = a('tuning.fp_tracked');
  const procs = a('procedures.attack_types');
  const reviewed = a('procedures.reviewed');
  const kpis = a('metrics.kpis');
  const exercises = a('exercises.cadence');
  const pir = a('improvement.post_incident_review');
  const covered = Array.isArray(procs) ? procs.filter((p) => attackTypes.includes(String(p))).length : 0;
  const share = ratio(covered, attackTypes.length);
  const kpiList = Array.isArray(kpis) ? kpis.map(String) : [];
  const hasKpis = ['mttd', 'mttr', 'fp-rate'].every((k) => kpiList.includes(k));
  return [
    crit(
      1,
      typeof analysts === 'number' && analysts >= 1,
      `Someone is assigned to triage SIEM alerts (analysts: ${answerText(analysts)})`,
      `SIEM アラートの一次対応担当者がいる（アナリスト：${answerTextJa(analysts)}）`,
      r('staffing.analysts'),
    ),
    crit(
      2,
      rank(ONCALL, oncall) >= 1,
      `Alerts are watched at defined hours (coverage: ${answerText(oncall)})`,
      `アラートの監視時間帯が決まっている（体制：${answerTextJa(oncall)}）`,
      r('oncall.coverage'),
    ),
    crit(
      2,
      escalation === true,
      `The escalation path is documented (${answerText(escalation)})`,
      `エスカレーション経路が文書化されている（${answerTextJa(escalation)}）`,
      r('oncall.escalation_documented'),
    ),
    crit(
      2,
      rank(CADENCE, tuning) >= 1,
      `Detection rules are tuned at all (cadence: ${answerText(tuning)})`,
      `検知ルールのチューニングを行っている（頻度：${answerTextJa(tuning)}）`,
      r('tuning.cadence'),
    ),
    crit(
      3,
      gte(share, 0.5),
      `Response procedures are documented for at least half of the attack types (now ${covered} of ` +
        `${attackTypes.length})`,
      `攻撃種別の半数以上について対応手順が文書化されている（現在 ${attackTypes.length} 種中 ${covered} 種）`,
      r('procedures.attack_types'),
    ),
    crit(
      3,
      rank(CADENCE, tuning) >= 2,
      `Rules are tuned at least quarterly (cadence: ${answerText(tuning)})`,
      `ルールのチューニングを四半期ごと以上の頻度で行っている（頻度：${answerTextJa(tuning)}）`,
      r('tuning.cadence'),
    ),
    crit(
      3,
      rank(REVIEW, reviewed) >= 2,
      `Response procedures are reviewed at least yearly (${answerText(reviewed)})`,
      `対応手順を年 1 回以上見直している（${answerTextJa(reviewed)}）`,
      r('procedures.reviewed'),
    ),
    crit(
      4,
      covered === attackTypes.length && attackTypes.length > 0,
      `Response procedures are documented for every attack type (now ${covered} of ${attackTypes.length})`,
      `すべての攻撃種別について対応手順が文書化されている（現在 ${attackTypes.length} 種中 ${covered} 種）`,
      r('procedures.attack_types'),
    ),
    crit(
      4,
      hasKpis,
      `MTTD, MTTR and the false-positive rate are tracked (tracked: ${answerText(kpis)})`,
      `MTTD・MTTR・誤検知率を計測している（計測中：${answerTextJa(kpis)}）`,
      r('metrics.kpis'),
    ),
    crit(
      4,
      rank(CADENCE, tuning) >= 3 && fpTracked === true,
      'Rules are tuned at least monthly from per-rule false-positive figures (cadence: ' +
        `${answerText(tuning)}, tracked: ${answerText(fpTracked)})`,
      `ルールごとの誤検知数に基づき月 1 回以上チューニングしている（頻度：${answerTextJa(tuning)}、計測：${answerTextJa(fpTracked)}）`,
      [...r('tuning.cadence'), ...r('tuning.fp_tracked')],
    ),
    crit(
      4,
      rank(ONCALL, oncall) >= 2,
      `Alerts are watched beyond business hours (coverage: ${answerText(oncall)})`,
      `業務時間外もアラートを監視している（体制：${answerTextJa(oncall)}）`,
      r('oncall.coverage'),
    ),
    crit(
      5,
      rank(EXERCISES, exercises) >= 2,
      `Tabletop or purple-team exercises run at least quarterly (${answerText(exercises)})`,
      `机上演習やパープルチーム演習を四半期ごと以上に実施している（${answerTextJa(exercises)}）`,
      r('exercises.cadence'),
    ),
    crit(
      5,
      pir === true,
      `Post-incident reviews feed back into rules and procedures (${answerText(pir)})`,
      `インシデント後のふりかえりをルールと手順の改善に反映している（${answerTextJa(pir)}）`,
      r('improvement.post_incident_review'),
    ),
    crit(
      5,
      typeof engineers === 'number' && engineers >= 1,
      `Detection engineering is staffed (engineers: ${answerText(engineers)})`,
      `検知エンジニアリングの担当者がいる（担当者：${answerTextJa(engineers)}）`,
      r('staffing.detection_engineers'),
    ),
  ];
}

/** Highest level whose criteria, and those of every level below, are all met. */
export function levelFrom(criteria: Criterion[]): number {
  let level = 0;
  for (let l = 1; l <= 5; l++) {
    const at = criteria.filter((c) => c.level === l);
    if (at.length === 0 || at.some((c) => !c.met)) break;
    level = l;
  }
  return level;
}
