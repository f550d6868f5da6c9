// The first hop of the SIEM -> SOAR -> WAF -> SIEM loop: does the SIEM hand its alerts to the SOAR? Kibana: an
// enabled detection rule with an action whose connector is a webhook or a SOAR connector (GET /api/actions/connectors
// and the rules' `actions`); Splunk: an enabled detection search with a webhook or SOAR alert action; Sentinel: an
// enabled, unexpired automation rule with a RunPlaybook action (its Logic App). The facts name the endpoints the
// alerts go to, as full URLs without secrets (a SOAR's webhooks all live on its one host; the path picks one), so the
// loop (src/playbook/loop.ts) can say whether they point at the SOAR and at which of its webhooks.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { endpointUrl } from './endpoint-url.js';
import { asRecord, type Outputs, otherProduct, readJson, serverNow } from './util.js';

/** How a Sentinel playbook (a Logic App) is named among the endpoints (src/playbook/loop.ts reads the same prefix). */
const LOGIC_APP_ENDPOINT = 'logic-app:';

/** Kibana connector types that hand an alert to a SOAR or a case/automation platform. */
const SOAR_CONNECTORS = new Set([
  '.webhook',
  '.cases-webhook',
  '.xsoar',
  '.thehive',
  '.tines',
  '.d3security',
  '.swimlane',
  '.resilient',
  '.servicenow-sir',
  '.torq',
]);
/** Splunk alert actions that hand an alert to a SOAR (the webhook, Splunk SOAR's "send to SOAR", others' apps). */
const SPLUNK_SOAR_ACTION =
  /^(webhook|sendtophantom|phantom|splunk_soar|sendtosoar|xsoar|demisto|tines|thehive|swimlane)/i;

const on = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

function facts(source: string, rules: string[], endpoints: string[], notes: string[]): Facts {
  const hosts = [...new Set(endpoints)].sort();
  return {
    applicable: true,
    source,
    forwarding_rules: rules.length,
    rules: rules.slice(0, 20),
    endpoints: hosts,
    explanation:
      (rules.length === 0
        ? `${source}: no enabled detection rule hands its alerts to a webhook or a SOAR connector`
        : `${source}: ${rules.length} enabled rules hand their alerts to ` +
          (hosts.join(', ') || 'a connector with no URL')) + (notes.length ? `; ${notes.join('; ')}` : ''),
  };
}

const kibana = (outputs: Outputs): Facts => {
  const connectors = readJson<unknown>(outputs, 'kibana-connectors');
  if (!Array.isArray(connectors)) throw new InconclusiveError('kibana-connectors: the answer is not a list');
  const soar = new Map<string, { name: string; url?: string; missing: boolean }>();
  for (const c of connectors.map(asRecord)) {
    if (typeof c.id !== 'string' || !SOAR_CONNECTORS.has(String(c.connector_type_id))) continue;
    const cfg = asRecord(c.config);
    soar.set(c.id, {
      name: String(c.name ?? c.id),
      ...(endpointUrl(cfg.url ?? cfg.apiUrl) ? { url: endpointUrl(cfg.url ?? cfg.apiUrl)! } : {}),
      missing: on(c.is_missing_secrets),
    });
  }
  const body = asRecord(readJson(outputs, 'kibana-detection-rules'));
  if (!Array.isArray(body.data)) throw new InconclusiveError('kibana-detection-rules: the answer has no "data" list');
  const rules: string[] = [];
  const endpoints: string[] = [];
  const notes: string[] = [];
  for (const r of body.data.map(asRecord)) {
    if (!on(r.enabled) || !Array.isArray(r.actions)) continue;
    const used = r.actions.map((a) => soar.get(String(asRecord(a).id))).filter((c) => c !== undefined);
    if (used.length === 0) continue;
    rules.push(String(r.name ?? r.rule_id));
    for (const c of used) if (c.url) endpoints.push(c.url);
  }
  for (const c of soar.values())
    if (c.missing) notes.push(`connector "${c.name}" is missing its secrets (it cannot send)`);
  if (soar.size === 0) notes.push('no webhook or SOAR connector exists');
  return facts('Kibana rule actions', rules, endpoints, notes);
};

const splunk = (outputs: Outputs): Facts => {
  const body = asRecord(readJson(outputs, 'splunk-saved-searches'));
  if (!Array.isArray(body.entry)) throw new InconclusiveError('splunk-saved-searches: the answer has no "entry" list');
  const rules: string[] = [];
  const endpoints: string[] = [];
  for (const e of body.entry.map(asRecord)) {
    const c = asRecord(e.content);
    if (on(c.disabled) || !on(c.is_scheduled)) continue;
    const actions = String(c.actions ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => SPLUNK_SOAR_ACTION.test(a));
    if (actions.length === 0) continue;
    rules.push(String(e.name));
    const url = endpointUrl(c['action.webhook.param.url']);
    if (url) endpoints.push(url);
  }
  return facts('Splunk alert actions', rules, endpoints, []);
};

/**
 * Sentinel automation rules (`{ value: [{ properties: { displayName, triggeringLogic: { isEnabled, triggersOn,
 * expirationTimeUtc }, actions: [{ actionType, actionConfiguration: { logicAppResourceId } }] } }] }`): the
 * enabled, unexpired ones that run a playbook hand incidents or alerts to a Logic App.
 */
const sentinel = (outputs: Outputs): Facts => {
  const body = asRecord(readJson(outputs, 'sentinel-automation-rules'));
  if (!Array.isArray(body.value))
    throw new InconclusiveError('sentinel-automation-rules: the answer has no "value" list');
  const now = serverNow(outputs['sentinel-automation-rules']);
  const rules: string[] = [];
  const endpoints: string[] = [];
  const notes: string[] = [];
  let off = 0;
  for (const r of body.value.map(asRecord)) {
    const p = asRecord(r.properties);
    const logic = asRecord(p.triggeringLogic);
    const expires = typeof logic.expirationTimeUtc === 'string' ? Date.parse(logic.expirationTimeUtc) : Number.NaN;
    const playbooks = (Array.isArray(p.actions) ? p.actions : [])
      .map(asRecord)
      .filter((a) => a.actionType === 'RunPlaybook')
      .map((a) => String(asRecord(a.actionConfiguration).logicAppResourceId ?? ''))
      .filter((id) => id !== '');
    if (playbooks.length === 0) continue;
    if (logic.isEnabled !== true || (!Number.isNaN(expires) && expires <= now)) {
      off++;
      continue;
    }
    rules.push(`${String(p.displayName ?? r.name)} (on ${String(logic.triggersOn ?? '?')})`);
    for (const id of playbooks) endpoints.push(`${LOGIC_APP_ENDPOINT}${id.split('/').pop()!.toLowerCase()}`);
  }
  if (off > 0) notes.push(`${off} automation rules that run a playbook are disabled or expired`);
  if (typeof body.nextLink === 'string') notes.push('the list has more pages that were not read');
  return facts('Sentinel automation rules', rules, endpoints, notes);
};

export const alertForwardingParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'siem-alert-forwarding',
    probes: ['kibana-connectors', 'kibana-detection-rules', 'splunk-saved-searches', 'sentinel-automation-rules'],
    facts: ['applicable', 'source', 'forwarding_rules', 'rules', 'endpoints', 'explanation'],
    parse: (outputs) => {
      const k = outputs['kibana-connectors'];
      if (k && k.error?.kind !== 'unsupported') return kibana(outputs);
      const az = outputs['sentinel-automation-rules'];
      if (az && az.error?.kind !== 'unsupported') return sentinel(outputs);
      return otherProduct(outputs, ['splunk-saved-searches']) ?? splunk(outputs);
    },
  }),
];
