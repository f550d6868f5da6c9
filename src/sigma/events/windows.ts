// Windows log-source routing (channel + EventID -> Sigma product/service/category, after the Sigma taxonomy
// appendix) and the evtx_dump JSON event view (Event.System, Event.EventData, Event.UserData).
import type { EventLogSource, SigmaEvent } from '../types.js';

export const SYSMON_CATEGORIES: Record<number, string[]> = {
  1: ['process_creation'],
  2: ['file_change'],
  3: ['network_connection'],
  4: ['sysmon_status'],
  5: ['process_termination'],
  6: ['driver_load'],
  7: ['image_load'],
  8: ['create_remote_thread'],
  9: ['raw_access_thread'],
  10: ['process_access'],
  11: ['file_event'],
  12: ['registry_event', 'registry_add', 'registry_delete'],
  13: ['registry_event', 'registry_set'],
  14: ['registry_event', 'registry_rename'],
  15: ['create_stream_hash'],
  16: ['sysmon_status'],
  17: ['pipe_created'],
  18: ['pipe_created'],
  19: ['wmi_event'],
  20: ['wmi_event'],
  21: ['wmi_event'],
  22: ['dns_query'],
  23: ['file_delete'],
  24: ['clipboard_capture'],
  25: ['process_tampering'],
  26: ['file_delete', 'file_delete_detected'],
  27: ['file_block_executable'],
  28: ['file_block_shredding'],
  29: ['file_executable_detected'],
  255: ['sysmon_error'],
};

export const CHANNEL_SERVICES: Record<string, string> = {
  security: 'security',
  system: 'system',
  application: 'application',
  'microsoft-windows-sysmon/operational': 'sysmon',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-dns client events/operational': 'dns-client',
  'dns server': 'dns-server',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'microsoft-windows-wmi-activity/operational': 'wmi',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  'msexchange management': 'msexchange-management',
  'openssh/operational': 'openssh',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-iis-configuration/operational': 'iis-configuration',
  'microsoft-windows-driverframeworks-usermode/operational': 'driver-framework',
  'microsoft-windows-dns-server/analytical': 'dns-server-analytic',
};

/** Routes by channel, then EventID: two lookups, no key string built per event. */
const cache = new Map<string, Map<number | undefined, EventLogSource>>();

/** Routes a Windows event by its channel and EventID. */
export function routeWindows(channel: string | undefined, eventId: number | undefined): EventLogSource {
  let byId = cache.get(channel ?? '');
  if (!byId) {
    // Bounded: odd input (random channel names) must not grow it without end.
    if (cache.size >= 4_096) cache.clear();
    byId = new Map();
    cache.set(channel ?? '', byId);
  }
  let ls = byId.get(eventId);
  if (ls) return ls;
  const ch = (channel ?? '').toLowerCase();
  const services: string[] = [];
  const categories: string[] = [];
  const svc = CHANNEL_SERVICES[ch];
  if (svc) services.push(svc);
  if (svc === 'sysmon' && eventId !== undefined) categories.push(...(SYSMON_CATEGORIES[eventId] ?? []));
  if (svc === 'security' && eventId === 4688) categories.push('process_creation');
  if (svc === 'powershell') {
    if (eventId === 4103) categories.push('ps_module');
    if (eventId === 4104) categories.push('ps_script');
  }
  if (svc === 'powershell-classic') {
    if (eventId === 400) categories.push('ps_classic_start');
    if (eventId === 600) categories.push('ps_classic_provider_start');
    if (eventId === 800) categories.push('ps_classic_script');
  }
  ls = { product: 'windows', categories, services };
  if (byId.size >= 4_096) byId.clear();
  byId.set(eventId, ls);
  return ls;
}

/** Security 4688 carries process creation under other names; Sigma rules use the Sysmon names. */
export const SECURITY_4688_FIELDS: Record<string, string> = {
  Image: 'NewProcessName',
  ParentImage: 'ParentProcessName',
  User: 'SubjectUserName',
  ProcessId: 'NewProcessId',
};

function text(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '#text' in (v as object))
    return (v as Record<string, unknown>)['#text'];
  return v;
}

function attr(v: unknown, name: string): unknown {
  return (v as { '#attributes'?: Record<string, unknown> } | undefined)?.['#attributes']?.[name];
}

type Obj = Record<string, unknown>;

/**
 * Windows Defender and other providers name EventData fields with spaces ("Threat Name", "Process Name"); Sigma
 * rules, like SigmaHQ's own regression tooling, name them without ("ThreatName"). Maps the spaceless form to the
 * written name, or undefined when no field name holds a space (the common case costs one scan of the keys).
 */
export function spacedNames(data: Obj): Map<string, string> | undefined {
  let names: Map<string, string> | undefined;
  for (const k of Object.keys(data)) {
    if (!k.includes(' ')) continue;
    const spaceless = k.replace(/ +/g, '');
    if (spaceless in data) continue; // a field really named that way wins
    names ??= new Map();
    if (!names.has(spaceless)) names.set(spaceless, k);
  }
  return names;
}

/** Collects leaf values of a JSON value. */
export function leaves(v: unknown, out: unknown[]): unknown[] {
  if (v === null || v === undefined) return out;
  if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (typeof v === 'object') for (const x of Object.values(v as Obj)) leaves(x, out);
  else out.push(v);
  return out;
}

/** One evtx_dump JSON record, read in place. */
export class EvtxEvent implements SigmaEvent {
  readonly logsource: EventLogSource;
  private timeCache: number | undefined | null = null;
  private readonly sys: Obj;
  private data: Obj;
  private readonly spaced: Map<string, string> | undefined;
  private readonly is4688: boolean;

  constructor(
    readonly raw: { Event: Obj },
    logsource?: EventLogSource,
  ) {
    const ev = raw.Event;
    this.sys = (ev.System ?? {}) as Obj;
    let data = (ev.EventData ?? {}) as Obj;
    // Classic events: EventData.Data = [{#attributes: {Name}, #text}] or a list of strings.
    if (Array.isArray(data.Data) || (data.Data && typeof data.Data === 'object')) {
      const items = Array.isArray(data.Data) ? data.Data : [data.Data];
      const named: Obj = {};
      items.forEach((d, i) => {
        const n = attr(d, 'Name');
        named[typeof n === 'string' ? n : `Data${i}`] = text(d);
      });
      data = { ...data, ...named };
    }
    if (ev.UserData && typeof ev.UserData === 'object') {
      // UserData wraps its fields in one provider-specific element.
      for (const inner of Object.values(ev.UserData as Obj))
        if (inner && typeof inner === 'object') data = { ...(inner as Obj), ...data };
    }
    this.data = data;
    this.spaced = spacedNames(data);
    const id = Number(text(this.sys.EventID));
    const channel = typeof this.sys.Channel === 'string' ? this.sys.Channel : undefined;
    this.logsource = logsource ?? routeWindows(channel, Number.isNaN(id) ? undefined : id);
    this.is4688 = id === 4688 && channel === 'Security';
  }

  /** Parsed on first use: only correlations and estimates need it. */
  get time(): number | undefined {
    if (this.timeCache === null) {
      const st = attr(this.sys.TimeCreated, 'SystemTime');
      const t = typeof st === 'string' ? Date.parse(st) : Number.NaN;
      this.timeCache = Number.isNaN(t) ? undefined : t;
    }
    return this.timeCache;
  }

  get(field: string): unknown {
    const d = this.data[field];
    if (d !== undefined) return d;
    const spaced = this.spaced?.get(field);
    if (spaced !== undefined) return this.data[spaced];
    if (this.is4688 && SECURITY_4688_FIELDS[field]) return this.data[SECURITY_4688_FIELDS[field]!];
    switch (field) {
      case 'EventID':
        return text(this.sys.EventID);
      case 'Provider_Name':
        return attr(this.sys.Provider, 'Name');
      case 'Provider_Guid':
        return attr(this.sys.Provider, 'Guid');
      case 'Security_UserID':
        return attr(this.sys.Security, 'UserID');
      case 'ProcessID':
        return attr(this.sys.Execution, 'ProcessID');
      case 'ThreadID':
        return attr(this.sys.Execution, 'ThreadID');
      default: {
        const s = this.sys[field];
        if (s !== undefined) return text(s);
        if (field.includes('.')) return dotted(this.raw as Obj, field);
        return undefined;
      }
    }
  }

  values(): unknown[] {
    return leaves(this.data, []);
  }

  valueRecord(): Obj {
    return this.data;
  }
}

export function dotted(obj: Obj, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[part];
  }
  return cur;
}
