// The SOAR side of the SIEM -> SOAR hop: what the SOAR itself lists, read-only. Splunk SOAR (Phantom): its assets
// (GET /rest/asset: configured instances of apps, with the product and the server each points at) and its apps
// (GET /rest/app); Shuffle: its workflows (GET /api/v1/workflows: webhook triggers, the endpoints alerts are posted
// to, and the SIEM apps the actions call) and its apps (GET /api/v1/apps). An asset or app for a SIEM product is an
// integration; a webhook is not: anything may post to it (a mail gateway, a chat bot). Webhooks are listed with
// `siem: false` and their full URL, so the loop (src/playbook/loop.ts) can match each with the SIEM connector's URL.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { endpointUrl } from './endpoint-url.js';
import { asRecord, type Outputs, otherProduct, readJson } from './util.js';

/**
 * SIEM product names (never vendors: Splunk also sells Attack Analyzer and SOAR, Microsoft and IBM many products).
 * Tested on a Splunk SOAR asset's or app's product_name and on a Shuffle app's name.
 */
const SIEM_PRODUCT = new RegExp(
  '^splunk(?: (?:enterprise(?: security)?|es|cloud(?: platform)?))?$|' +
    'elastic|kibana|sentinel|log analytics|wazuh|qradar|opensearch|chronicle|logrhythm|arcsight|sumo ?logic',
  'i',
);

export interface SoarIntegration {
  name: string;
  /** asset (Splunk SOAR), app (an app a Shuffle workflow calls), webhook (a trigger that receives alerts). */
  kind: 'asset' | 'app' | 'webhook';
  product: string;
  /** Hosts it points at (a SIEM asset's server) or receives on (a webhook's URL). */
  hosts: string[];
  /** Whether it is for a SIEM product (assets, apps); a webhook is not proof of one until the loop matches it. */
  siem: boolean;
  /** A webhook's URL (scheme, host, path; no query) and trigger status (only `running` receives). */
  url?: string;
  status?: string;
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

function facts(product: string, listed: SoarIntegration[], count: number, missing: string[]): Facts {
  const complete = missing.length === 0;
  const said = (i: SoarIntegration) =>
    `${i.name} (${i.kind}${i.status && i.status !== 'running' ? `, ${i.status}` : ''}` +
    `${i.url ? ` at ${i.url}` : i.hosts.length ? ` -> ${i.hosts.join(', ')}` : ''})`;
  const siem = listed.filter((i) => i.siem);
  const hooks = listed.filter((i) => !i.siem);
  const running = hooks.filter((i) => i.status === 'running');
  return {
    applicable: true,
    product,
    listed: count,
    complete,
    integrations: listed,
    siem_integration_count: siem.length,
    running_webhooks: running.length,
    explanation:
      (siem.length === 0
        ? `${product}: none of the ${count} listed integrations is for a SIEM`
        : `${product}: ${siem.map(said).join('; ')}`) +
      (hooks.length === 0
        ? ''
        : `; webhooks (not proof of a SIEM integration until the SIEM's connector is seen posting to one): ` +
          hooks.map(said).join('; ')) +
      (complete ? '' : `; the list is incomplete (${missing.join('; ')})`),
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
    for (const a of apps.rows) if (typeof a.id === 'number') appNames.set(a.id, String(a.product_name ?? a.name ?? ''));
  }
  const integrations: SoarIntegration[] = [];
  for (const a of assets.rows) {
    if (on(a.disabled)) continue;
    // The product, never the vendor nor the asset's free-form name, says whether the asset is for a SIEM.
    const productName = String(a.product_name ?? '').trim() || (appNames.get(Number(a.app)) ?? '').trim();
    if (!SIEM_PRODUCT.test(productName)) continue;
    integrations.push({
      name: String(a.name ?? a.id),
      kind: 'asset',
      product: `${a.product_vendor ?? ''} ${productName}`.trim(),
      hosts: serverHosts(a.configuration),
      siem: true,
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
      // Every webhook is listed with its status: a SIEM posting to a stopped one ("stopped", "uninitialized") is a
      // broken hop the loop must name. Its URL (/api/v1/hooks/webhook_<id>) is what the SIEM's connector must hold.
      if (String(t.trigger_type).toUpperCase() !== 'WEBHOOK') continue;
      const params = (Array.isArray(t.parameters) ? t.parameters : []).map(asRecord);
      const raw = params.find((p) => p.name === 'url')?.value;
      const url = endpointUrl(raw);
      integrations.push({
        name: String(t.label ?? t.name ?? 'webhook'),
        kind: 'webhook',
        product: 'Shuffle webhook',
        hosts: [hostOf(raw)].filter((h): h is string => h !== undefined),
        siem: false,
        ...(url ? { url } : {}),
        status: String(t.status ?? 'unknown'),
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
      integrations.push({ name: String(a.label ?? app), kind: 'app', product: app, hosts, siem: true, workflow });
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
    facts: [
      'applicable',
      'product',
      'listed',
      'complete',
      'integrations',
      'siem_integration_count',
      'running_webhooks',
      'explanation',
    ],
    parse: (outputs) => {
      const s = outputs['soar-splunk-assets'];
      if (s && s.error?.kind !== 'unsupported') return splunkSoar(outputs);
      return otherProduct(outputs, ['soar-shuffle-workflows']) ?? shuffle(outputs);
    },
  }),
];
