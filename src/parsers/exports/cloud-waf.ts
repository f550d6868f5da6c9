// Cloud WAF logging configurations as their own CLIs/APIs export them, normalised to one shape per protected resource:
// where the logs go, whether every request is logged or only what the WAF judged an attack, which detection fields
// are redacted or left out, and how much of the request the log holds (headers, the matched part of a body, never a
// whole body). Formats:
// - AWS WAF: `aws wafv2 get-logging-configuration --resource-arn <web ACL ARN>` ({"LoggingConfiguration": {...}})
//   or `aws wafv2 list-logging-configurations --scope REGIONAL|CLOUDFRONT` ({"LoggingConfigurations": [...]}).
// - Azure Front Door / Application Gateway: `az monitor diagnostic-settings list --resource <id>` (a list, or
//   {"value": [...]} from older CLIs and the REST API), categories FrontDoorAccessLog and
//   FrontDoorWebApplicationFirewallLog, ApplicationGatewayAccessLog and ApplicationGatewayFirewallLog, or allLogs.
// - Cloudflare: `GET /zones/{zone_id}/logpush/jobs` ({"result": [...], "success": true}): datasets http_requests
//   (every request) and firewall_events (security events only), fields from output_options or logpull_options.
import { ParseError } from '../../checks/types.js';
import { defineParser } from '../define.js';
import { exportFiles, type Outputs } from '../linux/util.js';

export interface WafLogging {
  product: 'aws-waf' | 'azure-waf' | 'cloudflare';
  /** The web ACL ARN, the Azure resource, the Cloudflare job. */
  resource: string;
  file: string;
  enabled: boolean;
  destinations: string[];
  /** Every request is logged (not only blocked or matched ones). */
  all_requests: boolean;
  /** Why not, in the product's terms (the filter, the categories, the datasets). */
  scope: string;
  /** Detection fields redacted or left out (URI path, query string, method, client IP, User-Agent). */
  hidden_detection_fields: string[];
  /** Other redactions (credentials headers: good hygiene, not a loss). */
  redacted: string[];
  headers: 'all' | 'some' | 'none';
  /** AWS and Azure WAF logs carry the matched part of a request (even from the body); no cloud WAF logs bodies. */
  body: 'matched-part' | 'none';
}

function json(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ParseError(`${file}: not JSON (${(e as Error).message})`);
  }
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** AWS destinations by service: Firehose, CloudWatch Logs, S3 (the ARN says which). */
function awsDestination(arn: string): string {
  const service = /^arn:aws[\w-]*:(firehose|logs|s3):/.exec(arn)?.[1];
  const kind = service === 'firehose' ? 'Kinesis Data Firehose' : service === 'logs' ? 'CloudWatch Logs' : 'S3';
  return `${kind} ${arn}`;
}

export function awsWafLogging(doc: unknown, file: string): WafLogging[] {
  const root = obj(doc);
  const configs = root.LoggingConfiguration
    ? [root.LoggingConfiguration]
    : Array.isArray(root.LoggingConfigurations)
      ? root.LoggingConfigurations
      : undefined;
  if (!configs) throw new ParseError(`${file}: no LoggingConfiguration or LoggingConfigurations (AWS WAF export)`);
  return configs.map((c) => {
    const cfg = obj(c);
    const dest = arr(cfg.LogDestinationConfigs).filter((d): d is string => typeof d === 'string');
    const hidden: string[] = [];
    const redacted: string[] = [];
    for (const r of arr(cfg.RedactedFields).map(obj)) {
      if ('UriPath' in r) hidden.push('URI path');
      else if ('QueryString' in r) hidden.push('query string');
      else if ('Method' in r) hidden.push('method');
      else if ('SingleHeader' in r) {
        const name = String(obj(r.SingleHeader).Name ?? '').toLowerCase();
        if (name === 'user-agent' || name === 'host' || name === 'x-forwarded-for') hidden.push(`header ${name}`);
        else redacted.push(`header ${name}`);
      } else redacted.push(Object.keys(r)[0] ?? 'field');
    }
    // LoggingFilter: with DefaultBehavior DROP only what a KEEP filter matches is logged (typically BLOCK actions).
    const filter = obj(cfg.LoggingFilter);
    const filters = arr(filter.Filters).map(obj);
    const describe = (f: Record<string, unknown>) =>
      `${f.Behavior} ${arr(f.Conditions)
        .map((c) => {
          const o = obj(c);
          return o.ActionCondition
            ? `action ${obj(o.ActionCondition).Action}`
            : o.LabelNameCondition
              ? `label ${obj(o.LabelNameCondition).LabelName}`
              : 'condition';
        })
        .join(f.Requirement === 'MEETS_ALL' ? ' and ' : ' or ')}`;
    const dropsSome = filter.DefaultBehavior === 'DROP' || filters.some((f) => f.Behavior === 'DROP');
    return {
      product: 'aws-waf' as const,
      resource: String(cfg.ResourceArn ?? '(web ACL)'),
      file,
      enabled: dest.length > 0,
      destinations: dest.map(awsDestination),
      all_requests: filters.length === 0 || !dropsSome,
      scope:
        filters.length === 0
          ? 'every request'
          : `logging filter: ${filters.map(describe).join('; ')}; otherwise ${filter.DefaultBehavior ?? 'KEEP'}`,
      hidden_detection_fields: hidden,
      redacted,
      // AWS WAF logs every request header (httpRequest.headers) except redacted ones.
      headers: hidden.some((h) => h.startsWith('header')) || redacted.length ? 'some' : 'all',
      body: 'matched-part' as const,
    };
  });
}

const AZURE_CATEGORIES: Record<string, { access: string; waf: string; name: string }> = {
  frontdoor: { access: 'FrontDoorAccessLog', waf: 'FrontDoorWebApplicationFirewallLog', name: 'Front Door' },
  appgw: { access: 'ApplicationGatewayAccessLog', waf: 'ApplicationGatewayFirewallLog', name: 'Application Gateway' },
};

export function azureDiagnosticSettings(doc: unknown, file: string): WafLogging[] {
  const list = Array.isArray(doc) ? doc : arr(obj(doc).value);
  if (!Array.isArray(doc) && !Array.isArray(obj(doc).value))
    throw new ParseError(`${file}: not a diagnostic settings list (az monitor diagnostic-settings list)`);
  return list.map((s) => {
    const setting = obj(s);
    const props = { ...setting, ...obj(setting.properties) };
    const id = String(setting.id ?? setting.name ?? '(diagnostic setting)');
    const kind = /microsoft\.network\/applicationgateways/i.test(id) ? 'appgw' : 'frontdoor';
    const cats = AZURE_CATEGORIES[kind]!;
    const logs = arr(props.logs).map(obj);
    const on = (category: string) =>
      // The allLogs group covers every category; the audit group holds neither of these.
      // Classic Front Door spells its categories FrontdoorAccessLog / FrontdoorWebApplicationFirewallLog.
      logs.some(
        (l) =>
          l.enabled === true &&
          (String(l.category).toLowerCase() === category.toLowerCase() || l.categoryGroup === 'allLogs'),
      );
    const destinations = [
      props.workspaceId ? `Log Analytics ${props.workspaceId}` : '',
      props.storageAccountId ? `storage account ${props.storageAccountId}` : '',
      props.eventHubAuthorizationRuleId
        ? `Event Hub ${props.eventHubName ?? ''} (${props.eventHubAuthorizationRuleId})`.replace('  ', ' ')
        : '',
      props.marketplacePartnerId ? `partner ${props.marketplacePartnerId}` : '',
    ].filter(Boolean);
    const waf = on(cats.waf);
    const access = on(cats.access);
    const enabledCats = [waf ? cats.waf : '', access ? cats.access : ''].filter(Boolean);
    return {
      product: 'azure-waf' as const,
      resource: id.replace(/\/providers\/microsoft\.insights\/diagnosticSettings\/.*$/i, ''),
      file,
      enabled: destinations.length > 0 && (waf || access),
      destinations,
      all_requests: access,
      scope: `${cats.name}: ${enabledCats.join(', ') || 'no log category enabled'}`,
      hidden_detection_fields: [],
      redacted: [],
      // The access log keeps the URI, client IP, User-Agent and referrer, not every header.
      headers: access || waf ? 'some' : 'none',
      body: waf ? ('matched-part' as const) : ('none' as const),
    };
  });
}

const CF_DETECTION_FIELDS: Record<string, string[]> = {
  http_requests: ['ClientIP', 'ClientRequestURI', 'ClientRequestMethod', 'ClientRequestUserAgent'],
  firewall_events: [
    'ClientIP',
    'ClientRequestPath',
    'ClientRequestQuery',
    'ClientRequestMethod',
    'ClientRequestUserAgent',
  ],
};

function cloudflareFields(job: Record<string, unknown>): string[] {
  const names = arr(obj(job.output_options).field_names).filter((f): f is string => typeof f === 'string');
  if (names.length) return names;
  const opts = typeof job.logpull_options === 'string' ? job.logpull_options : '';
  const m = /(?:^|&)fields=([^&]*)/.exec(opts);
  return m ? decodeURIComponent(m[1]!).split(',').filter(Boolean) : [];
}

export function cloudflareLogpush(doc: unknown, file: string): WafLogging[] {
  const root = obj(doc);
  const jobs = Array.isArray(root.result) ? root.result : Array.isArray(doc) ? doc : undefined;
  if (!jobs) throw new ParseError(`${file}: no "result" list of Logpush jobs (GET /zones/{zone_id}/logpush/jobs)`);
  const relevant = jobs.map(obj).filter((j) => j.dataset === 'http_requests' || j.dataset === 'firewall_events');
  if (relevant.length === 0) {
    return [
      {
        product: 'cloudflare',
        resource: '(zone)',
        file,
        enabled: false,
        destinations: [],
        all_requests: false,
        scope: `no http_requests or firewall_events job (${jobs.length} other job(s))`,
        hidden_detection_fields: [],
        redacted: [],
        headers: 'none',
        body: 'none',
      },
    ];
  }
  // One row for the zone: what its enabled jobs together deliver.
  const enabled = relevant.filter((j) => j.enabled === true);
  const datasets = [...new Set(enabled.map((j) => String(j.dataset)))];
  const hidden = new Set<string>();
  let headers: WafLogging['headers'] = 'none';
  for (const j of enabled) {
    const fields = cloudflareFields(j);
    if (fields.length === 0) continue; // no explicit list: the dataset's default fields
    for (const f of CF_DETECTION_FIELDS[String(j.dataset)] ?? []) if (!fields.includes(f)) hidden.add(f);
    if (fields.includes('RequestHeaders')) headers = 'all';
  }
  if (headers === 'none' && enabled.length) headers = 'some';
  const filtered = enabled.filter((j) => j.dataset === 'http_requests' && typeof j.filter === 'string' && j.filter);
  return [
    {
      product: 'cloudflare',
      resource: enabled.map((j) => String(j.name ?? j.id)).join(', ') || '(zone)',
      file,
      enabled: enabled.length > 0,
      destinations: enabled.map((j) => `${j.dataset} → ${String(j.destination_conf ?? '').replace(/\?.*$/, '')}`),
      all_requests: datasets.includes('http_requests') && filtered.length === 0,
      scope:
        `datasets: ${datasets.join(', ') || 'none enabled'}` +
        (filtered.length ? `; http_requests filtered: ${filtered.map((j) => j.filter).join(' ')}` : ''),
      hidden_detection_fields: [...hidden],
      redacted: [],
      headers,
      body: 'none',
    },
  ];
}

const READERS = {
  'export-aws-waf': awsWafLogging,
  'export-azure-diagnostics': azureDiagnosticSettings,
  'export-cloudflare-logpush': cloudflareLogpush,
} as const;

export const cloudWafLogging = defineParser({
  name: 'cloud-waf-logging',
  probes: Object.keys(READERS),
  facts: [
    'configs',
    'configs[].resource',
    'configs[].enabled',
    'configs[].all_requests',
    'configs[].hidden_detection_fields',
    'configs[].headers',
    'configs[].body',
    'logging_on',
    'all_requests',
    'detection_fields_kept',
    'matched_data',
    'destinations',
    'reason',
  ],
  parse: (outputs: Outputs) => {
    const configs: WafLogging[] = [];
    for (const [probe, read] of Object.entries(READERS)) {
      for (const f of exportFiles(outputs, probe)) configs.push(...read(json(f.content, f.path), f.path));
    }
    if (configs.length === 0) throw new ParseError('the exported files hold no logging configuration');
    const reasons = configs.flatMap((c) => {
      const out: string[] = [];
      if (!c.enabled) out.push(`${c.resource}: logging is off (${c.scope})`);
      else if (!c.all_requests) out.push(`${c.resource}: only part of the traffic is logged (${c.scope})`);
      if (c.hidden_detection_fields.length)
        out.push(`${c.resource}: ${c.hidden_detection_fields.join(', ')} redacted or not exported`);
      return out;
    });
    return {
      configs,
      logging_on: configs.length > 0 && configs.every((c) => c.enabled),
      all_requests: configs.length > 0 && configs.every((c) => c.enabled && c.all_requests),
      detection_fields_kept: configs.every((c) => c.hidden_detection_fields.length === 0),
      matched_data: configs.length > 0 && configs.every((c) => c.body === 'matched-part'),
      destinations: [...new Set(configs.flatMap((c) => c.destinations))],
      reason:
        reasons.join('\n') ||
        configs.map((c) => `${c.resource}: ${c.scope} → ${c.destinations.join(', ') || 'nowhere'}`).join('\n'),
    };
  },
});
