// JSON event views: flat JSON/NDJSON, ECS and Winlogbeat, web access logs written as JSON, ModSecurity JSON audit
// logs. Each maps Sigma field names onto the document's own paths; nothing is copied.
import type { EventLogSource, LogSource, SigmaEvent } from '../types.js';
import { EvtxEvent, SECURITY_4688_FIELDS, dotted, leaves, routeWindows, spacedNames } from './windows.js';

type Obj = Record<string, unknown>;
const UNROUTED: EventLogSource = { categories: [], services: [] };

export function fixedLogsource(ls: LogSource | undefined): EventLogSource | undefined {
  if (!ls) return undefined;
  return {
    product: ls.product,
    categories: ls.category ? [ls.category] : [],
    services: ls.service ? [ls.service] : [],
  };
}

export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  if (typeof v !== 'string' || !v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return parseTime(Number(v));
  // Apache/nginx: 10/Oct/2000:13:55:36 -0700
  const clf = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/.exec(v);
  if (clf) return Date.parse(`${clf[2]} ${clf[1]} ${clf[3]} ${clf[4]}:${clf[5]}:${clf[6]} GMT${clf[7]}`);
  const t = Date.parse(
    /^\d{4}-\d{2}-\d{2} \d/.test(v) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v,
  );
  return Number.isNaN(t) ? undefined : t;
}

const TIME_KEYS = [
  '@timestamp',
  'timestamp',
  'time',
  'TimeCreated',
  'UtcTime',
  'EventTime',
  'date',
  'ts',
  'time_local',
  'time_iso8601',
];

/** A flat (or nested, read by dotted paths) JSON object. Windows fields route it when present. */
export class FlatEvent implements SigmaEvent {
  readonly logsource: EventLogSource;
  readonly time?: number;
  private readonly is4688: boolean;
  private spaced: Map<string, string> | undefined | null = null;
  constructor(
    readonly raw: Obj,
    logsource?: EventLogSource,
  ) {
    const ch = raw.Channel;
    const id = raw.EventID;
    this.is4688 = Number(id) === 4688 && ch === 'Security';
    this.logsource =
      logsource ?? (typeof ch === 'string' && id !== undefined ? routeWindows(ch, Number(id)) : UNROUTED);
    for (const k of TIME_KEYS) {
      const t = parseTime(raw[k]);
      if (t !== undefined) {
        this.time = t;
        break;
      }
    }
  }
  get(field: string): unknown {
    const v = this.raw[field];
    if (v !== undefined) return v;
    if (this.is4688 && SECURITY_4688_FIELDS[field]) return this.raw[SECURITY_4688_FIELDS[field]!];
    if (field.includes('.')) return dotted(this.raw, field);
    // Field names with spaces ("Threat Name" in a Defender export) answer to their spaceless Sigma name; looked up
    // only when a field is missing, and built once per event.
    if (this.spaced === null) this.spaced = spacedNames(this.raw);
    const spaced = this.spaced?.get(field);
    return spaced === undefined ? undefined : this.raw[spaced];
  }
  values(): unknown[] {
    return leaves(this.raw, []);
  }
  valueRecord(): Obj {
    return this.raw;
  }
}

/** Sigma field -> ECS paths (Elastic Agent / Endpoint, Sysmon through Winlogbeat's ECS processors). */
export const ECS_FIELDS: Record<string, string[]> = {
  Image: ['process.executable'],
  CommandLine: ['process.command_line'],
  ParentImage: ['process.parent.executable'],
  ParentCommandLine: ['process.parent.command_line'],
  ProcessId: ['process.pid'],
  ParentProcessId: ['process.parent.pid'],
  OriginalFileName: ['process.pe.original_file_name'],
  CurrentDirectory: ['process.working_directory'],
  User: ['user.name'],
  Hashes: ['process.hash.sha256'],
  TargetFilename: ['file.path'],
  ImageLoaded: ['dll.path', 'file.path'],
  TargetObject: ['registry.path'],
  Details: ['registry.data.strings'],
  DestinationIp: ['destination.ip'],
  DestinationPort: ['destination.port'],
  DestinationHostname: ['destination.domain'],
  SourceIp: ['source.ip'],
  SourcePort: ['source.port'],
  QueryName: ['dns.question.name'],
  Computer: ['host.name'],
  'c-ip': ['source.ip', 'client.ip'],
  'cs-method': ['http.request.method'],
  'cs-uri-stem': ['url.path'],
  'cs-uri-query': ['url.query'],
  'sc-status': ['http.response.status_code'],
  'cs-user-agent': ['user_agent.original'],
  'cs-referer': ['http.request.referrer'],
  request_body: ['http.request.body.content'],
  response_body: ['http.response.body.content'],
};

/** ECS documents, Winlogbeat's included (winlog.event_data.* carries the Windows fields under their own names). */
export class EcsEvent implements SigmaEvent {
  readonly logsource: EventLogSource;
  readonly time?: number;
  private readonly eventData?: Obj;
  private readonly spaced: Map<string, string> | undefined;
  constructor(
    readonly raw: Obj,
    logsource?: EventLogSource,
  ) {
    const winlog = raw.winlog as Obj | undefined;
    this.eventData = (winlog?.event_data ?? undefined) as Obj | undefined;
    this.spaced = this.eventData ? spacedNames(this.eventData) : undefined;
    this.time = parseTime(raw['@timestamp']);
    if (logsource) this.logsource = logsource;
    else if (winlog)
      this.logsource = routeWindows(
        winlog.channel as string | undefined,
        Number(winlog.event_id ?? (raw.event as Obj | undefined)?.code),
      );
    else this.logsource = routeEcs(raw);
  }
  get(field: string): unknown {
    if (this.eventData) {
      const v = this.eventData[field];
      if (v !== undefined) return v;
      const spaced = this.spaced?.get(field);
      if (spaced !== undefined) return this.eventData[spaced];
      const winlog = this.raw.winlog as Obj;
      if (field === 'EventID') return winlog.event_id ?? (this.raw.event as Obj | undefined)?.code;
      if (field === 'Channel') return winlog.channel;
      if (field === 'Provider_Name') return winlog.provider_name;
      if (field === 'Computer') return winlog.computer_name ?? dotted(this.raw, 'host.name');
    }
    const direct = dotted(this.raw, field);
    if (direct !== undefined) return direct;
    for (const p of ECS_FIELDS[field] ?? []) {
      const v = dotted(this.raw, p);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  values(): unknown[] {
    return leaves(this.eventData ?? this.raw, []);
  }
  valueRecord(): Obj {
    return this.eventData ?? this.raw;
  }
}

function routeEcs(raw: Obj): EventLogSource {
  const ev = (raw.event ?? {}) as Obj;
  const cats = ([] as unknown[]).concat(ev.category ?? []).map(String);
  const types = ([] as unknown[]).concat(ev.type ?? []).map(String);
  const os = String(dotted(raw, 'host.os.type') ?? dotted(raw, 'host.os.family') ?? '').toLowerCase();
  const product = os.includes('windows')
    ? 'windows'
    : os.includes('linux')
      ? 'linux'
      : os.includes('mac')
        ? 'macos'
        : undefined;
  const categories: string[] = [];
  if (cats.includes('process') && types.includes('start')) categories.push('process_creation');
  if (cats.includes('network')) categories.push('network_connection');
  if (cats.includes('file') && types.includes('creation')) categories.push('file_event');
  if (cats.includes('web') || raw.http) categories.push('webserver');
  return { product, categories, services: [] };
}

/** Splits "POST /a/b?x=1 HTTP/1.1" into method, stem, query and version. */
export function splitRequestLine(line: string): { method?: string; stem?: string; query?: string; version?: string } {
  const m = /^(\S+)\s+(\S+)(?:\s+(\S+))?$/.exec(line.trim());
  if (!m) return {};
  const uri = m[2]!;
  const q = uri.indexOf('?');
  return { method: m[1], stem: q < 0 ? uri : uri.slice(0, q), query: q < 0 ? '' : uri.slice(q + 1), version: m[3] };
}

const WEB_JSON_KEYS: Record<string, string[]> = {
  'c-ip': ['c-ip', 'remote', 'remote_addr', 'client_ip', 'clientip', 'ip', 'src_ip'],
  'cs-username': ['cs-username', 'remote_user', 'user'],
  'sc-status': ['sc-status', 'status', 'status_code'],
  'sc-bytes': ['sc-bytes', 'body_bytes_sent', 'bytes_sent', 'bytes'],
  'cs-bytes': ['cs-bytes', 'request_length'],
  'cs-user-agent': ['cs-user-agent', 'http_user_agent', 'user_agent', 'ua', 'agent'],
  'cs-referer': ['cs-referer', 'http_referer', 'referer', 'referrer'],
  'cs-host': ['cs-host', 'host', 'http_host', 'server_name'],
  request_body: ['request_body', 'body', 'req_body'],
  response_body: ['response_body', 'resp_body'],
};

/** An access log written as JSON (nginx log_format escape=json, Apache JSON formats). */
export class WebJsonEvent implements SigmaEvent {
  readonly logsource: EventLogSource;
  readonly time?: number;
  private readonly req: ReturnType<typeof splitRequestLine>;
  constructor(
    readonly raw: Obj,
    logsource?: EventLogSource,
  ) {
    this.logsource = logsource ?? { categories: ['webserver'], services: [] };
    const line = raw.request ?? raw.req ?? raw.request_line;
    this.req = typeof line === 'string' ? splitRequestLine(line) : {};
    for (const k of TIME_KEYS) {
      const t = parseTime(raw[k]);
      if (t !== undefined) {
        this.time = t;
        break;
      }
    }
  }
  get(field: string): unknown {
    switch (field) {
      case 'cs-method':
        return this.raw['cs-method'] ?? this.raw.method ?? this.raw.request_method ?? this.req.method;
      case 'cs-uri-stem':
        return this.raw['cs-uri-stem'] ?? this.raw.uri ?? this.raw.path ?? this.req.stem;
      case 'cs-uri-query':
        return this.raw['cs-uri-query'] ?? this.raw.query_string ?? this.raw.args ?? this.req.query;
      case 'cs-uri':
      case 'c-uri':
        return (
          this.raw.request_uri ??
          (this.req.stem !== undefined ? `${this.req.stem}${this.req.query ? `?${this.req.query}` : ''}` : undefined)
        );
      case 'cs-version':
        return this.raw['cs-version'] ?? this.raw.server_protocol ?? this.req.version;
    }
    for (const k of WEB_JSON_KEYS[field] ?? [field]) {
      const v = this.raw[k];
      if (v !== undefined) return v;
    }
    return field.includes('.') ? dotted(this.raw, field) : undefined;
  }
  values(): unknown[] {
    return leaves(this.raw, []);
  }
}

/** ModSecurity JSON audit log (mod_security2 `SecAuditLogFormat JSON` and libmodsecurity v3). */
export class ModsecEvent implements SigmaEvent {
  readonly logsource: EventLogSource;
  readonly time?: number;
  private readonly tx: Obj;
  private readonly request: Obj;
  private readonly response: Obj;
  private readonly req: ReturnType<typeof splitRequestLine>;
  constructor(
    readonly raw: Obj,
    logsource?: EventLogSource,
  ) {
    this.tx = (raw.transaction ?? {}) as Obj;
    this.request = (raw.request ?? this.tx.request ?? {}) as Obj;
    this.response = (raw.response ?? this.tx.response ?? {}) as Obj;
    this.logsource = logsource ?? { product: 'modsecurity', categories: ['webserver'], services: [] };
    this.req =
      typeof this.request.request_line === 'string'
        ? splitRequestLine(this.request.request_line)
        : splitRequestLine(
            `${this.request.method ?? ''} ${this.request.uri ?? ''} HTTP/${this.request.http_version ?? ''}`,
          );
    this.time = parseTime(this.tx.time ?? this.tx.time_stamp);
  }
  private header(name: string): unknown {
    const h = (this.request.headers ?? {}) as Obj;
    for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v;
    return undefined;
  }
  private messages(): Obj[] {
    const m = (this.raw.audit_data as Obj | undefined)?.messages ?? this.tx.messages ?? [];
    return Array.isArray(m) ? (m as Obj[]) : [];
  }
  get(field: string): unknown {
    switch (field) {
      case 'c-ip':
        return this.tx.remote_address ?? this.tx.client_ip;
      case 'cs-method':
        return this.req.method;
      case 'cs-uri-stem':
        return this.req.stem;
      case 'cs-uri-query':
        return this.req.query;
      case 'cs-version':
        return this.req.version;
      case 'sc-status':
        return this.response.status ?? this.response.http_code;
      case 'cs-user-agent':
        return this.header('user-agent');
      case 'cs-referer':
        return this.header('referer');
      case 'cs-host':
        return this.header('host');
      case 'request_body': {
        const b = this.request.body;
        return Array.isArray(b) ? b.join('') : b;
      }
      case 'response_body': {
        const b = this.response.body;
        return Array.isArray(b) ? b.join('') : b;
      }
      case 'modsec_rule_id':
        return this.messages().map((m) =>
          typeof m === 'string' ? /\[id "(\d+)"\]/.exec(m)?.[1] : (m.details as Obj | undefined)?.ruleId,
        );
      case 'modsec_message':
        return this.messages().map((m) => (typeof m === 'string' ? m : m.message));
    }
    return dotted(this.raw, field);
  }
  values(): unknown[] {
    return leaves(this.raw, []);
  }
}

/** Picks the view for one parsed JSON document. */
export function wrapJson(obj: unknown, logsource?: EventLogSource): SigmaEvent | undefined {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Obj;
  if (o.Event && typeof o.Event === 'object' && (o.Event as Obj).System) {
    return new EvtxEvent(o as { Event: Obj }, logsource);
  }
  if (o.winlog || (o['@timestamp'] !== undefined && (o.event || o.process || o.ecs))) return new EcsEvent(o, logsource);
  if (o.transaction && typeof o.transaction === 'object' && (o.request || (o.transaction as Obj).request))
    return new ModsecEvent(o, logsource);
  if (
    (typeof o.request === 'string' || typeof o.req === 'string' || typeof o.request_line === 'string') &&
    (o.status !== undefined || o['sc-status'] !== undefined)
  ) {
    return new WebJsonEvent(o, logsource);
  }
  return new FlatEvent(o, logsource);
}
