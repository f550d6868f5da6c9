// Alerts for the dry-run: loading (JSON object or array, validated), the entities they name (attacker IP, host, user,
// domain…), what counts as protected (internal ranges, critical assets, break-glass and service accounts) and the
// mutations that turn a plausible alert into a dangerous false positive.
import { basename } from 'node:path';
import { INPUT_LIMITS, parseJsonText, readInputText } from '../util/input-file.js';
import { InputError, compileSchema } from '../util/validate.js';
import type { EntityKind } from './model.js';
import { ipCategory, isIp } from './net.js';

export type AlertOrigin = 'sample' | 'false-positive' | 'mutation';
export type MutationKind = 'internal-ip' | 'domain-controller' | 'break-glass';

export interface Entity {
  kind: EntityKind;
  value: string;
  /** Alert field the value came from. */
  field: string;
  /** For IPs: whether this is the source (attacker) side. */
  role?: 'source' | 'destination';
}

export interface Alert {
  /** Stable label: "<file>#<index>" or "<base>~<mutation>". */
  id: string;
  title?: string;
  origin: AlertOrigin;
  mutation?: MutationKind;
  data: Record<string, unknown>;
  entities: Entity[];
}

const ALERT_FILE_SCHEMA = {
  anyOf: [
    { type: 'object', minProperties: 1 },
    { type: 'array', minItems: 1, items: { type: 'object', minProperties: 1 } },
  ],
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Flattens nested objects into lower-cased dotted keys ("source.ip"), keeping scalars and scalar lists. */
export function flatten(o: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isObj(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k.toLowerCase()}` : k.toLowerCase(), out);
  } else if (prefix) out.set(prefix, o);
  return out;
}

const FIELD_SYNONYMS: { kind: EntityKind; role?: 'source' | 'destination'; keys: string[] }[] = [
  {
    kind: 'ip',
    role: 'source',
    keys: [
      'source.ip',
      'src_ip',
      'source_ip',
      'srcip',
      'src',
      'client.ip',
      'client_ip',
      'c-ip',
      'remote_addr',
      'remote_ip',
      'attacker_ip',
      'attacker.ip',
      'ipaddress',
      'sourceip',
      'sourceaddress',
      'src_addr',
      'ip',
      'sourceipaddress',
    ],
  },
  {
    kind: 'ip',
    role: 'destination',
    keys: ['destination.ip', 'dst_ip', 'dest_ip', 'destinationip', 'dst', 'destinationaddress'],
  },
  {
    kind: 'host',
    keys: [
      'host.name',
      'host.hostname',
      'hostname',
      'host',
      'computer',
      'computername',
      'device.name',
      'device_name',
      'endpoint',
      'workstationname',
      'agent.hostname',
      'dest_host',
    ],
  },
  {
    kind: 'user',
    keys: [
      'user.name',
      'username',
      'user',
      'targetusername',
      'subjectusername',
      'account',
      'account_name',
      'user_name',
      'userprincipalname',
      'samaccountname',
    ],
  },
  { kind: 'domain', keys: ['domain', 'url.domain', 'dns.question.name', 'queryname', 'destination.domain'] },
  { kind: 'hash', keys: ['file.hash.sha256', 'sha256', 'file.hash.md5', 'md5', 'hash'] },
  { kind: 'url', keys: ['url', 'url.original', 'request_url', 'url.full'] },
];

export function extractEntities(data: Obj): Entity[] {
  const flat = flatten(data);
  const out: Entity[] = [];
  const seen = new Set<string>();
  for (const syn of FIELD_SYNONYMS) {
    for (const key of syn.keys) {
      const v = flat.get(key);
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      const value = String(v);
      if (value === '' || (syn.kind === 'ip' && !isIp(value))) continue;
      const k = `${syn.kind}|${value}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ kind: syn.kind, value, field: key, role: syn.role });
    }
  }
  return out;
}

/** Case-insensitive lookup of a dotted path in an alert ("source.ip", "incident.sourceip"). */
export function lookupField(data: Obj, path: string): unknown {
  const flat = flatten(data);
  const p = path.toLowerCase().replace(/^(alert|incident|event)\./, '');
  if (flat.has(p)) return flat.get(p);
  // Nested objects or lists addressed by their own key.
  let cur: unknown = data;
  for (const part of p.split('.')) {
    if (!isObj(cur)) return undefined;
    const key = Object.keys(cur).find((k) => k.toLowerCase() === part);
    if (key === undefined) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function makeAlert(data: Obj, id: string, origin: AlertOrigin): Alert {
  const title = [data.title, data.rule, data.name, data.rule_name].find((x) => typeof x === 'string') as
    | string
    | undefined;
  const fp = data.false_positive === true || data.falsePositive === true;
  return {
    id,
    title,
    origin: fp && origin === 'sample' ? 'false-positive' : origin,
    data,
    entities: extractEntities(data),
  };
}

/** Reads an alert file (one object or an array of them). */
export function loadAlertFile(file: string, origin: AlertOrigin = 'sample'): Alert[] {
  const doc = parseJsonText(readInputText(file, { maxBytes: INPUT_LIMITS.jsonBytes }), file);
  if (!compileSchema(ALERT_FILE_SCHEMA)(doc))
    throw new InputError(file, 'an alert file holds one JSON object or a non-empty array of objects');
  const list = (Array.isArray(doc) ? doc : [doc]) as Obj[];
  const name = basename(file);
  return list.map((d, i) => makeAlert(d, list.length === 1 ? name : `${name}#${i + 1}`, origin));
}

// ---- Protected entities

export interface ProtectedSets {
  /** Address ranges the organisation owns besides RFC 1918 (CIDRs). */
  own_ranges: string[];
  /** Host names or prefixes of critical assets (domain controllers, the SIEM itself…). */
  critical_assets: string[];
  /** Account names that must never be disabled automatically (break-glass, service accounts). */
  protected_accounts: string[];
}

export const DEFAULT_PROTECTED: ProtectedSets = { own_ranges: [], critical_assets: [], protected_accounts: [] };

const CRITICAL_HOST = new RegExp(
  String.raw`^(dc|pdc|rodc|ad|adds|dc-\w+)\d*([.-]|$)|domain.?controller|` +
    String.raw`(^|[.-])(siem|splunk|wazuh|qradar|sentinel|elastic|soar)\d*([.-]|` +
    '$)',
  'i',
);
const PROTECTED_USER =
  /break.?glass|emergency|^(admin|administrator|root|krbtgt)$|^svc[_.-]|[_.-]svc$|^service[_.-]|[_.-]sa$/i;

/** Why an entity must not be the object of an automatic containment, or undefined when nothing protects it. */
export function protectedReason(e: Entity, sets: ProtectedSets = DEFAULT_PROTECTED): string | undefined {
  const v = e.value.toLowerCase();
  switch (e.kind) {
    case 'ip': {
      const cat = ipCategory(e.value, sets.own_ranges);
      if (cat === 'internal') return 'internal address (RFC 1918/loopback/link-local)';
      if (cat === 'own') return "organisation's own address range";
      return undefined;
    }
    case 'host': {
      const short = v.split('.')[0] ?? v;
      if (sets.critical_assets.some((a) => a.toLowerCase() === v || a.toLowerCase() === short)) return 'critical asset';
      return CRITICAL_HOST.test(v) ? 'critical asset (domain controller or security infrastructure)' : undefined;
    }
    case 'user': {
      if (sets.protected_accounts.some((a) => a.toLowerCase() === v)) return 'protected account';
      return PROTECTED_USER.test(v.replace(/^.*\\/, '').replace(/@.*$/, ''))
        ? 'break-glass, administrative or service account'
        : undefined;
    }
    default:
      return undefined;
  }
}

// ---- Mutations

const MUTATION_VALUES: Record<
  MutationKind,
  { kind: EntityKind; value: string; field: [string, string]; pick: (e: Entity) => boolean }
> = {
  'internal-ip': {
    kind: 'ip',
    value: '10.20.30.40',
    field: ['source', 'ip'],
    pick: (e) => e.kind === 'ip' && e.role === 'source',
  },
  'domain-controller': {
    kind: 'host',
    value: 'dc01.corp.example',
    field: ['host', 'name'],
    pick: (e) => e.kind === 'host',
  },
  'break-glass': { kind: 'user', value: 'breakglass-admin', field: ['user', 'name'], pick: (e) => e.kind === 'user' },
};

function replaceDeep(x: unknown, from: string, to: string): unknown {
  if (typeof x === 'string') return x.split(from).join(to);
  if (Array.isArray(x)) return x.map((i) => replaceDeep(i, from, to));
  if (isObj(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return x;
}

/**
 * The dangerous twins of an alert: the attacker IP replaced by an internal address, the host by a domain controller,
 * the user by a break-glass account. An alert that does not name the entity gets it added under its ECS field
 * (source.ip, host.name, user.name): a false positive without entities still shows what a playbook would do to them.
 */
export function mutateAlert(alert: Alert): Alert[] {
  const out: Alert[] = [];
  for (const [kind, m] of Object.entries(MUTATION_VALUES) as [MutationKind, (typeof MUTATION_VALUES)[MutationKind]][]) {
    const entity = alert.entities.find(m.pick);
    let data: Obj;
    if (entity) data = replaceDeep(alert.data, entity.value, m.value) as Obj;
    else {
      data = structuredClone(alert.data);
      const [outer, inner] = m.field;
      data[outer] = { ...(isObj(data[outer]) ? data[outer] : {}), [inner]: m.value };
    }
    delete data.false_positive;
    const mutated = makeAlert(data, `${alert.id}~${kind}`, 'mutation');
    mutated.mutation = kind;
    out.push(mutated);
  }
  return out;
}
