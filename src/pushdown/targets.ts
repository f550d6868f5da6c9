// One field-mapping table and log-source routing per SIEM, and the conversion of one Sigma rule document into each
// query language. A log source may reach a SIEM by several paths (Sysmon and Security 4688 for process creation):
// each path is a branch with its own field names; a branch whose fields are not all mapped is left out and said so.
import { ECS_FIELDS } from '../sigma/events/json.js';
import { SECURITY_4688_FIELDS } from '../sigma/events/windows.js';
import type { CompileOptions, LogSource } from '../sigma/types.js';
import { toQueryDsl } from './dsl.js';
import { toEsqlWhere } from './esql.js';
import { and, detectionQuery, type FieldMapper, or, type Q, Unconvertible } from './ir.js';
import { toKqlWhere } from './kql.js';
import { toLucene } from './lucene.js';
import { type WindowsRoute, windowsRoutes } from './routing.js';
import { toSpl } from './spl.js';

export type SiemTarget = 'elastic' | 'splunk' | 'sentinel';
export type Language = 'dsl' | 'lucene' | 'esql' | 'spl' | 'kql';
/** The first language of each target is the one counts use by default. */
export const LANGUAGES: Record<SiemTarget, Language[]> = {
  elastic: ['dsl', 'lucene', 'esql'],
  splunk: ['spl'],
  sentinel: ['kql'],
};

const lit = (field: string, s: string | number): Q => ({
  t: 'str',
  field,
  p: { parts: [{ t: 'lit', s: String(s) }] },
  cased: false,
  ...(typeof s === 'number' ? { num: s } : {}),
});
// Routing values are written as strings: event.code and EventCode are keyword fields (ES|QL compares types strictly).
const anyOf = (field: string, values: (string | number)[]): Q => or(values.map((v) => lit(field, String(v))));

/** One way a log source's events reach the SIEM: which events (where), under which field names (map). */
export interface Branch {
  label: string;
  where: Q | null;
  map: FieldMapper;
  /** Sentinel: the table the branch reads. */
  table?: string;
}

const one = (f: string | undefined): string[] | undefined => (f === undefined ? undefined : [f]);

// Elastic: Winlogbeat / Elastic Agent Windows integrations keep event data under winlog.event_data.<Name>, as the
// engine's EcsEvent reads it; Elastic Defend and other ECS sources use the engine's ECS_FIELDS table.
function elasticWindowsMap(route: WindowsRoute): FieldMapper {
  const is4688 = route.service === 'security' && route.eventIds?.length === 1 && route.eventIds[0] === 4688;
  return (f) => {
    if (f === 'EventID') return ['event.code'];
    if (f === 'Channel') return ['winlog.channel'];
    if (f === 'Provider_Name') return ['winlog.provider_name'];
    if (f === 'Computer') return ['winlog.computer_name'];
    if (f.includes('.')) return [f];
    return [`winlog.event_data.${is4688 ? (SECURITY_4688_FIELDS[f] ?? f) : f}`];
  };
}

const ECS_CATEGORY: Record<string, Q> = {
  process_creation: and([lit('event.category', 'process'), lit('event.type', 'start')]),
  network_connection: lit('event.category', 'network'),
  file_event: and([lit('event.category', 'file'), lit('event.type', 'creation')]),
  webserver: or([lit('event.category', 'web'), { t: 'exists', field: 'http.request.method' }]),
};
const ECS_PRODUCT: Record<string, string> = { windows: 'windows', linux: 'linux', macos: 'macos' };

function elasticBranches(ls: LogSource): Branch[] {
  const out: Branch[] = [];
  for (const r of windowsRoutes(ls).routes) {
    const where = and([lit('winlog.channel', r.channel), ...(r.eventIds ? [anyOf('event.code', r.eventIds)] : [])]);
    out.push({
      label: `${r.channel}${r.eventIds ? ` ${r.eventIds.join(',')}` : ''}`,
      where,
      map: elasticWindowsMap(r),
    });
  }
  // ECS-native events (Elastic Defend, Auditbeat, web integrations): routed by event.category like the engine's
  // routeEcs.
  if (ls.category && ECS_CATEGORY[ls.category] && !ls.service) {
    const product = ls.product ? ECS_PRODUCT[ls.product] : undefined;
    if (!ls.product || product) {
      const where = and([ECS_CATEGORY[ls.category]!, ...(product ? [lit('host.os.type', product)] : [])]);
      out.push({
        label: `ECS event.category (${ls.category})`,
        where,
        map: (f) => (f.includes('.') ? [f] : ECS_FIELDS[f]),
      });
    }
  }
  return out;
}

// Splunk: the Splunk Add-on for Microsoft Windows names sources WinEventLog:<channel> (XmlWinEventLog:<channel> when
// rendered as XML) and keeps event data fields under their Windows names, EventID as EventCode, as
// pySigma-backend-splunk's splunk_windows pipeline assumes.
function splunkBranches(ls: LogSource): Branch[] {
  return windowsRoutes(ls).routes.map((r) => {
    const is4688 = r.service === 'security' && r.eventIds?.length === 1 && r.eventIds[0] === 4688;
    const where = and([
      or([lit('source', `WinEventLog:${r.channel}`), lit('source', `XmlWinEventLog:${r.channel}`)]),
      ...(r.eventIds ? [anyOf('EventCode', r.eventIds)] : []),
    ]);
    const map: FieldMapper = (f) =>
      f === 'EventID' ? ['EventCode'] : f === 'Channel' ? ['source'] : [is4688 ? (SECURITY_4688_FIELDS[f] ?? f) : f];
    return { label: `${r.channel}${r.eventIds ? ` ${r.eventIds.join(',')}` : ''}`, where, map };
  });
}

// Sentinel: Windows Security events land in SecurityEvent (event data fields as columns: only those listed here);
// Defender for Endpoint tables hold process, network and file events under their own column names.
const SECURITY_EVENT_COLUMNS = new Set([
  'EventID',
  'Computer',
  'Account',
  'AccountType',
  'Activity',
  'TargetUserName',
  'TargetDomainName',
  'TargetUserSid',
  'TargetLogonId',
  'SubjectUserName',
  'SubjectDomainName',
  'SubjectUserSid',
  'SubjectLogonId',
  'LogonType',
  'LogonProcessName',
  'AuthenticationPackageName',
  'IpAddress',
  'IpPort',
  'WorkstationName',
  'ProcessName',
  'ProcessId',
  'NewProcessName',
  'NewProcessId',
  'ParentProcessName',
  'CommandLine',
  'TokenElevationType',
  'MandatoryLabel',
  'ServiceName',
  'ServiceFileName',
  'ObjectName',
  'ObjectType',
  'ObjectServer',
  'AccessMask',
  'AccessList',
  'ShareName',
  'ShareLocalPath',
  'RelativeTargetName',
  'Status',
  'SubStatus',
  'FailureReason',
  'PrivilegeList',
  'MemberName',
  'MemberSid',
  'TargetSid',
  'CallerProcessName',
  'CallerProcessId',
  'TicketEncryptionType',
  'TicketOptions',
  'Properties',
  'OperationType',
  'ElevatedToken',
  'ImpersonationLevel',
  'KeyLength',
  'LmPackageName',
  'TargetOutboundUserName',
  'TargetOutboundDomainName',
  'SamAccountName',
  'UserPrincipalName',
  'AuditPolicyChanges',
  'CategoryId',
  'SubcategoryGuid',
  'SidHistory',
  'TaskName',
  'TaskContent',
]);
const MDE_PROCESS: Record<string, string> = {
  Image: 'FolderPath',
  CommandLine: 'ProcessCommandLine',
  ParentImage: 'InitiatingProcessFolderPath',
  ParentCommandLine: 'InitiatingProcessCommandLine',
  User: 'AccountName',
  OriginalFileName: 'ProcessVersionInfoOriginalFileName',
  Computer: 'DeviceName',
  ProcessId: 'ProcessId',
  ParentProcessId: 'InitiatingProcessId',
  IntegrityLevel: 'ProcessIntegrityLevel',
  Product: 'ProcessVersionInfoProductName',
  Company: 'ProcessVersionInfoCompanyName',
  Description: 'ProcessVersionInfoFileDescription',
};
const MDE_NETWORK: Record<string, string> = {
  DestinationIp: 'RemoteIP',
  DestinationPort: 'RemotePort',
  DestinationHostname: 'RemoteUrl',
  SourceIp: 'LocalIP',
  SourcePort: 'LocalPort',
  Image: 'InitiatingProcessFolderPath',
  User: 'InitiatingProcessAccountName',
  Computer: 'DeviceName',
  Protocol: 'Protocol',
};
const MDE_FILE: Record<string, string> = {
  TargetFilename: 'FolderPath',
  Image: 'InitiatingProcessFolderPath',
  User: 'InitiatingProcessAccountName',
  Computer: 'DeviceName',
};
const MDE_TABLES: Record<string, [string, Record<string, string>]> = {
  process_creation: ['DeviceProcessEvents', MDE_PROCESS],
  network_connection: ['DeviceNetworkEvents', MDE_NETWORK],
  file_event: ['DeviceFileEvents', MDE_FILE],
};

function sentinelBranches(ls: LogSource): Branch[] {
  const out: Branch[] = [];
  for (const r of windowsRoutes(ls).routes) {
    if (r.service !== 'security') continue;
    const is4688 = r.eventIds?.length === 1 && r.eventIds[0] === 4688;
    const map: FieldMapper = (fld) => {
      const name = fld === 'Provider_Name' ? 'EventSourceName' : is4688 ? (SECURITY_4688_FIELDS[fld] ?? fld) : fld;
      return SECURITY_EVENT_COLUMNS.has(name) || name === 'EventSourceName' ? [name] : undefined;
    };
    out.push({
      label: `SecurityEvent${r.eventIds ? ` ${r.eventIds.join(',')}` : ''}`,
      table: 'SecurityEvent',
      where: r.eventIds ? or(r.eventIds.map((id) => lit('EventID', id))) : null,
      map,
    });
  }
  const mde = ls.product === 'windows' && ls.category && !ls.service ? MDE_TABLES[ls.category] : undefined;
  if (mde) out.push({ label: mde[0], table: mde[0], where: null, map: (fld) => one(mde[1][fld]) });
  return out;
}

const BRANCHES: Record<SiemTarget, (ls: LogSource) => Branch[]> = {
  elastic: elasticBranches,
  splunk: splunkBranches,
  sentinel: sentinelBranches,
};

export interface Conversion {
  rule_id: string;
  title: string;
  level?: string;
  target: SiemTarget;
  /** Present when the rule converted: one query per language of the target. */
  queries?: Partial<Record<Language, string>>;
  /** Paths of the log source that were converted, and those left out with why. */
  branches?: string[];
  notes: string[];
  /** Present when the rule did not convert: the kind of obstacle and exactly what it was. */
  unsupported?: { kind: string; reason: string };
  /** A correlation rule: its queries aggregate (count per group and time bucket) before the per-day count. */
  correlation?: { type: string; timespan: string };
}

function logsourceText(ls: LogSource): string {
  return (
    (['product', 'category', 'service'] as const)
      .filter((k) => ls[k])
      .map((k) => `${k}=${ls[k]}`)
      .join(' ') || '(none)'
  );
}

export interface ConvertOptions extends CompileOptions {
  /** Elasticsearch index pattern for ES|QL's FROM (default: every index the routing reaches). */
  index?: string;
}

export const DEFAULT_ELASTIC_INDEX = 'logs-*,winlogbeat-*';

/** A converted path of a rule: the branch (routing, field names) and the query over it (routing included). */
export interface ConvertedBranch {
  b: Branch;
  q: Q;
}

/**
 * A detection rule's query per path of its log source to this SIEM; paths whose fields are not all mapped are left
 * out (said in `left`). Throws Unconvertible when no path converts or the rule itself cannot be expressed.
 */
export function convertBranches(
  doc: Record<string, unknown>,
  target: SiemTarget,
  opts: CompileOptions = {},
): { converted: ConvertedBranch[]; left: string[] } {
  if (doc.filter) throw new Unconvertible('rule', 'Sigma filter documents are applied by the local engine only');
  const ls = (doc.logsource ?? {}) as LogSource;
  const branches = BRANCHES[target](ls);
  if (branches.length === 0)
    throw new Unconvertible(
      'logsource',
      `log source ${logsourceText(ls)} has no routing to ${target} in socready's table`,
    );
  const converted: ConvertedBranch[] = [];
  const left: string[] = [];
  for (const b of branches) {
    try {
      const q = detectionQuery(doc.detection, b.map, opts);
      converted.push({ b, q: b.where ? and([b.where, q]) : q });
    } catch (e) {
      if (!(e instanceof Unconvertible) || e.kind !== 'field-mapping') throw e;
      left.push(`${b.label}: ${e.reason}`);
    }
  }
  if (converted.length === 0) throw new Unconvertible('field-mapping', left.join('; '));
  return { converted, left };
}

/**
 * Converts one Sigma rule document for one SIEM. Never throws on a rule: what cannot convert is said in `unsupported`.
 */
export function convertRule(doc: Record<string, unknown>, target: SiemTarget, opts: ConvertOptions = {}): Conversion {
  const base = {
    rule_id: String(doc.id ?? doc.name ?? doc.title ?? '(no id)'),
    title: String(doc.title ?? ''),
    target,
    notes: [] as string[],
  };
  const level = typeof doc.level === 'string' ? { level: doc.level } : {};
  const fail = (kind: string, reason: string): Conversion => ({ ...base, ...level, unsupported: { kind, reason } });
  // Correlations need the rules beside them: src/pushdown/correlation.ts converts them.
  if (doc.correlation)
    return fail(
      'correlation',
      `correlation rule (type ${String((doc.correlation as { type?: unknown }).type ?? '?')}) is not pushed ` +
        'down; its base rules are',
    );
  let converted: ConvertedBranch[];
  let left: string[];
  try {
    ({ converted, left } = convertBranches(doc, target, opts));
  } catch (e) {
    if (e instanceof Unconvertible) return fail(e.kind, e.reason);
    throw e;
  }
  const notes = left.map((l) => `path left out: ${l}`);
  const queries: Partial<Record<Language, string>> = {};
  try {
    if (target === 'elastic') {
      const q = or(converted.map((c) => c.q));
      queries.lucene = toLucene(q);
      queries.dsl = JSON.stringify(toQueryDsl(q));
      try {
        queries.esql = `FROM ${opts.index ?? DEFAULT_ELASTIC_INDEX} | WHERE ${toEsqlWhere(q)}`;
      } catch (e) {
        if (!(e instanceof Unconvertible)) throw e;
        notes.push(`ES|QL: ${e.reason}`);
      }
    } else if (target === 'splunk') {
      queries.spl = toSpl(or(converted.map((c) => c.q)));
    } else {
      const parts = converted.map((c) => `${c.b.table} | where ${toKqlWhere(c.q)}`);
      queries.kql = parts.length === 1 ? parts[0] : `union ${parts.map((p) => `(${p})`).join(', ')}`;
    }
  } catch (e) {
    if (e instanceof Unconvertible) return fail(e.kind, e.reason);
    throw e;
  }
  return { ...base, ...level, queries, branches: converted.map((c) => c.b.label), notes };
}

/**
 * A bare conversion without routing or mapping (field names as written), as pySigma's backends convert with no
 * pipeline.
 */
export function convertBare(doc: Record<string, unknown>, language: Language, opts: CompileOptions = {}): string {
  const q = detectionQuery(doc.detection, (fld) => [fld], opts);
  switch (language) {
    case 'lucene':
      return toLucene(q);
    case 'dsl':
      return JSON.stringify(toQueryDsl(q));
    case 'spl':
      return toSpl(q);
    case 'esql':
      return toEsqlWhere(q);
    case 'kql':
      return toKqlWhere(q);
  }
}
