import type { AreaId, Bilingual, LogSourceRef, Mappings, Severity, TargetKind } from '../model.js';
import type { ProbeResult } from '../transport/types.js';

/**
 * A named probe (checks/probes/*.yaml). Probes are shared: a host is asked each thing once however many checks read it.
 * - command: a read-only shell command (sh on linux, PowerShell on windows). Not run against a --rootdir image.
 * - file: one file, below the target's rootdir when set.
 * - glob: every file matching a shell glob (below rootdir), concatenated as `==> path <==` sections like `head`.
 * - http: a read-only request to a product API (siem, soar, edr, waf, ips, ndr targets): `path` (URL path and query)
 *   is appended to the target's api.url; only GET or HEAD; asked only of the api.product values in `products`.
 * - query: one read-only SELECT/SHOW statement a database target's client runs over its read-only connection.
 * - live: something sent to the target from outside (a TLS handshake; with --active only, a canary POST or a WAF
 *   probe), answered as a JSON document its parser reads.
 */
export interface ProbeDef {
  id: string;
  platform: 'linux' | 'windows' | 'web' | 'api' | 'database' | 'export' | 'any';
  kind: 'command' | 'file' | 'glob' | 'http' | 'live' | 'query';
  /**
   * query probes: one SELECT or SHOW statement, run with the database's client on its host (src/database/source.ts).
   */
  query?: string;
  /** web configuration probes: the `web.server` values they are run for (auto runs every one). */
  servers?: string[];
  /** Probes collected before this one because it reads what they say (a live probe needs the configuration). */
  needs?: string[];
  /** live probes: the implementation that sends it (src/web/source.ts). */
  live?:
    | 'tls-handshake'
    | 'body-canary'
    | 'waf-probe'
    | 'db-canary'
    | 'db-failed-login'
    | 'host-canary'
    | 'windows-event-canary'
    | 'log-sample';
  /** live probes: sends traffic the server logs, so it runs only with --active. */
  active?: boolean;
  command?: string;
  /** database command probes: `powershell` when the command is PowerShell, run only on a Windows database host. */
  shell?: 'sh' | 'powershell';
  path?: string;
  sudo?: boolean;
  /** seconds */
  timeout?: number;
  max_bytes?: number;
  tail?: boolean;
  description?: string;
  /**
   * http probes: the request method, GET (default) or HEAD; POST only for a read-only search endpoint the product
   * allows (SEARCH_ENDPOINTS), with `body`. Nothing that changes state is ever sent.
   */
  method?: 'GET' | 'HEAD' | 'POST';
  /** POST probes: the JSON search request. */
  body?: string;
  /**
   * http probes: read every page (Wazuh offset/limit, Azure nextLink, Security Analytics findings' startIndex until
   * total_findings) and join them into one answer.
   */
  paging?: 'offset' | 'next-link' | 'start-index';
  /**
   * http probes: `sa-detectors` sends the request once per enabled OpenSearch Security Analytics detector that the
   * probes in `needs` read (src/collect/sa-findings.ts), and the answers are counted into one document.
   */
  fan_out?: 'sa-detectors';
  /** http probes: `management` sends it to api.management_url with api.management_token_env (Azure). */
  base?: 'management';
  /** http probes: the Accept header (default application/json). */
  accept?: string;
  /** http probes: the api.product values (elasticsearch, splunk, ...) this probe is asked of. */
  products?: string[];
}

/**
 * Conditions over facts (plain JSON from a parser). Paths are dot-separated (`status.enabled`, `rules`); inside
 * some/every/none/count the paths are relative to the list element.
 *   { all: [c...] } | { any: [c...] } | { not: c }
 * { fact: path, equals | not_equals | in | not_in | gt | gte | lt | lte | matches | contains | exists | empty: value }
 *   { some | every | none: path, where: c }
 *   { count: path, where?: c, gte | lte | equals: n }
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | ({ fact: string } & FactTest)
  | { some: string; where: Condition }
  | { every: string; where: Condition }
  | { none: string; where: Condition }
  | { count: string; where?: Condition; gte?: number; lte?: number; equals?: number };

export interface FactTest {
  equals?: unknown;
  not_equals?: unknown;
  in?: unknown[];
  not_in?: unknown[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  /** Regular expression source, matched against the string form. */
  matches?: string;
  /** String contains, or array includes. */
  contains?: unknown;
  exists?: boolean;
  empty?: boolean;
}

export interface CheckDef {
  id: string;
  /** The desired state, as the catalog lists it. */
  title: Bilingual;
  /** What a failing finding observed, the negation of the title ("auditd is not running"). */
  fail_title?: Bilingual;
  rationale: Bilingual;
  remediation: Bilingual;
  area: AreaId;
  /** Which targets the check applies to. */
  kinds: TargetKind[];
  severity: Severity;
  weight: number;
  probes: string[];
  parser: string;
  /** When present and false, the finding is not-applicable (e.g. syslog-ng checks on a host without syslog-ng). */
  applies_if?: Condition;
  condition: Condition;
  /** A failing check that meets this is a warn instead of a fail. */
  warn_if?: Condition;
  /** A check that did not pass and meets this is inconclusive (asked before warn_if). */
  inconclusive_if?: Condition;
  /** Fact path of the parser's explanation of what it saw: the finding's reason. */
  explain?: string;
  /** Observed and expected in words; `{fact.path}` placeholders are filled from the facts. */
  explain_text?: { observed: Bilingual; expected: Bilingual };
  /** Fact paths of the source lines ({file, line, text}) that decide the check. */
  decisive?: string[];
  /** Checks whose findings on the same target explain this one's. */
  related?: { check: string; why: Bilingual }[];
  maps: Mappings;
  provides?: LogSourceRef[];
  /** A pass proves `provides` collected, a failure does not prove them missing: only a passing finding carries them. */
  provides_on_pass_only?: boolean;
  tags?: string[];
  /** Catalog file, for error messages. */
  file?: string;
  /** Words for the parser's facts (checks/labels), by fact path pattern; set by the catalog loader. */
  fact_labels?: Record<string, Bilingual>;
}

export type Facts = Record<string, unknown>;

/** A `{fact.path}` placeholder in a check's observed/expected text. */
export const PLACEHOLDER = /\{([a-z_][\w.]*)\}/gi;

export interface ParserContext {
  targetId: string;
  kind: TargetKind;
  /** Probe ids that were not collected because the target is an offline image (rootdir): parsers may degrade. */
  offline?: boolean;
}

/** Parsers are pure functions from raw probe output to facts, so stored evidence can be re-evaluated offline. */
export type Parser = (outputs: Record<string, ProbeResult>, ctx: ParserContext) => Facts;

/** A parser throws this when the evidence cannot decide (e.g. auditctl needs root): the finding is inconclusive. */
export class InconclusiveError extends Error {
  override name = 'InconclusiveError';
}

/** A parser throws this when the evidence is malformed: the finding is `error` with this message. */
export class ParseError extends Error {
  override name = 'ParseError';
}
