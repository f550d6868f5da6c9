import type { SourceLine } from '../../model.js';
import type { ScopedDirective } from './apache-config.js';
import type { ConfigFile } from './sections.js';
import type { Located } from '../../checks/explain.js';

/** What ModSecurity (v2 in Apache, v3 in nginx) is configured to do, as the checks read it. */
export interface ModSecurityFacts {
  loaded: boolean;
  /** SecRuleEngine at server level (default Off). */
  rule_engine: string;
  /** Narrower SecRuleEngine settings (in a VirtualHost, Location ...). */
  rule_engine_overrides: { value: string; scope: string }[];
  request_body_access: boolean;
  response_body_access: boolean;
  audit_engine: string;
  audit_relevant_status: string | null;
  /** Whether a successful (2xx/3xx) transaction without a rule match reaches the audit log. */
  audit_logs_success: boolean;
  audit_log_parts: string;
  parts: { B: boolean; C: boolean; E: boolean; F: boolean; H: boolean; I: boolean; K: boolean };
  /** libmodsecurity 3 (nginx) or mod_security2 (Apache). */
  version: 2 | 3;
  /** The request body is in the audit log: part C, or I on ModSecurity 2 (libmodsecurity 3 writes part I empty). */
  audit_request_body: boolean;
  /** Part E with SecResponseBodyAccess On. */
  audit_response_body: boolean;
  audit_log_format: string;
  audit_log: string | null;
  audit_log_type: string;
  audit_log_storage_dir: string | null;
  request_body_limit: number | null;
  /** Argument names masked in the audit log by sanitiseArg (or sanitiseMatched on argument-name rules). */
  sanitised_args: string[];
  sanitise_matched: boolean;
  password_masked: boolean;
  crs: CrsFacts;
  /**
   * Where each server-level directive that won was read (file, line, text); a directive that is not set (with the
   * module loaded) names the probe whose files were read and the default that applies. `password_masked`: the masking
   * rules, or what was searched.
   */
  at: Partial<Record<(typeof LAST_WINS)[number], Located>> & { password_masked?: Located[] };
  /** The rules that mask arguments (sanitiseArg / sanitiseMatched), where they are. */
  sanitise_at: SourceLine[];
}

export interface CrsFacts {
  installed: boolean;
  version: string | null;
  major: number | null;
  setup_version: number | null;
  /** tx.blocking_paranoia_level (CRS 4) or tx.paranoia_level (CRS 3); 1 when CRS is loaded and it is unset. */
  paranoia_level: number | null;
  executing_paranoia_level: number | null;
  inbound_threshold: number | null;
  outbound_threshold: number | null;
  rule_files: number;
  /** The lines behind the version, thresholds and paranoia level, or what was read when a value is a default. */
  at: Partial<Record<'installed' | 'version' | 'major' | CrsSetting, Located[]>>;
}

type CrsSetting = 'paranoia_level' | 'inbound_threshold' | 'outbound_threshold';

const LAST_WINS = [
  'secruleengine',
  'secrequestbodyaccess',
  'secresponsebodyaccess',
  'secauditengine',
  'secauditlogrelevantstatus',
  'secauditlogparts',
  'secauditlogformat',
  'secauditlog',
  'secauditlogtype',
  'secauditlogstoragedir',
  'secrequestbodylimit',
] as const;

/** The directives' names as documented, and the value ModSecurity uses when one is not set (reference manual). */
const DEFAULTS: Record<(typeof LAST_WINS)[number], [name: string, value: string]> = {
  secruleengine: ['SecRuleEngine', 'Off'],
  secrequestbodyaccess: ['SecRequestBodyAccess', 'Off'],
  secresponsebodyaccess: ['SecResponseBodyAccess', 'Off'],
  secauditengine: ['SecAuditEngine', 'Off'],
  secauditlogrelevantstatus: ['SecAuditLogRelevantStatus', 'none (no status makes a transaction relevant)'],
  secauditlogparts: ['SecAuditLogParts', 'ABCFHZ'],
  secauditlogformat: ['SecAuditLogFormat', 'Native'],
  secauditlog: ['SecAuditLog', 'none (no audit log file)'],
  secauditlogtype: ['SecAuditLogType', 'Serial'],
  secauditlogstoragedir: ['SecAuditLogStorageDir', 'none'],
  secrequestbodylimit: ['SecRequestBodyLimit', '134217728 (128 MiB)'],
};

/** What was read, for a setting no line states: the probe and how many files its output held. */
export interface ReadSource {
  probe: string;
  files: number;
}

const filesRead = (src: ReadSource) => `the ${src.files} configuration file(s) read`;

/** Sections that narrow a directive to some requests; IfModule and friends are already resolved away. */
function isGlobal(d: ScopedDirective): boolean {
  return !d.scope.some((s) =>
    /^(location|locationmatch|directory|directorymatch|files|filesmatch|virtualhost|proxy)/i.test(s),
  );
}

/** Does the (PCRE) status regex match this status code? Unsupported syntax counts as "unknown" (null). */
function statusMatches(re: string, status: string): boolean | null {
  try {
    return new RegExp(re).test(status);
  } catch {
    return null;
  }
}

const PASSWORD_NAME = /pass|pwd|secret|token|otp|pin/i;

/** Reads CRS facts from setvar actions and the rule files' banner. */
function crsFacts(directives: ScopedDirective[], files: ConfigFile[], src?: ReadSource): CrsFacts {
  const ruleFiles = files.filter(
    (f) => /\/(REQUEST|RESPONSE)-9\d\d[\w.-]*\.conf$/.test(f.path) && !/-(900|999)-EXCLUSION/.test(f.path),
  );
  let version: string | null = null;
  let versionAt: Located | undefined;
  for (const f of ruleFiles) {
    const m = /(?:OWASP (?:ModSecurity )?Core Rule Set|OWASP CRS|Core Rule Set)\s+ver\.?\s*(\d+\.\d+\.\d+)/i.exec(
      f.text.slice(0, 2000),
    );
    if (m) {
      version = m[1]!;
      const line = f.text.slice(0, m.index).split('\n').length;
      versionAt = { file: f.path, line, text: f.text.split('\n')[line - 1]!.trim().slice(0, 300) };
      break;
    }
  }
  const setAt = new Map<string, Located>();
  const setvar = (name: string): number | null => {
    let value: number | null = null;
    const re = new RegExp(`setvar:'?tx\\.${name}=(\\d+)`, 'i');
    for (const d of directives) {
      if (!/^sec(action|rule)$/i.test(d.name)) continue;
      const m = re.exec(d.args[d.args.length - 1] ?? '');
      if (m) {
        value = Number(m[1]);
        setAt.set(name, { file: d.file, line: d.line, text: `${d.name} ${d.args.join(' ')}`.slice(0, 300) });
      }
    }
    return value;
  };
  const setupVersion = setvar('crs_setup_version');
  const installed = ruleFiles.length > 0;
  if (!version && setupVersion) {
    const s = String(setupVersion);
    version = `${s[0]}.${s[1]}.${s.slice(2)}`;
  }
  const major = version ? Number(version.split('.')[0]) : null;
  const paranoia = setvar('blocking_paranoia_level') ?? setvar('paranoia_level');
  const inbound = setvar('inbound_anomaly_score_threshold');
  const outbound = setvar('outbound_anomaly_score_threshold');
  // A setting no setvar states has CRS's documented default (crs-setup.conf.example): say what was read.
  const orDefault = (name: string, what: string, value: number, unset = `setvar:tx.${name}`): Located[] => {
    const line = setAt.get(name);
    if (line) return [line];
    if (!installed || !src) return [];
    return [{ probe: src.probe, text: `no ${unset} in ${filesRead(src)}: CRS's default ${what} ${value} applies` }];
  };
  const setupAt = setAt.get('crs_setup_version');
  const versionLines = versionAt ? [versionAt] : setupAt ? [setupAt] : [];
  const at: CrsFacts['at'] = {
    version: versionLines,
    major: versionLines,
    paranoia_level: setAt.has('blocking_paranoia_level')
      ? [setAt.get('blocking_paranoia_level')!]
      : orDefault('paranoia_level', 'paranoia level', 1, 'setvar:tx.blocking_paranoia_level or tx.paranoia_level'),
    inbound_threshold: orDefault('inbound_anomaly_score_threshold', 'inbound threshold', 5),
    outbound_threshold: orDefault('outbound_anomaly_score_threshold', 'outbound threshold', 4),
  };
  if (!installed && src)
    at.installed = [
      {
        probe: src.probe,
        text: `no REQUEST-9xx/RESPONSE-9xx rule file among ${filesRead(src)}: the Core Rule Set is not included`,
      },
    ];
  return {
    installed,
    version,
    major,
    setup_version: setupVersion,
    paranoia_level: installed ? (paranoia ?? 1) : paranoia,
    executing_paranoia_level:
      setvar('detection_paranoia_level') ?? setvar('executing_paranoia_level') ?? (installed ? (paranoia ?? 1) : null),
    inbound_threshold: inbound ?? (installed ? 5 : null),
    outbound_threshold: outbound ?? (installed ? 4 : null),
    rule_files: ruleFiles.length,
    at,
  };
}

/** Facts about ModSecurity from the effective directive list (Apache: resolved tree; nginx: its rules files). */
export function modsecurityFacts(
  directives: ScopedDirective[],
  files: ConfigFile[],
  loaded: boolean,
  version: 2 | 3 = 2,
  src?: ReadSource,
): ModSecurityFacts {
  const values: Partial<Record<(typeof LAST_WINS)[number], string>> = {};
  const at: ModSecurityFacts['at'] = {};
  const sanitiseAt: SourceLine[] = [];
  const where = (d: ScopedDirective): SourceLine => ({
    file: d.file,
    line: d.line,
    text: `${d.name} ${d.args.join(' ')}`.slice(0, 300),
  });
  const overrides: { value: string; scope: string }[] = [];
  const sanitised = new Set<string>();
  let sanitiseMatched = false;
  let passwordMatched = false;
  for (const d of directives) {
    const lname = d.name.toLowerCase() as (typeof LAST_WINS)[number];
    if ((LAST_WINS as readonly string[]).includes(lname)) {
      if (isGlobal(d)) {
        values[lname] = d.args.join(' ');
        at[lname] = where(d);
      } else if (lname === 'secruleengine') overrides.push({ value: d.args[0] ?? '', scope: d.scope.join(' > ') });
      continue;
    }
    if (/^sec(rule|action)$/i.test(d.name)) {
      const actions = d.args[d.args.length - 1] ?? '';
      for (const m of actions.matchAll(/saniti[sz]eArg:'?([^,'"]+)/gi)) sanitised.add(m[1]!.trim());
      if (/saniti[sz]e(Arg|Matched)/i.test(actions)) sanitiseAt.push(where(d));
      if (/saniti[sz]eMatched(Bytes)?/i.test(actions)) {
        sanitiseMatched = true;
        // sanitiseMatched on a rule over argument names that look like passwords masks those values.
        if (d.name.toLowerCase() === 'secrule' && PASSWORD_NAME.test(`${d.args[0] ?? ''} ${d.args[1] ?? ''}`))
          passwordMatched = true;
      }
    }
  }
  if (loaded && src)
    for (const key of LAST_WINS) {
      const [name, value] = DEFAULTS[key];
      at[key] ??= { probe: src.probe, text: `${name} is not set in ${filesRead(src)}: the default ${value} applies` };
    }
  at.password_masked = sanitiseAt.length
    ? sanitiseAt
    : loaded && src
      ? [{ probe: src.probe, text: `no SecRule or SecAction with sanitiseArg/sanitiseMatched in ${filesRead(src)}` }]
      : [];
  const parts = (values.secauditlogparts ?? 'ABCFHZ').replace(/["']/g, '').toUpperCase();
  const has = (p: string) => parts.includes(p);
  const auditEngine = values.secauditengine ?? 'Off';
  const relevant = values.secauditlogrelevantstatus?.replace(/^["']|["']$/g, '') ?? null;
  const responseBodyAccess = (values.secresponsebodyaccess ?? 'Off').toLowerCase() === 'on';
  const auditOn = auditEngine.toLowerCase() === 'on';
  const successLogged =
    auditOn ||
    (auditEngine.toLowerCase() === 'relevantonly' &&
      relevant !== null &&
      (statusMatches(relevant, '200') === true || statusMatches(relevant, '302') === true));
  const limit = values.secrequestbodylimit ? Number(values.secrequestbodylimit) : null;
  return {
    loaded,
    rule_engine: values.secruleengine ?? 'Off',
    rule_engine_overrides: overrides,
    request_body_access: (values.secrequestbodyaccess ?? 'Off').toLowerCase() === 'on',
    response_body_access: responseBodyAccess,
    audit_engine: auditEngine,
    audit_relevant_status: relevant,
    audit_logs_success: successLogged,
    audit_log_parts: parts,
    parts: { B: has('B'), C: has('C'), E: has('E'), F: has('F'), H: has('H'), I: has('I'), K: has('K') },
    version,
    audit_request_body:
      (has('C') || (version === 2 && has('I'))) && (values.secrequestbodyaccess ?? 'Off').toLowerCase() === 'on',
    audit_response_body: has('E') && responseBodyAccess,
    audit_log_format: values.secauditlogformat ?? 'Native',
    audit_log: values.secauditlog?.replace(/^\|.*/, '') || null,
    audit_log_type: values.secauditlogtype ?? 'Serial',
    audit_log_storage_dir: values.secauditlogstoragedir ?? null,
    request_body_limit: limit !== null && Number.isFinite(limit) ? limit : null,
    sanitised_args: [...sanitised].sort(),
    sanitise_matched: sanitiseMatched,
    password_masked: [...sanitised].some((a) => PASSWORD_NAME.test(a)) || passwordMatched,
    crs: crsFacts(directives, files, src),
    at,
    sanitise_at: sanitiseAt,
  };
}
