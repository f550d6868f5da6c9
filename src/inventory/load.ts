import { existsSync } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  type Estate,
  EXPORT_PRODUCT_KINDS,
  type EstateSource,
  type Inventory,
  SIEM_SEARCH_PRODUCTS,
  type SiemEstimateSettings,
  type SshSettings,
  type Target,
  type TargetKind,
  type TransportName,
  type WinrmSettings,
} from '../model.js';
import { inlinePriceTable, loadPriceTable, type PriceTable } from '../cost/tables.js';
import { shippedSourceCatalog } from '../sources/catalog.js';
import { CHECKS_DIR } from '../paths.js';
import { compileSchema, InputError, positionOf, readYamlFile, validateDoc, type ParsedYaml } from '../util/validate.js';
import schema from './inventory.schema.json' with { type: 'json' };

interface RawDefaults {
  ssh?: SshSettings;
  winrm?: WinrmSettings;
  timeout?: number;
  tags?: string[];
}

/** The SIEM products the rules can be pushed down into (src/pushdown/run.ts). */
const ESTIMATE_PRODUCTS = ['elasticsearch', 'opensearch', 'splunk', 'sentinel'];

interface RawInventory {
  version: 1;
  organization?: string;
  defaults?: RawDefaults;
  groups?: Record<string, RawDefaults>;
  targets: (Omit<Target, 'tags' | 'transport' | 'address'> & {
    address?: string;
    tags?: string[];
    transport?: TransportName;
    group?: string;
  })[];
  rules?: string[];
  playbooks?: string[];
  scenarios?: string[];
  alerts?: string[];
  log_exports?: string[];
  estimate?: SiemEstimateSettings;
  questionnaire?: string;
  waivers?: string;
  threat_focus?: string[];
  report?: { lang?: 'ja' | 'en'; browser?: string };
  costs?: string | Record<string, unknown>;
  budget?: { per_month?: number; gb_per_day?: number };
  estate?: {
    sources: Record<string, EstateSource>;
    use_cases?: { detect?: string[]; automate?: (string | { use_case: string; playbooks?: string[] })[] };
  };
}

/** An error at a field of the inventory, with the line and column of that field in the file. */
function fieldError(parsed: ParsedYaml, field: string, detail: string): InputError {
  const keys = field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  const pos = positionOf(parsed, 0, keys);
  return new InputError(parsed.file, detail, pos?.line, pos?.col, field);
}

/** The price table: a costs.yaml beside the inventory, or the table inline (errors located in either file). */
function priceTableOf(parsed: ParsedYaml, raw: RawInventory, base: string): PriceTable | undefined {
  if (raw.costs === undefined) return undefined;
  if (typeof raw.costs === 'object') return inlinePriceTable(parsed);
  const file = resolvePath(base, raw.costs);
  if (!existsSync(file)) throw fieldError(parsed, 'costs', `no such file: ${file}`);
  return loadPriceTable(file);
}

/** The estate with its class and use-case ids checked against the source catalog (located errors). */
function resolveEstate(parsed: ParsedYaml, raw: NonNullable<RawInventory['estate']>): Estate {
  const catalog = shippedSourceCatalog();
  const classes = new Set(catalog.classes.map((c) => c.id));
  const useCases = new Set(catalog.use_cases.map((u) => u.id));
  const fail = (keys: (string | number)[], detail: string): never => {
    throw fieldError(parsed, keys.join('.'), detail);
  };
  for (const id of Object.keys(raw.sources)) {
    if (!classes.has(id))
      fail(['estate', 'sources', id], `unknown source class "${id}" (one of ${[...classes].join(', ')})`);
  }
  (raw.use_cases?.detect ?? []).forEach((u, i) => {
    if (!useCases.has(u))
      fail(['estate', 'use_cases', 'detect', i], `unknown use-case "${u}" (one of ${[...useCases].join(', ')})`);
  });
  const automate = (raw.use_cases?.automate ?? []).map((a, i) => {
    const entry = typeof a === 'string' ? { use_case: a } : a;
    if (!useCases.has(entry.use_case))
      fail(
        ['estate', 'use_cases', 'automate', i],
        `unknown use-case "${entry.use_case}" (one of ${[...useCases].join(', ')})`,
      );
    return entry;
  });
  return {
    sources: raw.sources,
    ...(raw.use_cases
      ? {
          use_cases: {
            ...(raw.use_cases.detect ? { detect: raw.use_cases.detect } : {}),
            ...(raw.use_cases.automate ? { automate } : {}),
          },
        }
      : {}),
  };
}

const LOCAL_ADDRESSES = new Set(['localhost', 'local', '127.0.0.1', '::1']);

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

function resolvePath(base: string, p: string): string {
  const expanded = expandHome(p);
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

/** Network sensors (Suricata, Zeek) have no REST API: without `api:` they are read on their own Linux host. */
const SENSOR_KINDS: readonly TargetKind[] = ['ips', 'ndr'];

function defaultTransport(kind: TargetKind, address: string, hasSsh: boolean, hasApi: boolean): TransportName {
  if (kind === 'windows') return 'powershell';
  if (SENSOR_KINDS.includes(kind) && !hasApi) return LOCAL_ADDRESSES.has(address) && !hasSsh ? 'local' : 'ssh';
  if (
    kind === 'web' ||
    kind === 'waf' ||
    kind === 'siem' ||
    kind === 'soar' ||
    kind === 'edr' ||
    kind === 'ips' ||
    kind === 'ndr'
  )
    return 'http';
  return LOCAL_ADDRESSES.has(address) && !hasSsh ? 'local' : 'ssh';
}

function resolveSsh(base: string, ssh: SshSettings | undefined): SshSettings | undefined {
  if (!ssh) return undefined;
  return {
    ...ssh,
    ...(ssh.key ? { key: resolvePath(base, ssh.key) } : {}),
    ...(ssh.known_hosts ? { known_hosts: resolvePath(base, ssh.known_hosts) } : {}),
  };
}

/** The Azure Resource Manager path of a Log Analytics workspace (where Sentinel's rules live). */
const WORKSPACE_RESOURCE =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+\/?$/i;

/**
 * Sentinel's rules are read from Azure Resource Manager, another host and token audience than the Log Analytics
 * query API in api.url: management_url must be a workspace resource URL over https and comes with its own token.
 */
function managementProblem(api: Target['api']): { field: string; detail: string } | undefined {
  if (!api || (api.management_url === undefined && api.management_token_env === undefined)) return undefined;
  if ((api.product ?? '').toLowerCase() !== 'sentinel')
    return {
      field: api.management_url !== undefined ? 'management_url' : 'management_token_env',
      detail: `management_url and management_token_env are for api.product sentinel (this is ${api.product ?? 'none'})`,
    };
  if (api.management_url === undefined)
    return { field: 'management_token_env', detail: 'management_token_env needs management_url (where it is sent)' };
  let url: URL;
  try {
    url = new URL(api.management_url);
  } catch {
    return { field: 'management_url', detail: `"${api.management_url}" is not a URL` };
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return { field: 'management_url', detail: 'management_url must be https (Azure Resource Manager)' };
  if (url.username || url.password || url.search || url.hash || !WORKSPACE_RESOURCE.test(url.pathname))
    return {
      field: 'management_url',
      detail:
        'management_url must be the workspace resource URL, https://management.azure.com/subscriptions/<sub>/' +
        'resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name> (no query, no credentials)',
    };
  if (api.management_token_env === undefined)
    return {
      field: 'management_url',
      detail:
        'management_url needs management_token_env (a token for https://management.azure.com); api.token_env is ' +
        'never sent to another host',
    };
  return undefined;
}

/** Loads and validates an inventory; structural problems are errors naming file, line and field. */
export function loadInventory(file: string): Inventory {
  const parsed = readYamlFile(file);
  if (parsed.docs.length !== 1) throw new InputError(file, 'an inventory is one YAML document');
  const raw = validateDoc<RawInventory>(parsed, 0, compileSchema(schema));
  const base = dirname(resolve(file));
  const ids = new Set<string>();
  const targets: Target[] = raw.targets.map((t, i) => {
    if (ids.has(t.id)) throw fieldError(parsed, `targets.${i}.id`, `duplicate target id "${t.id}"`);
    ids.add(t.id);
    const group = t.group ? raw.groups?.[t.group] : undefined;
    if (t.group && !group) throw fieldError(parsed, `targets.${i}.group`, `unknown group "${t.group}"`);
    if ((t.kind === 'database') !== (t.database !== undefined)) {
      throw fieldError(
        parsed,
        `targets.${i}${t.kind === 'database' ? '' : '.database'}`,
        t.kind === 'database'
          ? 'a database target needs a "database" section (product, host)'
          : '"database" settings belong to kind: database',
      );
    }
    // A database is reached from its host: the client runs there, so loopback is the natural default address.
    const address =
      t.address ??
      (t.kind === 'web'
        ? new URL(t.web?.urls[0] ?? 'http://localhost').hostname
        : t.kind === 'database'
          ? '127.0.0.1'
          : t.export || t.evidence_file
            ? t.id
            : undefined);
    if (!address) throw fieldError(parsed, `targets.${i}`, 'missing required field "address"');
    const ssh =
      t.ssh || group?.ssh || raw.defaults?.ssh ? { ...raw.defaults?.ssh, ...group?.ssh, ...t.ssh } : undefined;
    const winrm =
      t.winrm || group?.winrm || raw.defaults?.winrm
        ? { ...raw.defaults?.winrm, ...group?.winrm, ...t.winrm }
        : undefined;
    // Any ssh settings (own, group or defaults) or an explicit port mean a remote host, even on a loopback address
    // (a port-forwarded container): only a bare local address is audited through the local transport.
    const transport =
      t.transport ??
      (t.export || t.evidence_file
        ? 'evidence'
        : defaultTransport(t.kind, address, Boolean(ssh) || t.port !== undefined, Boolean(t.api)));
    if (t.evidence_file && (!['linux', 'windows'].includes(t.kind) || transport !== 'evidence'))
      throw fieldError(
        parsed,
        `targets.${i}.evidence_file`,
        'an evidence file belongs to a linux or windows target with transport: evidence',
      );
    if (t.export) {
      const expected = EXPORT_PRODUCT_KINDS[t.export.product];
      if (t.kind !== expected)
        throw fieldError(parsed, `targets.${i}.kind`, `an export of ${t.export.product} belongs to kind: ${expected}`);
      if (transport !== 'evidence')
        throw fieldError(
          parsed,
          `targets.${i}.transport`,
          'a target read from exported files needs transport: evidence',
        );
    }
    if (SENSOR_KINDS.includes(t.kind) && transport === 'http' && !t.api) {
      throw fieldError(
        parsed,
        `targets.${i}.transport`,
        `a ${t.kind} target read over http needs api: (its product API); to read the sensor's configuration ` +
          'on its host, use transport ssh, local or evidence',
      );
    }
    const { group: _group, ...rest } = t;
    return {
      ...rest,
      address,
      transport,
      tags: [...new Set([...(raw.defaults?.tags ?? []), ...(group?.tags ?? []), ...(t.tags ?? [])])],
      ...(ssh ? { ssh: resolveSsh(base, ssh) } : {}),
      ...(winrm ? { winrm } : {}),
      ...(t.rootdir ? { rootdir: resolvePath(base, t.rootdir) } : {}),
      ...(t.evidence_file ? { evidence_file: resolvePath(base, t.evidence_file) } : {}),
      ...(t.export ? { export: { ...t.export, files: t.export.files.map((f) => resolvePath(base, f)) } } : {}),
      ...((t.timeout ?? group?.timeout ?? raw.defaults?.timeout)
        ? { timeout: t.timeout ?? group?.timeout ?? raw.defaults?.timeout }
        : {}),
    } as Target;
  });
  targets.forEach((t, i) => {
    if (t.database) {
      const host = targets.find((h) => h.id === t.database!.host);
      if (!host)
        throw fieldError(parsed, `targets.${i}.database.host`, `database.host names no target: "${t.database.host}"`);
      if (host.kind !== 'linux' && host.kind !== 'windows') {
        throw fieldError(
          parsed,
          `targets.${i}.database.host`,
          `database.host "${host.id}" is a ${host.kind} target; it must be a linux or windows target`,
        );
      }
      if (t.database.password_env && !t.database.user)
        throw fieldError(parsed, `targets.${i}.database.password_env`, 'database.password_env needs database.user');
      // The database is read through its host's transport: the target records that transport.
      t.transport = host.transport;
    }
    if (t.web?.host && !ids.has(t.web.host)) {
      throw fieldError(parsed, `targets.${i}.web.host`, `web.host names no target: "${t.web.host}"`);
    }
    for (const key of ['syslog', 'eventlog'] as const) {
      const fwd = t[key];
      if (!fwd) continue;
      if (key === 'eventlog' && t.kind !== 'windows')
        throw fieldError(parsed, `targets.${i}.eventlog`, `eventlog: is for windows targets, not ${t.kind}`);
      const c = targets.find((x) => x.id === fwd.collector);
      if (!c)
        throw fieldError(
          parsed,
          `targets.${i}.${key}.collector`,
          `${key}.collector names no target: "${fwd.collector}"`,
        );
      // A Windows Event Collector is read through PowerShell (its forwarded-events logs); any other over ssh/local.
      const wec = key === 'eventlog' && c.transport === 'powershell';
      if (wec ? !c.collector?.event_logs : !c.collector?.paths)
        throw fieldError(
          parsed,
          `targets.${i}.${key}.collector`,
          `${key}.collector "${c.id}" declares no ${wec ? 'collector.event_logs' : 'collector.paths'} to search`,
        );
      if (!wec && c.transport !== 'ssh' && c.transport !== 'local')
        throw fieldError(
          parsed,
          `targets.${i}.${key}.collector`,
          `${key}.collector "${c.id}" must be reached over ssh or local${
            key === 'eventlog' ? ' (or powershell for a ' + 'Windows Event Collector)' : ''
          } (its transport is ${c.transport})`,
        );
      const siemId = fwd.siem?.target;
      if (siemId !== undefined) {
        const siem = targets.find((x) => x.id === siemId);
        const product = siem?.api?.product?.toLowerCase() ?? '';
        if (!siem)
          throw fieldError(
            parsed,
            `targets.${i}.${key}.siem.target`,
            `${key}.siem.target names no target: "${siemId}"`,
          );
        if (!(SIEM_SEARCH_PRODUCTS as readonly string[]).includes(product)) {
          throw fieldError(
            parsed,
            `targets.${i}.${key}.siem.target`,
            `${key}.siem.target "${siemId}" must have api.product ${SIEM_SEARCH_PRODUCTS.join(', ')} (it has ` +
              `${product || 'none'})`,
          );
        }
      }
    }
    const mgmt = managementProblem(t.api);
    if (mgmt) throw fieldError(parsed, `targets.${i}.api.${mgmt.field}`, mgmt.detail);
    if (t.sensor && !SENSOR_KINDS.includes(t.kind)) {
      throw fieldError(parsed, `targets.${i}.sensor`, `sensor: is for ips and ndr targets, not ${t.kind}`);
    }
    (t.sensor?.watches ?? []).forEach((w, j) => {
      const at = `targets.${i}.sensor.watches.${j}`;
      const watched = typeof w === 'string' ? w : w.target;
      if (!ids.has(watched))
        throw fieldError(
          parsed,
          typeof w === 'string' ? at : `${at}.target`,
          `sensor.watches names no target: "${watched}"`,
        );
      if (typeof w !== 'string' && w.decrypted_by && !ids.has(w.decrypted_by)) {
        throw fieldError(parsed, `${at}.decrypted_by`, `decrypted_by names no target: "${w.decrypted_by}"`);
      }
    });
  });
  if (raw.estimate) {
    const siem = targets.find((t) => t.id === raw.estimate!.siem);
    const product = siem?.api?.product?.toLowerCase() ?? '';
    if (!siem) throw fieldError(parsed, 'estimate.siem', `estimate.siem names no target: "${raw.estimate.siem}"`);
    if (!ESTIMATE_PRODUCTS.includes(product)) {
      throw fieldError(
        parsed,
        'estimate.siem',
        `estimate.siem "${siem.id}" needs api: { url, product } with product ${ESTIMATE_PRODUCTS.join(', ')}` +
          ` (it has ${product || 'none'})`,
      );
    }
  }
  const paths = (list: string[] | undefined, builtin: string) =>
    list ? list.map((p) => resolvePath(base, p)) : [join(CHECKS_DIR, builtin)];
  // Files the run reads later are checked now: a typo must fail before any host is reached.
  for (const key of ['questionnaire', 'waivers'] as const) {
    const p = raw[key];
    if (p && !existsSync(resolvePath(base, p))) throw fieldError(parsed, key, `no such file: ${resolvePath(base, p)}`);
  }
  const costs = priceTableOf(parsed, raw, base);
  if (raw.budget?.per_month !== undefined && !costs?.currency) {
    throw fieldError(parsed, 'budget.per_month', 'a budget in money needs a price table with a currency (`costs:`)');
  }
  for (const key of ['rules', 'playbooks', 'scenarios', 'alerts', 'log_exports'] as const) {
    (raw[key] ?? []).forEach((p, i) => {
      if (!existsSync(resolvePath(base, p)))
        throw fieldError(parsed, `${key}.${i}`, `no such file or folder: ${resolvePath(base, p)}`);
    });
  }
  return {
    version: 1,
    organization: raw.organization ?? 'Unnamed organisation',
    source: resolve(file),
    targets,
    rules: paths(raw.rules, 'rules'),
    playbooks: paths(raw.playbooks, 'playbooks'),
    scenarios: paths(raw.scenarios, 'scenarios'),
    alerts: paths(raw.alerts, join('playbooks', 'alerts')),
    ...(raw.log_exports ? { log_exports: raw.log_exports.map((p) => resolvePath(base, p)) } : {}),
    ...(raw.estimate ? { estimate: raw.estimate } : {}),
    ...(raw.questionnaire ? { questionnaire: resolvePath(base, raw.questionnaire) } : {}),
    ...(raw.waivers ? { waivers: resolvePath(base, raw.waivers) } : {}),
    ...(raw.threat_focus ? { threat_focus: raw.threat_focus } : {}),
    ...(raw.estate ? { estate: resolveEstate(parsed, raw.estate) } : {}),
    ...(costs ? { costs } : {}),
    ...(raw.budget ? { budget: raw.budget } : {}),
    ...(raw.report
      ? { report: { ...raw.report, ...(raw.report.browser ? { browser: resolvePath(base, raw.report.browser) } : {}) } }
      : {}),
  };
}

/** With no inventory, socready audits the machine it runs on with the built-in rules, scenarios and playbooks. */
export function builtInInventory(): Inventory {
  return {
    version: 1,
    organization: process.env.SOCREADY_ORG ?? hostname(),
    source: '(built-in: this machine)',
    targets: [
      { id: hostname() || 'localhost', kind: 'linux', address: 'localhost', transport: 'local', tags: ['self'] },
    ],
    rules: [join(CHECKS_DIR, 'rules')],
    playbooks: [join(CHECKS_DIR, 'playbooks')],
    scenarios: [join(CHECKS_DIR, 'scenarios')],
    alerts: [join(CHECKS_DIR, 'playbooks', 'alerts')],
  };
}
