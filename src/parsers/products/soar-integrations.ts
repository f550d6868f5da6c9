// The SOAR side of the SIEM -> SOAR hop: what the SOAR itself lists, read-only. Splunk SOAR (Phantom): its assets
// (GET /rest/asset: configured instances of apps, with the product and the server each points at) and its apps
// (GET /rest/app); Shuffle: its workflows (GET /api/v1/workflows: webhook triggers, the endpoint a SIEM posts alerts
// to, and the SIEM apps the actions call) and its apps (GET /api/v1/apps). The facts name each SIEM integration with
// the hosts it points at or receives on, so the loop (src/playbook/loop.ts) can match it with the SIEM's connector.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { asRecord, type Outputs, otherProduct, readJson } from './util.js';

/** Products a SOAR integration names when it talks to a SIEM (the loop's SIEM words, product and vendor names). */
const SIEM_PRODUCT =
  /splunk|elastic|kibana|sentinel|log analytics|wazuh|qradar|opensearch|chronicle|logrhythm|arcsight|sumo ?logic/i;

export interface SoarIntegration {
  name: string;
  /** asset (Splunk SOAR), app (an app a Shuffle workflow calls), webhook (a trigger that receives alerts). */
  kind: 'asset' | 'app' | 'webhook';
  product: string;
  /** Hosts it points at (a SIEM asset's server) or receives on (a webhook's URL). */
  hosts: string[];
  /** The workflow a Shuffle integration belongs to. */
  workflow?: string;
}

const on = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

/** Host of a URL, or of a bare host[:port] value as SOAR asset configurations often hold it. */
function hostOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The server an asset's configuration points at: the fields Splunk SOAR's SIEM apps use for it. */
const SERVER_KEYS = /^(device|server|url|base_url|host|hostname|endpoint|api_url|splunk_server|elastic_url)$/i;

function serverHosts(configuration: unknown): string[] {
  const cfg = asRecord(configuration);
  const hosts = Object.entries(cfg)
    .filter(([k]) => SERVER_KEYS.test(k))
    .map(([, v]) => hostOf(v))
    .filter((h): h is string => h !== undefined);
  return [...new Set(hosts)];
}

function facts(product: string, integrations: SoarIntegration[], listed: number, missing: string[]): Facts {
  const complete = missing.length === 0;
  const names = integrations.map((i) => `${i.name} (${i.kind}${i.hosts.length ? ` -> ${i.hosts.join(', ')}` : ''})`);
  return {
    applicable: true,
    product,
    listed,
    complete,
    integrations,
    siem_integration_count: integrations.length,
    explanation:
      (integrations.length === 0
        ? `${product}: none of the ${listed} listed integrations is for a SIEM or receives alerts`
        : `${product}: ${names.join('; ')}`) + (complete ? '' : `; the list is incomplete (${missing.join('; ')})`),
  };
}

/** Splunk SOAR's paginated answer: `{ count, num_pages, data }`; a shorter data list than count is incomplete. */
function page(body: unknown, id: string): { rows: Record<string, unknown>[]; missing?: string } {
  const b = asRecord(body);
  if (!Array.isArray(b.data)) throw new InconclusiveError(`${id}: the answer has no "data" list`);
  const rows = b.data.map(asRecord);
  const count = typeof b.count === 'number' ? b.count : rows.length;
  const pages = typeof b.num_pages === 'number' ? b.num_pages : 1;
  return rows.length < count || pages > 1
    ? { rows, missing: `${id}: ${rows.length} of ${count} on ${pages} pages were returned` }
    : { rows };
}

const splunkSoar = (outputs: Outputs): Facts => {
  const assets = page(readJson(outputs, 'soar-splunk-assets'), 'soar-splunk-assets');
  const missing = assets.missing ? [assets.missing] : [];
  // Apps name what an asset runs when the asset itself does not carry product fields; optional.
  const appNames = new Map<number, string>();
  if (outputs['soar-splunk-apps'] && !outputs['soar-splunk-apps'].error) {
    const apps = page(readJson(outputs, 'soar-splunk-apps'), 'soar-splunk-apps');
    for (const a of apps.rows)
      if (typeof a.id === 'number') appNames.set(a.id, `${a.product_vendor ?? ''} ${a.product_name ?? a.name ?? ''}`);
  }
  const integrations: SoarIntegration[] = [];
  for (const a of assets.rows) {
    if (on(a.disabled)) continue;
    const product =
      `${a.product_vendor ?? ''} ${a.product_name ?? ''}`.trim() || (appNames.get(Number(a.app)) ?? '').trim();
    if (!SIEM_PRODUCT.test(`${product} ${a.name ?? ''}`)) continue;
    integrations.push({
      name: String(a.name ?? a.id),
      kind: 'asset',
      product,
      hosts: serverHosts(a.configuration),
    });
  }
  return facts('Splunk SOAR', integrations, assets.rows.length, missing);
};

const shuffle = (outputs: Outputs): Facts => {
  const workflows = readJson<unknown>(outputs, 'soar-shuffle-workflows');
  if (!Array.isArray(workflows)) throw new InconclusiveError('soar-shuffle-workflows: the answer is not a list');
  const integrations: SoarIntegration[] = [];
  for (const w of workflows.map(asRecord)) {
    const workflow = String(w.name ?? w.id);
    for (const t of (Array.isArray(w.triggers) ? w.triggers : []).map(asRecord)) {
      // A webhook trigger receives only while it runs ("running"; "stopped" and "uninitialized" receive nothing).
      if (String(t.trigger_type).toUpperCase() !== 'WEBHOOK' || String(t.status) !== 'running') continue;
      const params = (Array.isArray(t.parameters) ? t.parameters : []).map(asRecord);
      const url = params.find((p) => p.name === 'url')?.value;
      integrations.push({
        name: String(t.label ?? t.name ?? 'webhook'),
        kind: 'webhook',
        product: 'Shuffle webhook',
        hosts: [hostOf(url)].filter((h): h is string => h !== undefined),
        workflow,
      });
    }
    const seen = new Set<string>();
    for (const a of (Array.isArray(w.actions) ? w.actions : []).map(asRecord)) {
      const app = String(a.app_name ?? '');
      if (!SIEM_PRODUCT.test(app) || seen.has(app)) continue;
      seen.add(app);
      const params = (Array.isArray(a.parameters) ? a.parameters : []).map(asRecord);
      const hosts = params
        .filter((p) => SERVER_KEYS.test(String(p.name)))
        .map((p) => hostOf(p.value))
        .filter((h): h is string => h !== undefined);
      integrations.push({ name: String(a.label ?? app), kind: 'app', product: app, hosts, workflow });
    }
  }
  return facts('Shuffle', integrations, workflows.length, []);
};

/** An object with only the given fields (those present), so evidence keeps what the parser reads and no more. */
function pick(value: unknown, keys: readonly string[]): Record<string, unknown> {
  const r = asRecord(value);
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const MASKED = '[REDACTED]';

/** A Splunk SOAR asset configuration keeps its server fields; every other value is masked (apps store secrets
 * under arbitrary names: `key`, `ph_0`, …), booleans and nulls kept as facts. */
function keptConfiguration(configuration: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(asRecord(configuration)).map(([k, v]) => [
      k,
      SERVER_KEYS.test(k) && typeof v === 'string' ? v : v === null || typeof v === 'boolean' ? v : MASKED,
    ]),
  );
}

/** A Shuffle parameter list reduced to the names the parser reads; their values are URLs, not secrets. */
const keptParameters = (params: unknown, keep: (name: string) => boolean) =>
  list(params)
    .map((p) => pick(p, ['name', 'value']))
    .filter((p) => keep(String(p.name)));

/**
 * What evidence keeps of the SOAR list answers: the fields the parser above reads, so a replay parses the same facts,
 * and nothing else (Shuffle workflows carry action parameters, variables and webhook headers with API keys and
 * passwords; Splunk SOAR asset configurations hold the apps' credentials). An answer of another shape is returned
 * unchanged (undefined) and redacted as text.
 */
export const SOAR_EVIDENCE_KEPT: Readonly<Record<string, (body: unknown) => unknown>> = {
  'soar-splunk-assets': (body) => {
    const b = asRecord(body);
    if (!Array.isArray(b.data)) return undefined;
    return {
      ...pick(b, ['count', 'num_pages']),
      data: b.data.map((a) => ({
        ...pick(a, ['id', 'name', 'product_vendor', 'product_name', 'app', 'disabled']),
        ...(asRecord(a).configuration !== undefined
          ? { configuration: keptConfiguration(asRecord(a).configuration) }
          : {}),
      })),
    };
  },
  'soar-shuffle-workflows': (body) => {
    if (!Array.isArray(body)) return undefined;
    return body.map((w) => ({
      ...pick(w, ['id', 'name']),
      triggers: list(asRecord(w).triggers).map((t) => ({
        ...pick(t, ['trigger_type', 'status', 'label', 'name']),
        parameters: keptParameters(asRecord(t).parameters, (n) => n === 'url'),
      })),
      actions: list(asRecord(w).actions).map((a) => ({
        ...pick(a, ['app_name', 'label']),
        parameters: keptParameters(asRecord(a).parameters, (n) => SERVER_KEYS.test(n)),
      })),
    }));
  },
};

export const soarIntegrationParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'soar-integrations',
    probes: ['soar-splunk-assets', 'soar-splunk-apps', 'soar-shuffle-workflows'],
    facts: ['applicable', 'product', 'listed', 'complete', 'integrations', 'siem_integration_count', 'explanation'],
    parse: (outputs) => {
      const s = outputs['soar-splunk-assets'];
      if (s && s.error?.kind !== 'unsupported') return splunkSoar(outputs);
      return otherProduct(outputs, ['soar-shuffle-workflows']) ?? shuffle(outputs);
    },
  }),
];
