// Locale formatting and the UI strings of the human-facing reports (HTML, PDF), in English and Japanese.
// Every visible word of the report comes from here or from Bilingual fields of the report itself.
import type { AreaId, Bilingual, FindingStatus, Lang, Severity, SoarVerdict } from '../model.js';

const LOCALES: Record<Lang, string> = { en: 'en-GB', ja: 'ja-JP' };

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ja';
}

/** Picks the text of one language from a bilingual pair, falling back to the other language when one is empty. */
export function pick(lang: Lang, text: Bilingual | string | undefined | null): string {
  if (text === undefined || text === null) return '';
  if (typeof text === 'string') return text;
  const other: Lang = lang === 'en' ? 'ja' : 'en';
  return text[lang] || text[other] || '';
}

export function tr(lang: Lang, en: string, ja: string): string {
  return lang === 'ja' ? ja : en;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
export function formatNumber(lang: Lang, value: number | null | undefined, maximumFractionDigits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const key = `${lang}|${maximumFractionDigits}`;
  let nf = numberFormats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits });
    numberFormats.set(key, nf);
  }
  return nf.format(value);
}

/** A ratio (0..1) as a percentage in the locale's style. */
export function formatPercent(lang: Lang, ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

/**
 * Dates are shown in UTC with the zone named, so a report reads the same wherever it is opened or re-rendered.
 * Unparseable input is shown as given (it is data from the report, escaped by the caller).
 */
export function formatDate(lang: Lang, iso: string | undefined | null, withTime = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }
    : { dateStyle: 'long', timeZone: 'UTC' };
  const text = new Intl.DateTimeFormat(LOCALES[lang], opts).format(d);
  return withTime ? `${text} UTC` : text;
}

// One source for area names, so the HTML, PDF, CI formats and the terminal name an area alike.
export { AREA_NAMES } from '../score/labels.js';
import { BASIS_NAMES, LEVEL_NAMES, VERDICT_TEXT } from '../score/labels.js';

/** Short names for chart axes, where space is scarce. */
export const AREA_SHORT_NAMES: Record<AreaId, Bilingual> = {
  'log-collection': { en: 'Log collection', ja: 'ログ収集' },
  'audit-policy': { en: 'Audit policy', ja: '監査ポリシー' },
  'detection-rules': { en: 'Detection rules', ja: '検知ルール' },
  'detection-validation': { en: 'Validation', ja: '検知の検証' },
  'response-automation': { en: 'Automation', ja: '自動対応' },
  'people-process': { en: 'People & process', ja: '人と組織' },
  infrastructure: { en: 'Infrastructure', ja: '基盤' },
};

/** What a gap in each area means for the business, in words a board understands. */
export const AREA_BUSINESS_RISK: Record<AreaId, Bilingual> = {
  'log-collection': {
    en: 'Attacks can happen without leaving a trace the SOC can see.',
    ja: '攻撃を受けても SOC が確認できる痕跡が残らないおそれがあります。',
  },
  'audit-policy': {
    en: 'An intruder on a server could act unrecorded, and an investigation could not reconstruct what happened.',
    ja: 'サーバに侵入した攻撃者の操作が記録されず、事後調査で何が起きたかを再現できないおそれがあります。',
  },
  'detection-rules': {
    en: 'Known attack techniques would not raise an alert.',
    ja: '既知の攻撃手法でもアラートが上がらないおそれがあります。',
  },
  'detection-validation': {
    en: 'Nobody knows whether the alerts fire when they should, or how many are false alarms.',
    ja: 'アラートが必要な時に本当に上がるのか、誤検知がどれほどあるのかが分かりません。',
  },
  'response-automation': {
    en: 'Automated actions could disrupt the business or miss the attacker.',
    ja: '自動対応が業務を止めたり、攻撃者を取り逃がしたりするおそれがあります。',
  },
  'people-process': {
    en: 'Alerts may not reach someone who can act on them in time.',
    ja: 'アラートが、対応できる担当者に時間内に届かないおそれがあります。',
  },
  infrastructure: {
    en: 'Logs could be lost or unavailable when an investigation needs them.',
    ja: '調査が必要な時にログが失われている、または参照できないおそれがあります。',
  },
};

/** The scoring model's level names, capitalised for headings (one source: src/score/labels.ts). */
export const LEVEL_HEADINGS: Bilingual[] = LEVEL_NAMES.map((n) => ({
  en: n.en.charAt(0).toUpperCase() + n.en.slice(1),
  ja: n.ja,
}));

export function levelName(lang: Lang, level: number | null | undefined): string {
  if (level === null || level === undefined) return pick(lang, UI.notAssessed);
  const name = LEVEL_HEADINGS[Math.max(0, Math.min(5, Math.round(level)))];
  return pick(lang, name);
}

export const STATUS_LABELS: Record<FindingStatus | 'waived', Bilingual> = {
  pass: { en: 'Pass', ja: '合格' },
  fail: { en: 'Fail', ja: '不合格' },
  warn: { en: 'Warning', ja: '警告' },
  error: { en: 'Error', ja: 'エラー' },
  'not-applicable': { en: 'Not applicable', ja: '対象外' },
  inconclusive: { en: 'Inconclusive', ja: '判定不能' },
  waived: { en: 'Waived', ja: '適用除外' },
};

export const SEVERITY_LABELS: Record<Severity, Bilingual> = {
  critical: { en: 'Critical', ja: '緊急' },
  high: { en: 'High', ja: '高' },
  medium: { en: 'Medium', ja: '中' },
  low: { en: 'Low', ja: '低' },
  info: { en: 'Info', ja: '情報' },
};

export const TARGET_STATUS_LABELS: Record<'ok' | 'partial' | 'unreachable' | 'error', Bilingual> = {
  ok: { en: 'Assessed', ja: '評価済み' },
  partial: { en: 'Partly assessed', ja: '一部評価' },
  unreachable: { en: 'Unreachable', ja: '接続不可' },
  error: { en: 'Error', ja: 'エラー' },
};

export const BASIS_LABELS = BASIS_NAMES;

/** Each SOAR verdict's title (src/score/labels.ts) and what it means for the reader. */
export const VERDICT_EXPLAINED: Record<SoarVerdict, { title: Bilingual; meaning: Bilingual }> = {
  ready: {
    title: VERDICT_TEXT.ready,
    meaning: {
      en:
        'The SIEM produces trustworthy detections and the playbooks are guarded: SOAR may act without waiting ' +
        'for a person.',
      ja: 'SIEM の検知は信頼でき、プレイブックには安全策があります。SOAR が人の承認を待たずに対応してよい状態です。',
    },
  },
  'semi-automatic': {
    title: VERDICT_TEXT['semi-automatic'],
    meaning: {
      en:
        'Automate enrichment and ticketing, but keep a person approving every blocking action until the gaps ' +
        'below are closed.',
      ja: '情報収集やチケット起票は自動化できますが、遮断などの対応は下記の課題が解消するまで人が承認してください。',
    },
  },
  'not-yet': {
    title: VERDICT_TEXT['not-yet'],
    meaning: {
      en:
        'Automating now would act on missing or untrustworthy detections. Close the gaps below first, starting ' +
        'with the SIEM beneath it.',
      ja: '今自動化すると、欠けている、または信頼できない検知に基づいて動くことになります。まず SIEM 側から、下記の課題を解消してください。',
    },
  },
};

/** The interface strings of the report. Keys are camelCase; every entry has both languages. */
export const UI = {
  reportTitle: { en: 'SIEM / SOAR readiness report', ja: 'SIEM・SOAR 運用準備状況レポート' },
  organization: { en: 'Organisation', ja: '組織' },
  generated: { en: 'Assessed', ja: '評価日時' },
  runId: { en: 'Run', ja: '実行 ID' },
  mode: { en: 'Mode', ja: 'モード' },
  toolVersion: { en: 'Tool', ja: 'ツール' },
  executiveSummary: { en: 'Executive summary', ja: 'エグゼクティブサマリー' },
  overallLevel: { en: 'Overall maturity', ja: '総合成熟度' },
  levelOutOf: { en: 'of 5', ja: '/ 5' },
  level: { en: 'Level', ja: 'レベル' },
  notAssessed: { en: 'Not assessed', ja: '未評価' },
  notAssessedHint: {
    en: 'Nothing in this run measured this area; it is not scored as 0.',
    ja: '今回の実行ではこの領域を測定していません（0 点ではありません）。',
  },
  soarVerdict: { en: 'SOAR automation verdict', ja: 'SOAR 自動化の判定' },
  notScored: {
    en: 'This report has not been scored: no maturity levels or SOAR verdict are available.',
    ja: 'このレポートは採点されていないため、成熟度と SOAR の判定はありません。',
  },
  blockingGaps: { en: 'What blocks it (close these first)', ja: '阻害要因（先に解消すべき課題）' },
  noGaps: { en: 'No blocking gaps.', ja: '阻害要因はありません。' },
  moreGaps: { en: 'More gaps: see the readiness checklist', ja: 'その他の阻害要因は準備状況チェックリストを参照' },
  topRisks: { en: 'Top risks', ja: '主なリスク' },
  noRisks: { en: 'No failed checks.', ja: '不合格の項目はありません。' },
  affected: { en: 'Affected', ja: '影響対象' },
  ofTargets: { en: 'targets', ja: '台' },
  radarTitle: { en: 'Maturity by area', ja: '領域別の成熟度' },
  radarCurrent: { en: 'This run', ja: '今回' },
  radarPrevious: { en: 'Previous run', ja: '前回' },
  changeSinceLast: { en: 'Change since the last run', ja: '前回からの変化' },
  firstRun: {
    en: 'No earlier run to compare with: this is the baseline.',
    ja: '比較できる過去の実行はありません。今回が基準になります。',
  },
  previousRun: { en: 'Compared with run', ja: '比較対象' },
  area: { en: 'Area', ja: '領域' },
  before: { en: 'Before', ja: '前回' },
  now: { en: 'Now', ja: '今回' },
  change: { en: 'Change', ja: '変化' },
  improved: { en: 'improved', ja: '改善' },
  worse: { en: 'worse', ja: '悪化' },
  unchanged: { en: 'unchanged', ja: '変化なし' },
  overall: { en: 'Overall', ja: '総合' },
  keyFigures: { en: 'Scope of this run', ja: '今回の評価範囲' },
  targets: { en: 'Targets', ja: '対象' },
  targetsAssessed: { en: 'Targets assessed', ja: '評価できた対象' },
  targetsUnreachable: { en: 'Unreachable', ja: '接続できなかった対象' },
  findings: { en: 'Findings', ja: '検出事項' },
  checks: { en: 'Checks', ja: 'チェック' },
  contents: { en: 'Contents', ja: '目次' },
  findingsByArea: { en: 'Findings by area', ja: '領域別の検出事項' },
  findingsByAreaIntro: {
    en: 'Each area shows its level, the criteria behind it, and every check with the evidence seen on each target.',
    ja: '各領域のレベル、その根拠となる基準、各対象で確認した証跡付きのチェック結果を示します。',
  },
  criteria: { en: 'Criteria for the level', ja: 'レベルの判定基準' },
  criterionMet: { en: 'met', ja: '達成' },
  criterionUnmet: { en: 'not met', ja: '未達' },
  basis: { en: 'Basis', ja: '根拠' },
  evidence: { en: 'Evidence', ja: '証跡' },
  noFindingsInArea: {
    en: 'No check of this run belongs to this area.',
    ja: '今回の実行では、この領域に該当するチェックはありません。',
  },
  severity: { en: 'Severity', ja: '重大度' },
  status: { en: 'Status', ja: '状態' },
  target: { en: 'Target', ja: '対象' },
  observed: { en: 'Observed', ja: '観測値' },
  reason: { en: 'Reason', ja: '理由' },
  excerpt: { en: 'Evidence excerpt', ja: '証跡の抜粋' },
  why: { en: 'Why it matters', ja: 'なぜ重要か' },
  remediation: { en: 'Remediation', ja: '対処方法' },
  passedOn: { en: 'Passed on', ja: '合格した対象' },
  notApplicableOn: { en: 'Not applicable on', ja: '対象外' },
  waivedUntil: { en: 'Waived until', ja: '適用除外の期限' },
  waiverExpired: { en: 'Waiver expired on', ja: '適用除外は期限切れ' },
  waiverExpiredNote: { en: 'it no longer applies', ja: '現在は適用されません' },
  justification: { en: 'Justification', ja: '理由' },
  waiverFile: { en: 'waiver file', ja: '除外定義ファイル' },
  attack: { en: 'ATT&CK', ja: 'ATT&CK' },
  owasp: { en: 'OWASP', ja: 'OWASP' },
  analyses: { en: 'Analyses', ja: '分析' },
  builtInContent: {
    en:
      "Ran on socready's built-in example rules and playbooks (no inventory named the organisation's own), to " +
      'show what this analysis reports. It is not scored: name your rules and playbooks in the inventory.',
    ja:
      'この分析は socready 同梱のサンプル ルールとプレイブックで実行したもので（インベントリに組織のルールやプレイブックの指定がないため）、分析内容を示すための例です。成熟度の評価には含めていません。イン' +
      'ベントリで自組織のルールとプレイブックを指定してください。',
  },
  coverage: { en: 'Detection coverage', ja: '検知カバレッジ' },
  detections: { en: 'Sample detections', ja: 'サンプル検知' },
  playbooks: { en: 'Playbooks', ja: 'プレイブック' },
  web: { en: 'Web servers, WAFs and TLS inspection', ja: 'Web サーバー・WAF・TLS インスペクション' },
  problems: { en: 'Problems met', ja: '発生した問題' },
  readinessChecklist: { en: 'Readiness checklist', ja: '準備状況チェックリスト' },
  readinessIntro: {
    en: 'The conditions a SIEM needs before it can be trusted, marked from this run.',
    ja: 'SIEM を信頼して運用するための前提条件を、今回の結果で判定しています。',
  },
  soarTiming: { en: 'When to introduce SOAR', ja: 'SOAR 導入の時期' },
  soarTimingIntro: {
    en: 'Automate response only when all three hold.',
    ja: '次の 3 点がすべて満たされたときに、対応の自動化を進めます。',
  },
  item: { en: 'Item', ja: '項目' },
  mark: { en: 'Mark', ja: '判定' },
  whatWeChecked: { en: 'What was checked', ja: '確認内容' },
  markMet: { en: 'In place', ja: '整備済み' },
  markPartial: { en: 'Partly', ja: '一部' },
  markMissing: { en: 'Missing', ja: '未整備' },
  markUnknown: { en: 'Not assessed', ja: '未評価' },
  attested: { en: 'attested, not measured', ja: '自己申告（未測定）' },
  scope: { en: 'Targets in scope', ja: '評価対象一覧' },
  kind: { en: 'Kind', ja: '種別' },
  address: { en: 'Address', ja: 'アドレス' },
  transport: { en: 'Transport', ja: '接続方式' },
  host: { en: 'Host', ja: 'ホスト' },
  checksRun: { en: 'Checks run', ja: '実行チェック数' },
  questionnaire: { en: 'Questionnaire answers (attested)', ja: '質問票の回答（自己申告）' },
  question: { en: 'Question', ja: '質問' },
  answer: { en: 'Answer', ja: '回答' },
  footerNote: {
    en: 'Generated by socready from the report JSON. Evidence excerpts are redacted and shown as collected.',
    ja: 'socready がレポート JSON から生成しました。証跡の抜粋は秘匿化済みで、収集したとおりに表示しています。',
  },
  commandsRun: { en: 'What was run or read', ja: '実行・読み取りした内容' },
  expectedState: { en: 'Expected', ja: 'あるべき状態' },
  notMeasured: { en: 'not measured', ja: '未測定' },
  yes: { en: 'yes', ja: 'はい' },
  no: { en: 'no', ja: 'いいえ' },
  more: { en: 'more', ja: '件 他' },
} satisfies Record<string, Bilingual>;

export type UiKey = keyof typeof UI;

export function ui(lang: Lang, key: UiKey): string {
  return UI[key][lang];
}

/** Labels of the analysis summary fields in src/model.ts; unknown keys are humanised. */
export const SUMMARY_FIELD_LABELS: Record<string, Bilingual> = {
  attack_version: { en: 'ATT&CK version', ja: 'ATT&CK バージョン' },
  rules_total: { en: 'Rules', ja: 'ルール数' },
  rules_failed: { en: 'Rules that failed to load', ja: '読み込めなかったルール' },
  techniques_in_scope: { en: 'Techniques in scope', ja: '対象の攻撃手法' },
  techniques_declared: { en: 'Techniques covered by rules', ja: 'ルールが対象とする手法' },
  techniques_visible: { en: 'Techniques covered and visible', ja: 'ログが収集され検知可能な手法' },
  techniques_validated: { en: 'Techniques validated by a sample', ja: 'サンプルで検証済みの手法' },
  techniques_benign_tested: { en: 'Techniques tested against benign activity', ja: '正常系で検証済みの手法' },
  owasp_total: { en: 'OWASP Top 10 categories', ja: 'OWASP Top 10 カテゴリ' },
  owasp_declared: { en: 'OWASP categories covered by rules', ja: 'ルールが対象とするカテゴリ' },
  owasp_visible: { en: 'OWASP categories covered and visible', ja: '検知可能なカテゴリ' },
  visibility_measured: { en: 'Visibility measured on a reached target', ja: '到達した対象で可視性を測定' },
  rules_blind: { en: 'Rules blind (log source not collected)', ja: 'ログ未収集で機能しないルール' },
  correlation_rules: { en: 'Correlation rules', ja: '相関ルール' },
  scenarios: { en: 'Scenarios', ja: 'シナリオ数' },
  rules_tested: { en: 'Rules tested', ja: '検証したルール' },
  attacks_detected: { en: 'Attacks detected', ja: '検知できた攻撃' },
  attacks_missed: { en: 'Attacks missed', ja: '見逃した攻撃' },
  false_positives: { en: 'False positives on benign activity', ja: '正常な操作での誤検知' },
  benign_silent: { en: 'Benign baselines left silent', ja: '誤検知しなかった正常系' },
  blinded_by_environment: { en: 'Detections blind in this environment', ja: 'この環境では機能しない検知' },
  estimated_alerts_per_day: { en: 'Estimated alerts per day', ja: '推定アラート件数（1 日あたり）' },
  playbooks: { en: 'Playbooks', ja: 'プレイブック数' },
  valid: { en: 'Valid', ja: '有効' },
  invalid: { en: 'Invalid', ja: '無効' },
  destructive_actions: { en: 'Destructive actions', ja: '破壊的なアクション' },
  unguarded_destructive: { en: 'Destructive actions without a guard', ja: '安全策のない破壊的アクション' },
  blast_radius_incidents: {
    en: 'Actions that would hit critical assets on a false positive',
    ja: '誤検知時に重要資産へ影響するアクション',
  },
  integrations_unready: { en: 'Integrations not ready', ja: '未準備の連携' },
  targets: { en: 'Targets', ja: '対象数' },
  https_endpoints: { en: 'HTTPS endpoints', ja: 'HTTPS エンドポイント' },
  tls_problems: { en: 'HTTPS endpoints with TLS problems', ja: 'TLS に問題がある HTTPS エンドポイント' },
  canaries_sent: { en: 'Canary requests sent', ja: '送信したカナリアリクエスト' },
  canaries_body_logged: { en: 'Canaries whose body was logged', ja: 'ボディが記録されたカナリア' },
  canaries_password_clear: {
    en: 'Canaries whose password was logged in clear',
    ja: 'パスワードが平文で記録されたカナリア',
  },
  waf_probes_sent: { en: 'WAF probes sent', ja: '送信した WAF プローブ' },
  waf_probes_blocked: { en: 'WAF probes blocked', ja: 'ブロックされた WAF プローブ' },
  waf_probes_detected: { en: 'WAF probes detected', ja: '検知された WAF プローブ' },
  cost: { en: 'What it costs: log volume and a staged plan', ja: 'コスト: ログ量と段階的な計画' },
};

export function summaryFieldLabel(lang: Lang, key: string): string {
  const known = SUMMARY_FIELD_LABELS[key];
  if (known) return pick(lang, known);
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A row of the report's checklists: what the source articles ask before trusting a SIEM (readiness) and before letting
 * a SOAR act on its alerts (SOAR timing). A row is marked from the levels of its areas; `gaps` adds the SOAR gaps in
 * those areas as notes, `answers` adds the questionnaire answers whose id matches.
 */
export interface ChecklistItem {
  item: Bilingual;
  what: Bilingual;
  areas: AreaId[];
  gaps: boolean;
  answers?: RegExp;
  /** The row lists the required log-source classes the source map found not measured. */
  sources?: boolean;
  /**
   * Wording by the host platforms the run scanned, where `what` would name something of one platform only (bpf()
   * calls on a Windows-only run); see checklistWhat.
   */
  whatByPlatform?: { linux: Bilingual; windows: Bilingual; both: Bilingual; none: Bilingual };
}

export const READINESS_CHECKLIST: readonly ChecklistItem[] = [
  {
    item: { en: 'Log collection scope', ja: 'ログ収集範囲' },
    what: {
      en: 'Web request bodies, TLS-inspected traffic and product logs (WAF, IPS, NDR, EDR) reach the SIEM.',
      ja: 'Web のリクエストボディ、TLS 復号後の通信、製品ログ（WAF・IPS・NDR・EDR）が SIEM に届いている。',
    },
    areas: ['log-collection'],
    gaps: false,
    sources: true,
  },
  {
    item: { en: 'Audit policy', ja: '監査ポリシー' },
    what: {
      en: 'OS audit rules record process execution, privilege use, and kernel-level activity such as bpf() calls.',
      ja: 'OS の監査設定がプロセス実行、特権の使用、bpf() などカーネルレベルの操作を記録している。',
    },
    whatByPlatform: {
      linux: {
        en: 'OS audit rules record process execution, privilege use, and kernel-level activity such as bpf() calls.',
        ja: 'OS の監査設定がプロセス実行、特権の使用、bpf() などカーネルレベルの操作を記録している。',
      },
      windows: {
        en:
          'The Windows advanced audit policy records process creation with command lines, successful and ' +
          'failed logons, account changes and privilege use, and legacy category settings cannot override it.',
        ja: 'Windows の監査ポリシーの詳細な構成が、コマンド ライン付きのプロセス作成、ログオンの成功と失敗、アカウントの変更、特権の使用を記録し、旧カテゴリ設定で上書きされない。',
      },
      both: {
        en:
          'OS audit policy records process execution, logons and privilege use: on Linux, kernel-level ' +
          'activity such as bpf() calls; on Windows, failed logons and process command lines.',
        ja: 'OS の監査設定がプロセス実行、ログオン、特権の使用を記録している（Linux では bpf() などカーネルレベルの操作、Windows ではログオンの失敗とプロセスのコマンド ライン）。',
      },
      none: {
        en: 'OS audit policy records process execution, logons and privilege use on the hosts behind the services.',
        ja: 'サービスを支えるホストで、OS の監査設定がプロセス実行、ログオン、特権の使用を記録している。',
      },
    },
    areas: ['audit-policy'],
    gaps: false,
  },
  {
    item: { en: 'Detection rules', ja: '検知ルール' },
    what: {
      en:
        'Rules cover the OWASP Top 10 and the relevant ATT&CK techniques over logs actually collected, with ' +
        'correlation, and were proven on sample attacks.',
      ja: '実際に収集しているログに対し、OWASP Top 10 と関連する ATT&CK 手法をルールがカバーし、相関分析があり、サンプル攻撃で検証済みである。',
    },
    areas: ['detection-rules', 'detection-validation'],
    gaps: false,
  },
  {
    item: { en: 'People and organisation', ja: '人と組織' },
    what: {
      en: 'Staffing, on-call, a rule-tuning cadence and documented response procedures exist.',
      ja: '体制、オンコール、ルールのチューニング周期、文書化された対応手順がある。',
    },
    areas: ['people-process'],
    gaps: false,
  },
  {
    item: { en: 'Automation and infrastructure', ja: '自動化と基盤' },
    what: {
      en: 'Log forwarding, retention, storage and SIEM health are sound; playbooks are valid and guarded.',
      ja: 'ログ転送・保管期間・容量・SIEM の稼働状況が健全で、プレイブックが有効かつ安全策を備えている。',
    },
    areas: ['response-automation', 'infrastructure'],
    gaps: false,
  },
];

export const SOAR_TIMING_CHECKLIST: readonly ChecklistItem[] = [
  {
    item: { en: 'The SIEM yields accurate events', ja: 'SIEM が正確なイベントを出せている' },
    what: {
      en: 'Logs are collected, rules see them, and sample attacks fire while benign activity stays quiet.',
      ja: 'ログが収集され、ルールがそれを参照でき、サンプル攻撃で検知し、正常な操作では誤検知しない。',
    },
    areas: ['log-collection', 'detection-rules', 'detection-validation'],
    gaps: true,
  },
  {
    item: {
      en: 'Response procedures per attack type are standardised',
      ja: '攻撃種別ごとの対応手順が標準化されている',
    },
    what: {
      en: 'Each kind of attack has a documented procedure that the playbooks follow.',
      ja: '攻撃の種類ごとに文書化された手順があり、プレイブックがそれに沿っている。',
    },
    areas: ['people-process'],
    gaps: true,
    answers: /procedure|runbook|playbook/i,
  },
  {
    item: {
      en: 'The business impact of automated blocking was assessed',
      ja: '自動遮断による業務影響が評価されている',
    },
    what: {
      en: 'Destructive actions are guarded and a false positive would not block critical systems.',
      ja: '破壊的なアクションに安全策があり、誤検知でも重要なシステムを遮断しない。',
    },
    areas: ['response-automation'],
    gaps: true,
    answers: /block|impact|blast/i,
  },
];
