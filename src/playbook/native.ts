// socready's native YAML playbook format, for teams without a SOAR: a list of steps (action, approval, condition,
// parallel, loop, playbook, end) converted to the CACAO model. Documented in checks/playbooks/README.md.
import type { Document, LineCounter } from 'yaml';
import { compileSchema } from '../util/validate.js';
import type { AgentTarget, Command, Playbook, Step, ValidationIssue, Variable } from './model.js';
import { yamlSchemaIssues } from './yaml-issues.js';

const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' };
const duration = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^\\d+\\s*(ms|s|m|h|d)$' },
  ],
};
const common = { id, name: { type: 'string' }, description: { type: 'string' } };

const STEP_SCHEMAS = {
  action: {
    required: ['id', 'type', 'integration', 'action'],
    properties: {
      ...common,
      type: { const: 'action' },
      integration: { type: 'string' },
      action: { type: 'string', minLength: 1 },
      args: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      targets: { type: 'array', items: { type: 'string' } },
      outputs: { type: 'array', items: { type: 'string' } },
      timeout: duration,
      next: id,
      on_success: id,
      on_failure: id,
    },
  },
  approval: {
    required: ['id', 'type', 'prompt', 'on_approve'],
    properties: {
      ...common,
      type: { const: 'approval' },
      prompt: { type: 'string' },
      approver: { type: 'string' },
      timeout: duration,
      on_approve: id,
      on_reject: id,
      on_timeout: id,
    },
  },
  condition: {
    required: ['id', 'type', 'if', 'then'],
    // biome-ignore lint/suspicious/noThenProperty: "then" is a field of the native format, not a thenable.
    properties: { ...common, type: { const: 'condition' }, if: { type: 'string', minLength: 1 }, then: id, else: id },
  },
  parallel: {
    required: ['id', 'type', 'branches'],
    properties: {
      ...common,
      type: { const: 'parallel' },
      branches: { type: 'array', minItems: 1, items: id },
      next: id,
    },
  },
  loop: {
    required: ['id', 'type', 'while', 'do', 'max_iterations'],
    properties: {
      ...common,
      type: { const: 'loop' },
      while: { type: 'string' },
      do: id,
      next: id,
      max_iterations: { type: 'integer', minimum: 1 },
    },
  },
  playbook: {
    required: ['id', 'type', 'playbook'],
    properties: { ...common, type: { const: 'playbook' }, playbook: { type: 'string' }, next: id, on_failure: id },
  },
  end: { required: ['id', 'type'], properties: { ...common, type: { const: 'end' } } },
};

export const NATIVE_SCHEMA = {
  type: 'object',
  required: ['socready_playbook', 'id', 'name', 'steps'],
  additionalProperties: false,
  properties: {
    socready_playbook: { const: 1 },
    id,
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    start: id,
    on_error: id,
    max_targets: { type: 'integer', minimum: 1 },
    variables: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string' },
          value: {},
          from: { type: 'string' },
          constant: { type: 'boolean' },
          description: { type: 'string' },
        },
      },
    },
    integrations: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { type: 'string' },
          product: { type: 'string' },
          name: { type: 'string' },
          address: { type: 'string' },
          health: { type: 'string', format: 'uri' },
          token_env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
        },
      },
    },
    allow_lists: {
      type: 'object',
      additionalProperties: false,
      properties: {
        internal_ranges: { type: 'array', items: { type: 'string' } },
        critical_assets: { type: 'array', items: { type: 'string' } },
        protected_accounts: { type: 'array', items: { type: 'string' } },
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: { type: { enum: Object.keys(STEP_SCHEMAS) } },
        allOf: Object.entries(STEP_SCHEMAS).map(([t, s]) => ({
          if: { properties: { type: { const: t } } },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword.
          then: { ...s, additionalProperties: false },
        })),
      },
    },
  },
};

/** Milliseconds, as CACAO's timeout property counts them. */
export function durationMs(x: unknown): number | undefined {
  if (typeof x === 'number') return x * 1000;
  if (typeof x !== 'string') return undefined;
  const m = /^(\d+)\s*(ms|s|m|h|d)$/.exec(x.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

type Obj = Record<string, unknown>;
const s = (x: unknown) => (typeof x === 'string' ? x : undefined);

export function isNativeDoc(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && 'socready_playbook' in doc;
}

export function validateNative(
  value: unknown,
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
): ValidationIssue[] {
  return yamlSchemaIssues(compileSchema(NATIVE_SCHEMA), value, doc, lines, file, 'lenient');
}

export function nativeToModel(doc: Obj, source: string): Playbook {
  const rawSteps = (Array.isArray(doc.steps) ? doc.steps : []).filter(
    (x): x is Obj => typeof x === 'object' && x !== null,
  );
  const integrations = (doc.integrations ?? {}) as Record<string, Obj>;
  const agents: Record<string, AgentTarget> = {};
  for (const [name, def] of Object.entries(integrations)) {
    const address = s(def.address);
    agents[name] = {
      id: name,
      type: s(def.type) ?? 'http-api',
      name: s(def.name) ?? name,
      product: s(def.product),
      address: address ? { [/^https?:/.test(address) ? 'url' : 'dname']: [address] } : undefined,
      health_url: s(def.health),
      token_env: s(def.token_env),
    };
  }
  const variables: Record<string, Variable> = {};
  for (const [name, def] of Object.entries((doc.variables ?? {}) as Record<string, Obj>)) {
    variables[name] = {
      type: s(def.type) ?? 'string',
      value: def.value,
      from_alert: s(def.from),
      constant: def.constant === true,
      external: def.from !== undefined,
      description: s(def.description),
    };
  }
  const steps: Record<string, Step> = {};
  for (const r of rawSteps) {
    const sid = String(r.id);
    const base = { id: sid, name: s(r.name), description: s(r.description) };
    switch (r.type) {
      case 'action': {
        const integration = s(r.integration) ?? '';
        const args = Object.fromEntries(Object.entries((r.args ?? {}) as Obj).map(([k, v]) => [k, String(v)]));
        const cmd: Command = {
          type: agents[integration]?.type ?? 'http-api',
          command: `${String(r.action)} ${Object.entries(args)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`.trim(),
        };
        steps[sid] = {
          ...base,
          type: 'action',
          commands: [cmd],
          agent: integration || undefined,
          targets: Array.isArray(r.targets) ? (r.targets as string[]) : undefined,
          out_args: Array.isArray(r.outputs) ? (r.outputs as string[]) : undefined,
          verb: String(r.action),
          args,
          timeout: durationMs(r.timeout),
          on_completion: s(r.next),
          on_success: s(r.on_success),
          on_failure: s(r.on_failure),
        };
        break;
      }
      case 'approval': {
        const approver = s(r.approver) ?? 'approver';
        agents[approver] ??= { id: approver, type: 'individual', name: approver };
        steps[sid] = {
          ...base,
          type: 'action',
          approval: true,
          commands: [{ type: 'manual', command: String(r.prompt) }],
          agent: approver,
          timeout: durationMs(r.timeout),
          on_success: s(r.on_approve),
          on_failure: s(r.on_reject) ?? s(r.on_timeout),
        };
        break;
      }
      case 'condition':
        steps[sid] = {
          ...base,
          type: 'if-condition',
          condition: String(r.if),
          on_true: s(r.then),
          on_false: s(r.else),
        };
        break;
      case 'parallel':
        steps[sid] = { ...base, type: 'parallel', next_steps: r.branches as string[], on_completion: s(r.next) };
        break;
      case 'loop':
        steps[sid] = {
          ...base,
          type: 'while-condition',
          condition: String(r.while),
          on_true: s(r.do),
          on_false: s(r.next),
          max_iterations: typeof r.max_iterations === 'number' ? r.max_iterations : undefined,
        };
        break;
      case 'playbook':
        steps[sid] = {
          ...base,
          type: 'playbook-action',
          playbook_id: String(r.playbook),
          on_completion: s(r.next),
          on_failure: s(r.on_failure),
        };
        break;
      default:
        steps[sid] = { ...base, type: 'end' };
    }
  }
  // The native format has no start step; a synthetic one points at `start` or the first step.
  const first = s(doc.start) ?? s(rawSteps[0]?.id) ?? '';
  const startId = steps.start ? '__start__' : 'start';
  steps[startId] = { id: startId, type: 'start', name: 'start', on_completion: first };
  const al = (doc.allow_lists ?? undefined) as Playbook['allow_lists'];
  return {
    id: String(doc.id),
    name: String(doc.name),
    description: s(doc.description),
    format: 'native',
    source,
    start: startId,
    exception: s(doc.on_error),
    steps,
    agents,
    targets: {},
    variables,
    embedded_credentials: [],
    allow_lists: al,
    max_targets: typeof doc.max_targets === 'number' ? doc.max_targets : undefined,
  };
}
