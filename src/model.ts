// The data contracts of one socready run. Every stage adds to one Report document; renderers read only that.
// Shapes here are the public contract of report.json (see src/report/report.schema.json): change them with care.

export type Lang = 'en' | 'ja';
export interface Bilingual {
  en: string;
  ja: string;
}

export type TargetKind =
  | 'linux'
  | 'windows'
  | 'web'
  | 'waf'
  | 'ips'
  | 'ndr'
  | 'edr'
  | 'siem'
  | 'soar'
  | 'database'
  | 'firewall';
export type TransportName = 'local' | 'ssh' | 'powershell' | 'http' | 'evidence';

export interface SshSettings {
  user?: string;
  /** Path to a private key file (may start with ~). */
  key?: string;
  agent?: boolean;
  /** Name of an environment variable that holds the password (never the password itself). */
  password_env?: string;
  /** Name of an environment variable that holds the key's passphrase. */
  passphrase_env?: string;
  /** Host key pin, "SHA256:<base64>" as ssh-keygen -lf prints it. */
  host_key?: string;
  known_hosts?: string;
  /** Run privileged probes through non-interactive `sudo -n`. */
  sudo?: boolean;
  connect_timeout?: number;
}

export interface WinrmSettings {
  user?: string;
  password_env?: string;
  /** Prefer the HTTPS listener (5986); plain HTTP becomes a finding. */
  https?: boolean;
  port?: number;
  /** Reach the host through PowerShell over SSH instead of WinRM. */
  over_ssh?: boolean;
}

/** The SIEM products socready can search for a canary (read-only search APIs, src/collect/siem-search.ts). */
export const SIEM_SEARCH_PRODUCTS = ['elasticsearch', 'opensearch', 'splunk', 'sentinel'] as const;

/** A Linux host's syslog path to its central collector (inventory `syslog`), followed by the --active host canary. */
export interface SyslogCanarySettings {
  /** The target id of the central syslog collector the host forwards to. */
  collector: string;
  /** Unix socket the host's logger writes to (default: the system logger, /dev/log). */
  logger_socket?: string;
  /** The host's own log files, read to say where a canary that never reached the collector was last seen. */
  local_paths?: string[];
  /** Longest wait for the canaries on the collector, seconds (default 30). */
  max_wait?: number;
  /** The SIEM target (api.product elasticsearch, opensearch or splunk) searched for the canaries, read-only. */
  siem?: { target: string; index?: string /** One search's limit, seconds (default 30). */; timeout?: number };
}

/**
 * A Windows host's event path to its collector (inventory `eventlog`), followed by the --active Windows host canary
 * (src/collect/windows-canary.ts): an Application-log event with a unique marker, read back on the host, then searched
 * on the collector (a WEC's forwarded-events log, or the files NXLog/Winlogbeat write on a syslog collector) and in the
 * SIEM.
 */
export interface EventLogCanarySettings {
  /** The target id of the collector: a Windows Event Collector (powershell, `collector.event_logs`) or a file host. */
  collector: string;
  /** An event source registered under the Application log (default `socready`); socready never registers one. */
  source?: string;
  /** Event id of the canary, 1..1000 (default 100). */
  event_id?: number;
  /** Longest wait for the canary on the collector and in the SIEM, seconds (default 30). */
  max_wait?: number;
  siem?: SyslogCanarySettings['siem'];
  /**
   * Also write a long canary event (true: 20 000 characters; a number: that many, 8 193..30 000) and report where it
   * was cut. Only Windows PowerShell 5.1's Write-EventLog writes it; eventcreate (PowerShell 7) cannot.
   */
  long_canary?: boolean | number;
}

export interface WebSettings {
  urls: string[];
  server?: 'nginx' | 'apache' | 'modsecurity-nginx' | 'modsecurity-apache' | 'squid' | 'auto';
  /** Id of an ssh/local target that hosts this server's configuration and logs. */
  host?: string;
  config_path?: string;
  log_paths?: string[];
  login?: { path: string; username_field: string; password_field?: string };
}

/** Products whose exported configuration socready reads (src/products/exports.ts says which command writes each). */
export type ExportProductName = 'aws-waf' | 'azure-waf' | 'cloudflare' | 'fortigate' | 'panos' | 'checkpoint';
/** The target kind each exported product is: cloud WAFs are waf targets, appliances firewall targets. */
export const EXPORT_PRODUCT_KINDS: Readonly<Record<ExportProductName, TargetKind>> = {
  'aws-waf': 'waf',
  'azure-waf': 'waf',
  cloudflare: 'waf',
  fortigate: 'firewall',
  panos: 'firewall',
  checkpoint: 'firewall',
};

export type DatabaseProduct = 'postgresql' | 'mariadb' | 'mysql' | 'mssql' | 'oracle';

/** A database server read through the host it runs on (its files) and, optionally, a read-only connection. */
export interface DatabaseSettings {
  product: DatabaseProduct;
  /** Id of the linux/windows target the server runs on: configuration and log files are read through it. */
  host: string;
  /** Read-only login for the live queries, run with the product's own client on the host. Absent: files only. */
  user?: string;
  /**
   * Name of an environment variable holding the password (passed in the client's environment, never its command line).
   */
  password_env?: string;
  port?: number;
  /** Unix socket directory (PostgreSQL) or socket file (MariaDB/MySQL) on the host; peer authentication. */
  socket?: string;
  /** Database to connect to (PostgreSQL default `postgres`). */
  dbname?: string;
  tls?: { mode: 'disable' | 'require' | 'verify-ca' | 'verify-full'; ca?: string };
  /** Main configuration file on the host when not the product's default (postgresql.conf, my.cnf). */
  config_path?: string;
  /**
   * With --active: also try one login as a marked user that does not exist (opt-in: some sites alert or lock on it).
   */
  failed_login_canary?: boolean;
}

export interface Target {
  id: string;
  kind: TargetKind;
  address: string;
  port?: number;
  tags: string[];
  transport: TransportName;
  ssh?: SshSettings;
  winrm?: WinrmSettings;
  web?: WebSettings;
  /** A Linux host's syslog path to its collector, followed by the --active host canary (src/collect/host-canary.ts). */
  syslog?: SyslogCanarySettings;
  /** A Windows host's event path to its collector, followed by the --active Windows host canary. */
  eventlog?: EventLogCanarySettings;
  /**
   * This target is a central collector: the files (globs allowed) where forwarded messages land, or on a Windows
   * Event Collector the event logs subscriptions write to (ForwardedEvents by default).
   */
  collector?: { paths?: string[]; event_logs?: string[] };
  database?: DatabaseSettings;
  /** Product API access for waf/ips/ndr/edr/siem/soar targets. */
  api?: {
    url: string;
    token_env?: string;
    product?: string;
    insecure_tls?: boolean;
    /**
     * Sentinel: the workspace's Azure Resource Manager URL (https://management.azure.com/subscriptions/.../workspaces/
     * <name>), where analytics and automation rules are read; a different host and token audience than api.url.
     */
    management_url?: string;
    /** Sentinel: the variable holding the token for management_url (audience https://management.azure.com). */
    management_token_env?: string;
  };
  /** ips/ndr targets: the targets whose traffic passes this sensor (the blind-spot map). */
  sensor?: { watches: (string | { target: string; decrypted_by?: string; encrypted?: boolean })[] };
  /**
   * Configuration a product's own CLI or API exported (a cloud WAF's logging configuration, a firewall appliance's
   * configuration), read as offline evidence: `transport: evidence` (src/collect/export-source.ts).
   */
  export?: { product: ExportProductName; files: string[] };
  /** A linux/windows host read from the evidence file socready's collection script wrote on it (transport evidence). */
  evidence_file?: string;
  /** Audit a mounted image or fixture tree: file probes read below this directory (like Lynis --rootdir). */
  rootdir?: string;
  /** Timeout for the whole host, seconds. */
  timeout?: number;
}

export interface SiemEstimateSettings {
  /** Id of a target with api: { product: elasticsearch | opensearch | splunk | sentinel }. */
  siem: string;
  /** Whole UTC days counted, ending at 00:00 UTC of the run's day (default 30). */
  days?: number;
  /** Elasticsearch index pattern or Splunk index. */
  index?: string;
  language?: 'dsl' | 'lucene' | 'esql' | 'spl' | 'kql';
  /** Time limit of each search, seconds (default 60). */
  timeout?: number;
}

export interface Inventory {
  version: 1;
  organization: string;
  /** File the inventory was read from, or "(built-in: this machine)". */
  source: string;
  targets: Target[];
  rules: string[];
  playbooks: string[];
  scenarios: string[];
  alerts: string[];
  /** Real log exports the rules run over to estimate how many alerts a SOAR would act on per day. */
  log_exports?: string[];
  /** The same estimate pushed down into a SIEM target of the inventory (src/pushdown): counted over its retention. */
  estimate?: SiemEstimateSettings;
  questionnaire?: string;
  waivers?: string;
  /** ATT&CK intrusion sets (G0016) or techniques whose coverage matters most. */
  threat_focus?: string[];
  /** What the organisation has and what its SOC must see (src/sources reads it into the source map). */
  estate?: Estate;
  /** Report settings: language and the browser for PDF output. */
  report?: { lang?: Lang; browser?: string };
  /** The organisation's price table for the cost forecast (src/cost); without it the forecast gives volumes only. */
  costs?: PriceTable;
  /** What one phase of the staged logging plan may add: money per month (with a price table) or GB per day. */
  budget?: { per_month?: number; gb_per_day?: number };
}

/** The organisation's own prices (inventory `costs:`; checks/schema/costs.schema.json). socready ships none. */
export interface PriceTable {
  /** Where it was read: a file, or the inventory's `costs` key. */
  source: string;
  currency?: string;
  /** Per month, for each GB per day of licensed daily ingest. */
  ingest_per_gb_day?: number;
  storage_per_gb_month?: { hot?: number; warm?: number };
  /** Per month, for each event per second. */
  per_eps?: number;
  /** Per month, for each host or agent added. */
  per_agent?: number;
  retention_days?: { hot: number; warm?: number };
  /** Bytes stored per byte ingested (compression, replicas); 1 when not given. */
  stored_per_ingested?: number;
}

/** One source class as the inventory declares it: `false` (or count 0) means the estate has none. */
export type EstateSource =
  | false
  | {
      count?: number;
      products?: string[];
      /** Free text: where it runs ("all Windows endpoints"). */
      scope?: string;
      /** The organisation says this class is collected by the SIEM (declared, not measured). */
      collected?: boolean;
    };

export interface Estate {
  /** Keyed by source class id (checks/sources/sources.yaml). A class not listed is unknown. */
  sources: Record<string, EstateSource>;
  use_cases?: {
    /** Use-cases the SOC must detect; all of the catalog's when not given. */
    detect?: string[];
    /** Use-cases the SOAR must automate, optionally with the playbooks that handle them. */
    automate?: { use_case: string; playbooks?: string[] }[];
  };
}

export type FindingStatus = 'pass' | 'fail' | 'warn' | 'error' | 'not-applicable' | 'inconclusive';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Areas of the maturity model (DESIGN.md). */
export type AreaId =
  | 'log-collection'
  | 'audit-policy'
  | 'detection-rules'
  | 'detection-validation'
  | 'response-automation'
  | 'people-process'
  | 'infrastructure';

export const AREAS: AreaId[] = [
  'log-collection',
  'audit-policy',
  'detection-rules',
  'detection-validation',
  'response-automation',
  'people-process',
  'infrastructure',
];

/** A log source as Sigma names it; a passing check that "provides" one makes rules over it visible. */
export interface LogSourceRef {
  product?: string;
  category?: string;
  service?: string;
  /** Fields the source carries that rules may need (e.g. request_body, CommandLine). */
  fields?: string[];
}

export interface Mappings {
  attack?: string[];
  data_components?: string[];
  owasp?: string[];
}

export interface Finding {
  check: string;
  target: string;
  status: FindingStatus;
  area: AreaId;
  severity: Severity;
  weight: number;
  /** The check's title: the desired state ("auditd is running"). */
  title: Bilingual;
  /**
   * What a fail or warn observed ("auditd is not running"); shown instead of title for those (report/finding-title.ts).
   */
  fail_title?: Bilingual;
  rationale?: Bilingual;
  remediation?: Bilingual;
  /** Why the status is what it is, in words (always set for inconclusive and error). */
  reason?: string;
  /** The facts the condition looked at, as seen. */
  observed?: Record<string, unknown>;
  /** A short, redacted excerpt of the evidence behind the finding. */
  excerpt?: string;
  /** Ids of Evidence records. */
  evidence: string[];
  maps: Mappings;
  /** Log sources this check proves collected when it passes. */
  provides?: LogSourceRef[];
  waiver?: { justification: string; expires: string; expired: boolean; file: string };
  /** What was observed and what was expected, in words, in both languages (the check's `explain_text`). */
  explanation?: { observed: Bilingual; expected: Bilingual };
  /** The lines that decided: with file and line where the source is a file, the command otherwise. */
  decisive?: SourceLine[];
  /** Web: the configuration file that was read, and how socready knows the server answering the URL runs it. */
  config_read?: { path: string; how: string };
  /** Findings on the same target that explain this one (a failed body canary and the directive that caused it). */
  related?: { check: string; why: Bilingual }[];
  /** Only in report.json: this finding's text is all its own, the report's check_text does not apply to it. */
  own_text?: true;
}

/** One line a parser read a fact from. */
export interface SourceLine {
  file?: string;
  line?: number;
  command?: string;
  text: string;
}

export type TransportErrorKind =
  | 'unreachable'
  | 'host-key-unknown'
  | 'host-key-mismatch'
  | 'auth-failed'
  | 'timeout'
  | 'permission-denied'
  | 'sudo-password-required'
  | 'not-found'
  | 'config'
  | 'unsupported'
  | 'offline'
  | 'other';

export interface TransportError {
  kind: TransportErrorKind;
  message: string;
}

export interface Evidence {
  id: string;
  target: string;
  probe: string;
  kind: 'command' | 'file' | 'glob' | 'http' | 'api';
  /** What was run, read or requested (never a secret). */
  what: string;
  sudo?: boolean;
  exit_code: number | null;
  started_at: string;
  duration_ms: number;
  bytes: number;
  truncated: boolean;
  /** Run-folder-relative path of the redacted output. */
  file?: string;
  /** How many secrets redaction replaced. */
  redactions: number;
  error?: TransportError;
}

export interface TargetResult {
  id: string;
  kind: TargetKind;
  address: string;
  transport: TransportName;
  status: 'ok' | 'partial' | 'unreachable' | 'error';
  error?: TransportError;
  host?: { hostname?: string; os?: string; kernel?: string };
  duration_ms: number;
  checks_run: number;
}

// ---- Analyses. Each analysis fills a `summary` that scoring reads, and `details` that its own report section renders.

export interface CoverageSummary {
  attack_version: string;
  rules_total: number;
  rules_failed: number;
  techniques_in_scope: number;
  techniques_declared: number;
  /** Techniques covered by a rule whose logs a reached target proved collected; null: visibility not measured. */
  techniques_visible: number | null;
  techniques_validated: number;
  techniques_benign_tested: number;
  owasp_total: number;
  owasp_declared: number;
  /** null: visibility not measured. */
  owasp_visible: number | null;
  /** Whether a reached target proved anything about log collection (src/coverage/measured.ts decides). */
  visibility_measured?: boolean;
  /** Rules whose log source the scan found not collected. */
  rules_blind: number;
  correlation_rules: number;
}

export interface DetectionSummary {
  scenarios: number;
  rules_tested: number;
  /** Scenario expectations: an attack event set that some rule flagged. */
  attacks_detected: number;
  attacks_missed: number;
  /** Benign baselines that some rule fired on. */
  false_positives: number;
  benign_silent: number;
  /** Detections that go blind with the fields this environment does not collect. */
  blinded_by_environment: number;
  /** From --estimate over real logs, when run. */
  estimated_alerts_per_day?: number;
}

export interface PlaybookSummary {
  playbooks: number;
  valid: number;
  invalid: number;
  destructive_actions: number;
  unguarded_destructive: number;
  /** Actions that would have hit an internal, critical or break-glass entity on a (mutated) false positive. */
  blast_radius_incidents: number;
  integrations_unready: number;
  /** Playbooks with an analysis stopped by its budget (absent in reports before budgets existed). */
  analyses_cut?: number;
  /** Destructive actions whose guard is unknown because the dominator analysis was cut. */
  guards_unknown?: number;
}

export interface AnalysisSection<S, D = unknown> {
  summary: S;
  details: D;
  /** Problems met (a bad rule file, a broken playbook) that did not stop the analysis. */
  problems: { path: string; error: string }[];
  /**
   * What the analysis ran on: the organisation's own rules and playbooks, or socready's built-in examples (a run with
   * no inventory). Built-in content is shown in reports as a demonstration and never scored as the organisation's.
   */
  content?: 'organisation' | 'built-in';
}

/** The web part of a scan (src/web): per web target, TLS seen from outside and, with --active, the live probes. */
export interface WebSummary {
  targets: number;
  https_endpoints: number;
  /** HTTPS endpoints whose certificate is untrusted (self-signed, expired, unknown CA) or whose handshake failed. */
  tls_problems: number;
  canaries_sent: number;
  /** Canaries whose body was found in a log read from the host. */
  canaries_body_logged: number;
  /** Canaries whose fake password was found in clear text. */
  canaries_password_clear: number;
  waf_probes_sent: number;
  waf_probes_blocked: number;
  waf_probes_detected: number;
}

export type SourceStatus = 'measured' | 'declared' | 'missing' | 'not-in-estate' | 'unknown';

/**
 * The source map (src/sources): which log-source classes are proven collected, weighted by the use-cases that need
 * them.
 */
export interface SourceMapSummary {
  /** False when the inventory has no estate section: every class no target shows is unknown. */
  estate_declared: boolean;
  classes_required: number;
  classes_measured: number;
  classes_declared: number;
  classes_missing: number;
  classes_unknown: number;
  use_cases_required: number;
  use_cases_visible: number;
  /**
   * Share of the required classes measured, each weighted by the required use-cases that need it; null if none
   * required.
   */
  weighted_share: number | null;
}

export interface SourceClassResult {
  id: string;
  name: Bilingual;
  records: Bilingual;
  blind_to: Bilingual;
  status: SourceStatus;
  /** Needed by a required use-case (detect or automate) and not declared absent. */
  required: boolean;
  /** Required use-cases that need it (its weight in the share). */
  needed_by: string[];
  /** Strongest proof seen: a marker that arrived beats configuration that collects. */
  proof?: 'collected' | 'arrived';
  /** Finding refs (finding:<check>@<target>) that proved or contradicted it. */
  evidence: string[];
  estate?: EstateSource;
  reason: Bilingual;
}

export interface UseCaseResult {
  id: string;
  name: Bilingual;
  attack: string[];
  owasp: string[];
  /** Needed classes the estate has (declared absent ones are dropped). */
  needs: string[];
  /** False when the estate has none of the classes it needs. */
  applicable: boolean;
  detect: boolean;
  automate: boolean;
  /** Playbooks that handle it: named in the inventory or inferred from their name (`inferred`). */
  playbooks: { id: string; inferred: boolean }[];
  /** Needed classes not measured: while any remain, the SOC is blind to this use-case. */
  missing: string[];
  visible: boolean;
}

export interface SourceMapDetails {
  catalog: string;
  classes: SourceClassResult[];
  use_cases: UseCaseResult[];
  /** Unmeasured required classes, the one that makes most use-cases visible first. */
  next: { class: string; gains: string[]; blinds: string[] }[];
}

/** A canary marker on the central collector (src/collect/trace.ts follows it there). */
export interface CanaryCollectorArrival {
  arrived: boolean;
  /** The collector file it was found in. */
  where?: string;
  /** From planting to the read that first showed it: an upper bound, within one poll interval. */
  latency_ms?: number;
  bytes?: number;
  whole?: boolean;
  /** A length-marked canary (src/util/canary-text.ts): how many of its characters the collector holds. */
  chars?: number;
  /** The end token arrived on a line of its own: the collector split an over-long message. */
  remainder_separate?: boolean;
}

/** A canary marker searched in the SIEM. */
export interface CanarySiemArrival {
  target: string;
  arrived: boolean;
  /** From planting to the search that first found it (an upper bound, within one poll interval). */
  latency_ms?: number;
  /** The event's fields in the SIEM: a detection needs user, source IP, command line parsed, not one message string. */
  fields: string[];
  whole?: boolean;
  /** A length-marked canary: the most of its characters any value of the SIEM's copy holds. */
  chars?: number;
  searches: number;
  /** Why the SIEM could not decide (401/403, timeout, a failed search). */
  error?: string;
}

/** Per marker: on the collector, in the SIEM, and the furthest place it was seen. */
export interface CanaryMarkerTrace {
  marker: string;
  collector?: CanaryCollectorArrival & { id: string };
  siem?: CanarySiemArrival;
  /** collector:<path>, siem:<id>, or `planted` when no place showed it. */
  last_seen: string;
}

/** Alerts one SIEM rule raised over the window (src/rules/siem-alerts.ts reads them from the SIEM's answers). */
export interface RuleAlertCount {
  rule: string;
  /** The SIEM's own id of the rule when the answer names it (Sentinel: the analytics rule's ARM `name`). */
  rule_id?: string;
  alerts: number;
  per_day: number;
  /** The day it raised most (where the SIEM's answer is per day: Security Analytics findings). */
  busiest_day?: { day: string; alerts: number };
}

export interface AlertCounts {
  source: string;
  window_days: number;
  total: number;
  per_day: number;
  /** Busiest first. */
  rules: RuleAlertCount[];
  /** Alerts of rules beyond the aggregation's size (counted in the total, not per rule). */
  other_alerts: number;
  /** How alerts were attributed to rules, when that is not plainly by rule (Sentinel: by rule id, else by name). */
  basis?: string;
  /** Parts that could not be counted (a Security Analytics detector whose findings were cut or failed): not zeros. */
  inconclusive?: string[];
}

export interface SiemAlertDetail extends AlertCounts {
  target: string;
  probe: string;
}

export interface SiemAlertSummary {
  targets: number;
  window_days: number;
  alerts: number;
  alerts_per_day: number;
  rules_alerting: number;
}

// ---- Cost: what today's logging weighs and what each recommended change adds (src/cost). Volumes in bytes per day.

/** low / expected / high: the assumptions' range, never one falsely precise figure. */
export interface CostRange {
  low: number;
  expected: number;
  high: number;
}

/** One term of a change's formula as it was filled: measured (with its basis) or assumed (the model's range). */
export interface CostInput {
  name: Bilingual;
  input?: string | string[];
  source: 'measured' | 'assumed' | 'missing';
  range: [number, number, number] | null;
  basis: Bilingual;
}

export interface CostMoney {
  low: number;
  expected: number;
  high: number;
  /** The expected figure's parts; null: that price is not in the table (or, for EPS, no event rate). */
  parts: { ingest: number | null; storage: number | null; eps: number | null; agents: number | null };
}

export interface CostChange {
  /** `<model>@<target>`. */
  id: string;
  model: string;
  title: Bilingual;
  target: string;
  class: string;
  /** Failing or warning findings that recommend it (finding:<check>@<target>). */
  findings: string[];
  severity: Severity;
  formula: Bilingual;
  inputs: CostInput[];
  /** null: a measured input is missing (reason says which). */
  bytes_per_day: CostRange | null;
  events_per_day: number | null;
  reason?: Bilingual;
  /** Stored GB at retention (hot and warm), when the price table gives retention days. */
  stored_gb: { hot: CostRange; warm: CostRange | null } | null;
  monthly_cost: CostMoney | null;
  /** Required use-cases that need this change's class while it is not measured, and their ATT&CK techniques. */
  use_cases: string[];
  techniques: string[];
  /** Detection value: each such use-case counts 1 / (classes it still misses). */
  value: number;
}

export interface CostPhase {
  phase: number;
  changes: string[];
  bytes_per_day: CostRange;
  monthly_cost: CostRange | null;
  /** A single change larger than the budget is a phase of its own. */
  over_budget: boolean;
  /** Use-cases that become visible (every class they need measured) once this and the earlier phases are done. */
  use_cases_gained: string[];
  techniques_gained: string[];
  maturity: {
    overall: [number | null, number | null];
    areas: { area: AreaId; before: number | null; after: number | null }[];
  };
  soar: { verdict: [SoarVerdict | null, SoarVerdict | null]; ready_gained: string[] };
}

export interface CostSource {
  target: string;
  source: string;
  class: string | null;
  check: string;
  bytes: number;
  files: number;
  first: string | null;
  last: string | null;
  span_hours: number | null;
  bytes_per_day: number | null;
  basis: Bilingual;
}

export interface CostSummary {
  currency: string | null;
  sources_measured: number;
  /** null: no source measured. */
  today_bytes_per_day: number | null;
  changes: number;
  changes_quantified: number;
  added_bytes_per_day: CostRange | null;
  monthly_cost: CostRange | null;
  phases: number;
  budget: { per_month?: number; gb_per_day?: number } | null;
}

/** The forecast against one SIEM limit: Splunk's licence headroom per day, or a cluster's disk to its watermark. */
export interface CostHeadroom {
  target: string;
  kind: 'licence' | 'disk';
  check: string;
  /** licence: quota minus the busiest day of the last 30 (bytes per day, may be negative); disk: bytes left. */
  headroom_bytes: number;
  /** Added bytes per day (disk: as stored, replicas included). */
  added: CostRange | null;
  /** disk: the days the added data is kept. */
  retention_days: number | null;
  /** licence: added bytes per day; disk: added stored bytes per day × retention days. */
  needed: CostRange | null;
  /** On the expected figure; unknown: no change quantified. */
  verdict: 'fits' | 'exceeds' | 'unknown';
  /** Whether the high end of the range fits as well. */
  high_fits: boolean | null;
  /** licence: by how much the expected added volume exceeds the headroom. */
  over_bytes_per_day: number | null;
  /** disk: days until the high watermark at the expected added rate, when it does not fit. */
  days_to_fill: number | null;
  basis: Bilingual;
}

export interface CostDetails {
  models: string;
  prices: PriceTable | null;
  today: CostSource[];
  rates: { target: string; name: string; value: number | null; basis: Bilingual; check: string }[];
  changes: CostChange[];
  phases: CostPhase[];
  /** Changes with no figure: not placed in a phase. */
  unquantified: string[];
  savings: {
    id: string;
    title: Bilingual;
    change: string;
    fraction: [number, number, number];
    bytes_per_day: CostRange;
    basis: Bilingual;
  }[];
  /** The forecast against the SIEMs' licence and disk headroom (src/cost/headroom.ts). */
  headroom?: CostHeadroom[];
}

export interface Analyses {
  /** The source map, between evaluate and score. */
  sources?: AnalysisSection<SourceMapSummary, SourceMapDetails>;
  coverage?: AnalysisSection<CoverageSummary>;
  detections?: AnalysisSection<DetectionSummary>;
  playbooks?: AnalysisSection<PlaybookSummary>;
  /** details: one src/web WebDetails per web target. */
  web?: AnalysisSection<WebSummary>;
  /** The blind-spot map and the EDR/audit-policy dependency (src/sensors/map.ts). */
  sensors?: AnalysisSection<Record<string, number>>;
  /** Alerts per rule over the last 30 days, read from the SIEMs' own alert history (src/rules/siem-alerts.ts). */
  siem_alerts?: AnalysisSection<SiemAlertSummary, SiemAlertDetail[]>;
  /** Log volume today, the forecast of each recommended change and the staged plan (src/cost). */
  cost?: AnalysisSection<CostSummary, CostDetails>;
}

// ---- Scoring

export type LevelName = 'none' | 'initial' | 'managed' | 'defined' | 'measured' | 'optimising';

export interface AreaScore {
  area: AreaId;
  /** null: nothing measured this area ("not assessed", never 0). */
  level: number | null;
  basis: 'measured' | 'attested' | 'mixed' | 'not-assessed';
  /** The criteria met and unmet, each with the findings or analysis results behind it. */
  criteria: { level: number; met: boolean; text: Bilingual; evidence: string[] }[];
  summary: Bilingual;
}

export type SoarVerdict = 'ready' | 'semi-automatic' | 'not-yet';

export interface Score {
  model_version: string;
  overall: number | null;
  areas: AreaScore[];
  soar: {
    verdict: SoarVerdict;
    gaps: { area: AreaId; text: Bilingual; refs: string[] }[];
    /** Per use-case to automate: ready only when every source class it needs is measured. */
    use_cases?: { id: string; ready: boolean; missing: string[] }[];
    /** The people and alert-volume gate, the numbers side by side. */
    capacity?: CapacityCheck;
  };
}

export interface CapacityCheck {
  /** Alerts per day: measured in the SIEM's alert history when read, else estimated over log_exports. */
  alerts_per_day: number | null;
  /** Where alerts_per_day comes from: the SIEM's own alert counts (preferred) or the estimate over real logs. */
  alerts_basis?: 'siem-alert-history' | 'log-estimate' | null;
  /** The SIEM targets and window the measured figure was read from. */
  alerts_source?: string;
  /** The rules raising the most alerts per day (measured), busiest first. */
  noisy_rules?: { target: string; rule: string; per_day: number }[];
  /** Analysts per shift x alerts one analyst triages per shift x shifts per day (questionnaire). */
  capacity_per_day: number | null;
  analysts_per_shift: number | null;
  alerts_per_analyst_per_shift: number | null;
  shifts_per_day: number | null;
  /** Share of alerts that are false positives: measured on the sample detections, else attested. */
  false_positive_share: number | null;
  false_positive_basis: 'measured' | 'attested' | null;
  /** Above this share, automated response is not ready. */
  false_positive_threshold: number;
  ok: boolean;
}

export interface QuestionnaireResult {
  source: string;
  answers: { id: string; area: AreaId; question: Bilingual; answer: unknown; level_hint?: number }[];
}

/** What a shard's partial report carries so that merge can check its siblings and put the estate back in order. */
export interface ShardInfo {
  index: number;
  count: number;
  inventory_digest: string;
  catalog_digest: string;
  /** Every target of the estate, all shards together, in plan order (their ids' digest and how many). */
  plan_digest: string;
  plan_size: number;
  hosts_only: boolean;
  /** No inventory named the organisation: merge titles the report with the evidence hosts, as scan does. */
  title_from_evidence: boolean;
  /** Per entry of `targets`: its place in the plan and how many of `findings` and `evidence` (in order) are its own. */
  blocks: { position: number; findings: number; evidence: number }[];
}

export interface Report {
  schema_version: '1.0';
  tool: { name: 'socready'; version: string };
  run: {
    id: string;
    started_at: string;
    finished_at: string;
    organization: string;
    inventory: string;
    mode: 'live' | 'evidence' | 'local';
    options: Record<string, unknown>;
    /** Set on the partial report of `scan --shard i/n`: `merge` joins these and runs the analyses once. */
    shard?: ShardInfo;
  };
  targets: TargetResult[];
  findings: Finding[];
  evidence: Evidence[];
  analyses: Analyses;
  questionnaire?: QuestionnaireResult;
  score?: Score;
  /** Set when the run was compared with a baseline or the previous run. */
  previous?: { run_id: string; overall: number | null; areas: { area: AreaId; level: number | null }[] };
  /**
   * Only in report.json (src/report/check-text.ts): per check id, the text every finding of it repeats; findings there
   * leave it out. Reading the file puts it back into each finding and drops this.
   */
  check_text?: Record<string, Partial<Pick<Finding, 'title' | 'fail_title' | 'rationale' | 'remediation' | 'maps'>>>;
}
