// The SIEM -> SOAR -> WAF -> SIEM loop, hop by hop, from what the scan measured: (1) the SIEM hands its alerts to
// the SOAR (products.siem.alerts-to-soar, and its endpoint is the SOAR's), (2) the SOAR side knows the SIEM (its own
// list API shows an integration for it, products.soar.siem-integration; else the playbooks' agents/targets name
// it), (3) the WAF's block API answers the playbook's credentials read-only (the integration readiness probe), (4)
// the WAF's own logs reach the SIEM so a block is confirmed (the source map's waf class). A hop nothing measured is
// `unknown`, never `ok`.
import type { Finding, Report, Target } from '../model.js';
import { endpointUrl, MASKED_HOOK } from '../parsers/products/endpoint-url.js';
import type { IntegrationStatus } from './readiness.js';

/** How the SIEM -> SOAR facts name a Sentinel playbook (src/parsers/products/alert-forwarding.ts). */
const LOGIC_APP_ENDPOINT = 'logic-app:';

/** The check whose observed endpoints the SIEM -> SOAR hop reads. */
export const SIEM_TO_SOAR_CHECK = 'products.siem.alerts-to-soar';
/** The SOAR side of the same hop: the integrations the SOAR's own list APIs show (src/parsers/products/soar-*). */
export const SOAR_INTEGRATION_CHECK = 'products.soar.siem-integration';

/** What the loop reads of a finding once the scan has set the rest aside: endpoints or integrations, and reason. */
export function loopFactsOnly(f: Finding): Pick<Finding, 'observed' | 'reason'> | undefined {
  const key = f.check === SIEM_TO_SOAR_CHECK ? 'endpoints' : f.check === SOAR_INTEGRATION_CHECK ? 'integrations' : '';
  if (!key) return undefined;
  return {
    ...(f.observed?.[key] !== undefined ? { observed: { [key]: f.observed[key] } } : {}),
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
  };
}

/** One SIEM integration as the SOAR lists it (the observed `integrations` of SOAR_INTEGRATION_CHECK). */
interface SoarListed {
  name: string;
  kind: 'asset' | 'app' | 'webhook';
  product: string;
  hosts: string[];
  /** false for a webhook (anything may post to it); absent in reports from before it was recorded. */
  siem?: boolean;
  url?: string;
  status?: string;
  workflow?: string;
}

/** What the loop reads of a playbook dry-run (a PlaybookResult of ./analyse.ts, which imports this module). */
interface PlaybookResult {
  playbook: { id: string };
  integrations: IntegrationStatus[];
}

export type HopStatus = 'ok' | 'declared' | 'fail' | 'unknown' | 'not-applicable';

export interface LoopHop {
  id: 'siem-to-soar' | 'soar-knows-siem' | 'waf-block-api' | 'waf-logs-in-siem';
  name: string;
  status: HopStatus;
  detail: string;
  /** Finding refs (finding:<check>@<target>) or playbook ids behind the status. */
  evidence: string[];
}

const SIEM_WORDS = /siem|elastic|kibana|splunk|sentinel|wazuh|qradar|opensearch|chronicle|logrhythm/i;
const WAF_WORDS = /waf|modsecurity|cloudflare|imperva|akamai|f5|fortiweb|barracuda|azure[- ]front[- ]door/i;

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The host of a SIEM -> SOAR endpoint: a full URL now, a bare host[:port] in reports from before. */
const endpointHost = (e: string) => (e.includes('://') ? (hostOf(e) ?? e) : e.toLowerCase());

const ref = (f: Finding) => `finding:${f.check}@${f.target}`;

function siemToSoar(findings: Finding[], soar: Target[]): LoopHop {
  const name = 'SIEM hands its alerts to the SOAR';
  const fs = findings.filter((f) => f.check === SIEM_TO_SOAR_CHECK && f.status !== 'not-applicable');
  if (fs.length === 0)
    return {
      id: 'siem-to-soar',
      name,
      status: 'unknown',
      detail:
        'no SIEM rule-action API was read (add the SIEM as a target with api.product kibana, splunk or sentinel ' +
        'with api.management_url)',
      evidence: [],
    };
  const soarHosts = soar.map((t) => hostOf(t.api?.url)).filter((h): h is string => h !== undefined);
  const passed = fs.filter((f) => f.status === 'pass');
  const urls = [...new Set(passed.flatMap((f) => (f.observed?.endpoints as string[] | undefined) ?? []))];
  const endpoints = [...new Set(urls.map(endpointHost))];
  const reasons = fs.map((f) => `${f.target}: ${f.reason ?? f.status}`).join('; ');
  if (passed.length === 0) {
    const status = fs.some((f) => f.status === 'fail' || f.status === 'warn') ? 'fail' : 'unknown';
    return { id: 'siem-to-soar', name, status, detail: reasons, evidence: fs.map(ref) };
  }
  // Sentinel's automation rules run Logic App playbooks: Azure's own SOAR. Whether a Logic App then calls another
  // SOAR is inside the workflow, which socready does not read: declared, not measured.
  const logicApps = endpoints.filter((h) => h.startsWith(LOGIC_APP_ENDPOINT));
  if (soarHosts.length > 0 && logicApps.length > 0 && !endpoints.some((h) => soarHosts.includes(h)))
    return {
      id: 'siem-to-soar',
      name,
      status: 'declared',
      detail:
        `alerts go to Logic App playbooks (${logicApps.map((h) => h.slice(LOGIC_APP_ENDPOINT.length)).join(', ')}); ` +
        `whether they reach the SOAR (${soarHosts.join(', ')}) is not measured; ${reasons}`,
      evidence: fs.map(ref),
    };
  if (soarHosts.length > 0 && !endpoints.some((h) => soarHosts.includes(h)))
    return {
      id: 'siem-to-soar',
      name,
      status: 'fail',
      detail: `alerts go to ${endpoints.join(', ')}, not to the SOAR (${soarHosts.join(', ')}); ${reasons}`,
      evidence: fs.map(ref),
    };
  const to = soarHosts.length > 0 ? `the SOAR (${endpoints.filter((h) => soarHosts.includes(h)).join(', ')})` : '';
  return {
    id: 'siem-to-soar',
    name,
    status: 'ok',
    detail: (to ? `alerts go to ${to}; ` : 'no SOAR target declared to compare the endpoint with; ') + reasons,
    evidence: fs.map(ref),
  };
}

function integrationsOf(results: PlaybookResult[], words: RegExp): { i: IntegrationStatus; playbook: string }[] {
  return results.flatMap((r) =>
    r.integrations
      .filter((i) => words.test([i.type, i.product ?? '', i.name ?? '', i.id].join(' ')))
      .map((i) => ({ i, playbook: r.playbook.id })),
  );
}

/**
 * The hop from the SOAR's side, when a SOAR's list API was read: confirmed when the SOAR lists an integration for a
 * SIEM of the inventory (an asset or app of a SIEM product pointing at the SIEM's host) or when the very webhook the
 * SIEM's connector posts to (the same URL, path included: every webhook of a SOAR lives on its one host) is running.
 * The SIEM posting to a stopped webhook fails, whatever else runs. A webhook nothing is seen posting to is declared,
 * never proof. Undefined: no SOAR API was read (the playbooks' agents and targets decide instead).
 */
function soarListsSiem(findings: Finding[], targets: Target[]): LoopHop | undefined {
  const name = 'The SOAR lists an integration for the SIEM (its own list API)';
  const fs = findings.filter((f) => f.check === SOAR_INTEGRATION_CHECK && f.status !== 'not-applicable');
  if (fs.length === 0) return undefined;
  const evidence = fs.map(ref);
  const reasons = fs.map((f) => `${f.target}: ${f.reason ?? f.status}`).join('; ');
  // Webhooks are read from an inconclusive finding too: a SOAR listing only webhooks is inconclusive on its own.
  const listed = fs
    .filter((f) => f.status === 'pass' || f.status === 'fail' || f.status === 'inconclusive')
    .flatMap((f) => ((f.observed?.integrations as SoarListed[] | undefined) ?? []).map((i) => ({ i, soar: f.target })));
  if (listed.length === 0) {
    const status = fs.some((f) => f.status === 'fail') ? 'fail' : 'unknown';
    return { id: 'soar-knows-siem', name, status, detail: reasons, evidence };
  }
  const siemHosts = new Set(
    targets
      .filter((t) => t.kind === 'siem')
      .flatMap((t) => [hostOf(t.api?.url), t.address.toLowerCase()])
      .filter((h): h is string => h !== undefined),
  );
  const bare = (h: string) => h.replace(/:\d+$/, '');
  const pointsAtSiem = (i: SoarListed) =>
    i.kind !== 'webhook' && i.hosts.some((h) => siemHosts.has(h) || siemHosts.has(bare(h)));
  const sentTo = new Set(
    findings
      .filter((f) => f.check === SIEM_TO_SOAR_CHECK && f.status === 'pass')
      .flatMap((f) => (f.observed?.endpoints as string[] | undefined) ?? [])
      .map((e) => endpointUrl(e))
      .filter((u): u is string => u !== undefined),
  );
  const postedTo = (i: SoarListed) => {
    const url = i.kind === 'webhook' ? endpointUrl(i.url) : undefined;
    return url !== undefined && !url.endsWith(MASKED_HOOK) && sentTo.has(url);
  };
  // Reports from before the status was recorded listed running webhooks only.
  const running = (i: SoarListed) => (i.status ?? 'running') === 'running';
  const said = (x: { i: SoarListed; soar: string }) =>
    `${x.soar}: ${x.i.name} (${x.i.kind}${x.i.status && !running(x.i) ? `, ${x.i.status}` : ''}` +
    `${x.i.url ? ` at ${x.i.url}` : x.i.hosts.length ? ` -> ${x.i.hosts.join(', ')}` : ''})`;
  const dead = listed.filter((x) => postedTo(x.i) && !running(x.i));
  if (dead.length > 0 && !listed.some((x) => postedTo(x.i) && running(x.i)))
    return {
      id: 'soar-knows-siem',
      name,
      status: 'fail',
      detail:
        'the SIEM posts its alerts to a webhook that is not running (it receives nothing): ' +
        dead.map(said).join('; '),
      evidence,
    };
  const confirmed = listed.filter((x) => pointsAtSiem(x.i) || (postedTo(x.i) && running(x.i)));
  if (confirmed.length > 0)
    return {
      id: 'soar-knows-siem',
      name,
      status: 'ok',
      detail: `confirmed from both sides: ${confirmed.map(said).join('; ')}`,
      evidence,
    };
  const hooks = listed.filter((x) => x.i.kind === 'webhook');
  const siem = listed.filter((x) => x.i.kind !== 'webhook');
  // A webhook may still be where the SIEM posts while the SIEM's connector was not read: declared, not failed.
  const known = sentTo.size > 0 || (siem.length > 0 && siemHosts.size > 0);
  const unmatched =
    hooks.length > 0 ? `webhooks no SIEM connector is seen posting to (not proof): ${hooks.map(said).join('; ')}` : '';
  return {
    id: 'soar-knows-siem',
    name,
    status: known ? 'fail' : 'declared',
    detail:
      (known
        ? `the SOAR's SIEM integrations point at neither the SIEM (${[...siemHosts].join(', ') || 'no host'}) nor ` +
          `the URL the SIEM sends to (${[...sentTo].join(', ') || 'none measured'}): `
        : 'no SIEM target or measured connector to compare with: ') +
      [siem.map(said).join('; '), unmatched].filter((t) => t !== '').join('; '),
    evidence,
  };
}

function soarKnowsSiem(results: PlaybookResult[]): LoopHop {
  const name = "The SOAR's playbooks name the SIEM (agents/targets)";
  const found = integrationsOf(results, SIEM_WORDS);
  if (results.length === 0)
    return { id: 'soar-knows-siem', name, status: 'unknown', detail: 'no playbook was analysed', evidence: [] };
  if (found.length === 0)
    return {
      id: 'soar-knows-siem',
      name,
      status: 'fail',
      detail: 'no playbook agent or target is a SIEM: the playbooks cannot query or update the alert they answer',
      evidence: results.map((r) => `playbook:${r.playbook.id}`),
    };
  const ready = found.filter((f) => f.i.status === 'ready');
  return {
    id: 'soar-knows-siem',
    name,
    status: ready.length > 0 ? 'ok' : 'declared',
    detail: found
      .map((f) => `${f.playbook}: ${f.i.name ?? f.i.id} (${f.i.product ?? f.i.type}) ${f.i.status}`)
      .join('; '),
    evidence: [...new Set(found.map((f) => `playbook:${f.playbook}`))],
  };
}

function wafBlockApi(results: PlaybookResult[]): LoopHop {
  const name = "The WAF's block API answers the playbook's credentials (read-only)";
  const found = integrationsOf(results, WAF_WORDS);
  if (found.length === 0)
    return {
      id: 'waf-block-api',
      name,
      status: results.length === 0 ? 'unknown' : 'not-applicable',
      detail: results.length === 0 ? 'no playbook was analysed' : 'no playbook calls a WAF',
      evidence: [],
    };
  const text = found.map(
    (f) => `${f.playbook}: ${f.i.name ?? f.i.id} ${f.i.status}${f.i.detail ? ` (${f.i.detail})` : ''}`,
  );
  const statuses = new Set(found.map((f) => f.i.status));
  const status: HopStatus = [...statuses].every((s) => s === 'ready')
    ? 'ok'
    : [...statuses].some((s) =>
          ['auth-failed', 'unreachable', 'http-error', 'missing-credentials', 'refused'].includes(s),
        )
      ? 'fail'
      : 'unknown';
  const hint =
    status === 'unknown'
      ? '; not probed: give an integrations file whose health_url lists the WAF rules or IP sets (GET), and --probe'
      : '';
  return {
    id: 'waf-block-api',
    name,
    status,
    detail: text.join('; ') + hint,
    evidence: [...new Set(found.map((f) => `playbook:${f.playbook}`))],
  };
}

function wafLogs(report: Report): LoopHop {
  const name = "The WAF's logs arrive in the SIEM (a block is confirmed)";
  const cls = report.analyses.sources?.details.classes.find((c) => c.id === 'waf');
  if (!cls) return { id: 'waf-logs-in-siem', name, status: 'unknown', detail: 'no source map', evidence: [] };
  const status: HopStatus =
    cls.status === 'measured'
      ? 'ok'
      : cls.status === 'declared'
        ? 'declared'
        : cls.status === 'missing'
          ? 'fail'
          : cls.status === 'not-in-estate'
            ? 'not-applicable'
            : 'unknown';
  const detail = `source map class waf: ${cls.status} (${cls.reason.en})`;
  return { id: 'waf-logs-in-siem', name, status, detail, evidence: cls.evidence };
}

/** The loop's hops with their statuses, in the order an alert travels. */
export function alertLoop(report: Report, targets: Target[]): LoopHop[] {
  const results = (report.analyses.playbooks?.details as { results?: PlaybookResult[] } | undefined)?.results ?? [];
  return [
    siemToSoar(
      report.findings,
      targets.filter((t) => t.kind === 'soar'),
    ),
    // The SOAR's own list API when one was read; the playbooks' agent/target definitions otherwise.
    soarListsSiem(report.findings, targets) ?? soarKnowsSiem(results),
    wafBlockApi(results),
    wafLogs(report),
  ];
}
