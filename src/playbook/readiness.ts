// Integration readiness: which products the automated steps need, and (only when asked) whether each one exists, is
// reachable and accepts the configured credentials, through the read-only probe and nothing else.
import { InputError, compileSchema, readYamlFile, validateDoc } from '../util/validate.js';
import type { Playbook } from './model.js';
import { ReadOnlyProbe, type AllowedProbe, type ProbeOutcome } from './readonly-probe.js';
import { isHumanAgent, profileAction } from './risk.js';

export interface IntegrationEndpoint {
  /** Agent/target id or name, or product/brand (case-insensitive). */
  match: string;
  health_url: string;
  method?: 'GET' | 'HEAD';
  token_env?: string;
}

export interface IntegrationStatus {
  id: string;
  name?: string;
  type: string;
  product?: string;
  used_by: string[];
  health_url?: string;
  status:
    | 'ready'
    | 'not-configured'
    | 'not-checked'
    | 'auth-failed'
    | 'unreachable'
    | 'http-error'
    | 'missing-credentials'
    | 'refused';
  http_status?: number;
  detail?: string;
}

const CONFIG_SCHEMA = {
  type: 'object',
  required: ['integrations'],
  additionalProperties: false,
  properties: {
    integrations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['match', 'health_url'],
        additionalProperties: false,
        properties: {
          match: { type: 'string', minLength: 1 },
          health_url: { type: 'string', format: 'uri', pattern: '^https?://' },
          method: { enum: ['GET', 'HEAD'] },
          token_env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
        },
      },
    },
  },
};

/** Reads an integrations file (YAML or JSON): `integrations: [{match, health_url, method?, token_env?}]`. */
export function loadIntegrationConfig(file: string): IntegrationEndpoint[] {
  const parsed = readYamlFile(file);
  if (parsed.docs.length !== 1) throw new InputError(file, 'expected one document');
  return validateDoc<{ integrations: IntegrationEndpoint[] }>(parsed, 0, compileSchema(CONFIG_SCHEMA)).integrations;
}

/** The products the automated actions of a playbook need (agents and non-human targets). */
export function integrationsOf(pb: Playbook): IntegrationStatus[] {
  const out = new Map<string, IntegrationStatus>();
  for (const s of Object.values(pb.steps)) {
    if (s.type !== 'action') continue;
    const profile = profileAction(pb, s);
    if (profile.manual) continue;
    for (const id of [s.agent, ...(s.targets ?? [])]) {
      if (!id || isHumanAgent(pb, id)) continue;
      const def = pb.agents[id] ?? pb.targets[id];
      const entry = out.get(id) ?? {
        id,
        name: def?.name,
        type: def?.type ?? 'unknown',
        product: def?.product,
        used_by: [],
        status: 'not-configured',
        health_url: def?.health_url,
      };
      entry.used_by.push(s.id);
      out.set(id, entry);
    }
  }
  return [...out.values()];
}

function endpointFor(i: IntegrationStatus, config: IntegrationEndpoint[]): IntegrationEndpoint | undefined {
  const keys = [i.id, i.name, i.product].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  return config.find((c) => keys.includes(c.match.toLowerCase()));
}

const STATUS: Record<ProbeOutcome['status'], IntegrationStatus['status']> = {
  ok: 'ready',
  'auth-failed': 'auth-failed',
  'http-error': 'http-error',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  refused: 'refused',
  'missing-credentials': 'missing-credentials',
};

/**
 * Readiness of each integration. Without `probe`, nothing leaves the machine ("not-checked"). With it, each
 * configured health endpoint gets exactly one GET/HEAD through a ReadOnlyProbe whose allow-list holds those
 * endpoints only.
 */
export async function checkReadiness(
  pb: Playbook,
  opts: { config?: IntegrationEndpoint[]; probe?: boolean; client?: ReadOnlyProbe; timeoutMs?: number } = {},
): Promise<IntegrationStatus[]> {
  const list = integrationsOf(pb);
  const config = opts.config ?? [];
  const allowed: AllowedProbe[] = [];
  // Only the operator's integrations file may name what is probed and with which credential: a playbook under
  // review is untrusted input, and a health URL plus token_env of its own choosing would send any environment
  // variable to any host. What the playbook declares is listed, never probed.
  const declaredOnly = new Set<IntegrationStatus>();
  for (const i of list) {
    const ep = endpointFor(i, config);
    if (ep) {
      i.health_url = ep.health_url;
      allowed.push({ url: ep.health_url, method: ep.method ?? 'GET', token_env: ep.token_env });
    } else if (i.health_url) declaredOnly.add(i);
  }
  if (!opts.probe) {
    for (const i of list) if (i.health_url) i.status = 'not-checked';
    return list;
  }
  for (const i of declaredOnly) {
    i.status = 'not-checked';
    i.detail = 'declared by the playbook, not probed: only endpoints in the --integrations file are probed';
  }
  const client = opts.client ?? new ReadOnlyProbe(allowed, opts.timeoutMs);
  for (const i of list) {
    if (!i.health_url || declaredOnly.has(i)) continue;
    const a = allowed.find((x) => x.url === i.health_url)!;
    const r = await client.probe(i.health_url, a.method);
    i.status = STATUS[r.status];
    i.http_status = r.http_status;
    i.detail = r.detail;
  }
  return list;
}
