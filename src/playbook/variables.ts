// Variable values during a dry-run: constants and defaults from the playbook, external variables bound to the alert,
// and runtime outputs (out_args) that no dry-run can know. `__name__:value` (CACAO), `{{name}}` (native) and
// `${inputs.X}` (XSOAR) are all substituted the same way.
import { type Alert, lookupField } from './alerts.js';
import { UNKNOWN, type Resolver, type Value } from './condition.js';
import type { EntityKind, Playbook, Variable } from './model.js';

const NAME_HINTS: { re: RegExp; kind: EntityKind; role?: 'source' }[] = [
  {
    re: /(^|[_.])(src|source|attacker|remote|client|bad|malicious)?_?(ip|ipv4|ipv6|addr|address)s?($|[_.])|ip$/i,
    kind: 'ip',
    role: 'source',
  },
  { re: /host|computer|device|endpoint|machine|asset/i, kind: 'host' },
  { re: /user|account|principal/i, kind: 'user' },
  { re: /domain|fqdn/i, kind: 'domain' },
  { re: /hash|sha256|md5/i, kind: 'hash' },
  { re: /url|uri/i, kind: 'url' },
];

/** Bare name of a variable reference: "__x__:value" → "__x__", "${inputs.IP}" → "inputs.IP". */
export function bareName(ref: string): string {
  return ref
    .replace(/^\$\{|\}$/g, '')
    .replace(/:value$/, '')
    .trim();
}

const strip = (n: string) => n.replace(/^__|__$/g, '').replace(/^(inputs|alert|incident|event)\./i, '');

function toValue(x: unknown): Value | typeof UNKNOWN {
  if (x === undefined) return UNKNOWN;
  if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  if (Array.isArray(x))
    return x.every((i) => i === null || ['string', 'number', 'boolean'].includes(typeof i)) ? (x as Value[]) : UNKNOWN;
  return UNKNOWN;
}

/** Value of a name as an alert field or, failing that, as the alert entity its name suggests. */
export function bindFromAlert(alert: Alert, name: string): Value | typeof UNKNOWN {
  const s = strip(bareName(name));
  const direct = toValue(lookupField(alert.data, s));
  if (direct !== UNKNOWN) return direct;
  for (const hint of NAME_HINTS) {
    if (!hint.re.test(s)) continue;
    const e = alert.entities.find((x) => x.kind === hint.kind && (hint.role === undefined || x.role !== 'destination'));
    if (e) return e.value;
  }
  return UNKNOWN;
}

export interface VariableScope {
  /** Variables written by actions at run time (out_args): unknown in a dry-run. */
  runtime: Set<string>;
  /**
   * When true (no alert given), nothing is bound from an alert and the walker treats every condition as undecidable.
   */
  noAlert: boolean;
}

const runtimeCache = new WeakMap<Playbook, Set<string>>();

export function runtimeVariables(pb: Playbook): Set<string> {
  const hit = runtimeCache.get(pb);
  if (hit) return hit;
  const out = new Set<string>();
  for (const s of Object.values(pb.steps)) for (const a of s.out_args ?? []) out.add(a);
  runtimeCache.set(pb, out);
  return out;
}

/**
 * The resolver for one step: step variables shadow playbook variables. Constants keep their value; a runtime output
 * is unknown; an external (or value-less) variable is bound from the alert; otherwise its default value is used.
 */
export function makeResolver(
  pb: Playbook,
  stepVars: Record<string, Variable> | undefined,
  alert: Alert | undefined,
  scope: VariableScope,
): Resolver {
  const listFor = (name: string): string[] | undefined => {
    const al = pb.allow_lists;
    if (!al) return undefined;
    const n = strip(name);
    if (n === 'internal_ranges') return al.internal_ranges;
    if (n === 'critical_assets') return al.critical_assets;
    if (n === 'protected_accounts') return al.protected_accounts;
    return undefined;
  };
  return (ref: string) => {
    const name = bareName(ref);
    const def = stepVars?.[name] ?? pb.variables[name];
    if (def?.constant && def.value !== undefined) return toValue(def.value);
    const list = listFor(name);
    if (list) return list;
    if (scope.runtime.has(name)) return UNKNOWN;
    if (def?.from_alert) {
      if (!alert) return UNKNOWN;
      // The declared field first; alerts from another SIEM name it differently, so then the entity it stands for.
      const direct = toValue(lookupField(alert.data, def.from_alert));
      if (direct !== UNKNOWN) return direct;
      const byPath = bindFromAlert(alert, def.from_alert);
      return byPath !== UNKNOWN ? byPath : bindFromAlert(alert, name);
    }
    if (def && !def.external && def.value !== undefined) return toValue(def.value);
    if (alert && (!def || def.external || def.value === undefined)) {
      const bound = bindFromAlert(alert, name);
      if (bound !== UNKNOWN) return bound;
    }
    return def?.value !== undefined ? toValue(def.value) : UNKNOWN;
  };
}

const REF = /(__[A-Za-z0-9_.-]+?__)(:value)?|\{\{\s*([\w.-]+)\s*\}\}|\$\{([^}]+)\}/g;

/** Substitutes every variable reference it can; unknown ones stay as written and are listed. */
export function substitute(text: string, r: Resolver): { text: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const out = text.replace(
    REF,
    (whole, cacao: string | undefined, _v, native: string | undefined, xsoar: string | undefined) => {
      const name = cacao ?? native ?? xsoar ?? whole;
      const v = r(name);
      if (v === UNKNOWN) {
        unresolved.push(name);
        return whole;
      }
      return Array.isArray(v) ? v.join(',') : String(v);
    },
  );
  return { text: out, unresolved };
}
