// JSON Schemas for CACAO 2.0 written for socready, in two tiers (see ../shared/playbooks/README.md for why):
// - strict: what the OASIS CACAO Security Playbooks v2.0 specification allows (types from its vocabularies, the
//   properties each object may carry, identifier shapes);
// - lenient: what a real executor needs to run the file. Extension agent, target and command types (SOARCA's
//   `soarca`, `soarca-manual`, `openc2`) pass with a warning; only what breaks the workflow is an error.
// Each piece (playbook, step, command, agent-target, variable) is validated on its own so a message names the path.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from '../util/validate.js';
import { STEP_TYPES, type StepType, type ValidationIssue } from './model.js';

export const CACAO_COMMAND_TYPES = [
  'manual',
  'bash',
  'caldera-cmd',
  'elastic',
  'http-api',
  'jupyter',
  'kestrel',
  'openc2-http',
  'powershell',
  'sigma',
  'ssh',
  'stix',
  'yara',
];

export const CACAO_AGENT_TARGET_TYPES = [
  'group',
  'individual',
  'location',
  'organization',
  'sector',
  'http-api',
  'linux',
  'net-address',
  'security-category',
  'ssh',
];

export const CACAO_VARIABLE_TYPES = [
  'bool',
  'dictionary',
  'float',
  'hexstring',
  'integer',
  'ipv4-addr',
  'ipv6-addr',
  'long',
  'mac-addr',
  'hash',
  'md5-hash',
  'sha256-hash',
  'string',
  'uri',
  'uuid',
];

export const CACAO_AUTH_TYPES = ['http-basic', 'oauth2', 'user-auth'];

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const identifier = (prefix: string) => ({ type: 'string', pattern: `^${prefix}--${UUID}$` });
const anyIdentifier = { type: 'string', pattern: `^[a-z0-9][a-z0-9-]*--${UUID}$` };
const timestamp = { type: 'string', format: 'date-time' };
const stringList = { type: 'array', items: { type: 'string' } };
const score = { type: 'integer', minimum: 0, maximum: 100 };

const STRICT_PLAYBOOK = {
  type: 'object',
  required: ['type', 'spec_version', 'id', 'name', 'created_by', 'created', 'modified', 'workflow_start', 'workflow'],
  additionalProperties: false,
  properties: {
    type: { const: 'playbook' },
    spec_version: { const: 'cacao-2.0' },
    id: identifier('playbook'),
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    playbook_types: stringList,
    playbook_activities: stringList,
    playbook_processing_summary: { type: 'object' },
    created_by: anyIdentifier,
    created: timestamp,
    modified: timestamp,
    revoked: { type: 'boolean' },
    valid_from: timestamp,
    valid_until: timestamp,
    derived_from: { type: 'array', items: identifier('playbook') },
    related_to: stringList,
    priority: score,
    severity: score,
    impact: score,
    industry_sectors: stringList,
    labels: stringList,
    external_references: { type: 'array', items: { type: 'object', required: ['name'] } },
    markings: stringList,
    playbook_variables: { type: 'object' },
    workflow_start: anyIdentifier,
    workflow_exception: anyIdentifier,
    workflow: { type: 'object', minProperties: 1 },
    playbook_extensions: { type: 'object' },
    authentication_info_definitions: { type: 'object' },
    agent_definitions: { type: 'object' },
    target_definitions: { type: 'object' },
    extension_definitions: { type: 'object' },
    data_marking_definitions: { type: 'object' },
    signatures: { type: 'array' },
  },
};

const LENIENT_PLAYBOOK = {
  type: 'object',
  required: ['workflow_start', 'workflow'],
  properties: {
    type: { const: 'playbook' },
    id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    workflow_start: { type: 'string', minLength: 1 },
    workflow_exception: { type: 'string' },
    workflow: { type: 'object', minProperties: 1, additionalProperties: { type: 'object' } },
    playbook_variables: { type: 'object', additionalProperties: { type: 'object' } },
    agent_definitions: { type: 'object', additionalProperties: { type: 'object' } },
    target_definitions: { type: 'object', additionalProperties: { type: 'object' } },
    authentication_info_definitions: { type: 'object', additionalProperties: { type: 'object' } },
  },
};

const COMMON_STEP_PROPS = {
  type: { enum: STEP_TYPES },
  name: { type: 'string' },
  description: { type: 'string' },
  external_references: { type: 'array' },
  delay: { type: 'integer', minimum: 0 },
  timeout: { type: 'integer', minimum: 0 },
  step_variables: { type: 'object' },
  owner: { type: 'string' },
  on_completion: anyIdentifier,
  on_success: anyIdentifier,
  on_failure: anyIdentifier,
  step_extensions: { type: 'object' },
};

const STRICT_STEP_EXTRA: Record<StepType, { required: string[]; properties: Record<string, unknown> }> = {
  start: { required: [], properties: {} },
  end: { required: [], properties: {} },
  action: {
    required: ['commands'],
    properties: {
      commands: { type: 'array', minItems: 1, items: { type: 'object' } },
      agent: anyIdentifier,
      targets: { type: 'array', items: anyIdentifier },
      in_args: stringList,
      out_args: stringList,
    },
  },
  'playbook-action': {
    required: ['playbook_id'],
    properties: {
      playbook_id: identifier('playbook'),
      playbook_version: { type: 'string' },
      agent: anyIdentifier,
      targets: { type: 'array', items: anyIdentifier },
      in_args: stringList,
      out_args: stringList,
    },
  },
  parallel: {
    required: ['next_steps'],
    properties: { next_steps: { type: 'array', minItems: 2, items: anyIdentifier } },
  },
  'if-condition': {
    required: ['condition', 'on_true'],
    properties: { condition: { type: 'string', minLength: 1 }, on_true: anyIdentifier, on_false: anyIdentifier },
  },
  'while-condition': {
    required: ['condition', 'on_true'],
    properties: { condition: { type: 'string', minLength: 1 }, on_true: anyIdentifier, on_false: anyIdentifier },
  },
  'switch-condition': {
    required: ['switch', 'cases'],
    properties: {
      switch: { type: 'string', minLength: 1 },
      cases: { type: 'object', additionalProperties: anyIdentifier },
    },
  },
};

function strictStepSchema(type: StepType): object {
  const extra = STRICT_STEP_EXTRA[type];
  const common: Record<string, unknown> = { ...COMMON_STEP_PROPS };
  // An end step has nowhere to go; the specification forbids the on_* properties there.
  if (type === 'end') for (const k of ['on_completion', 'on_success', 'on_failure']) delete common[k];
  return {
    type: 'object',
    required: ['type', ...extra.required],
    additionalProperties: false,
    properties: { ...common, ...extra.properties, type: { const: type } },
  };
}

const LENIENT_STEP_EXTRA: Partial<Record<StepType, object>> = {
  action: {
    required: ['commands'],
    properties: { commands: { type: 'array', minItems: 1, items: { type: 'object' } } },
  },
  'playbook-action': { required: ['playbook_id'], properties: { playbook_id: { type: 'string' } } },
  parallel: {
    required: ['next_steps'],
    properties: { next_steps: { type: 'array', minItems: 1, items: { type: 'string' } } },
  },
  'if-condition': {
    required: ['condition', 'on_true'],
    properties: { condition: { type: 'string' }, on_true: { type: 'string' } },
  },
  'while-condition': {
    required: ['condition', 'on_true'],
    properties: { condition: { type: 'string' }, on_true: { type: 'string' } },
  },
  'switch-condition': {
    required: ['switch', 'cases'],
    properties: { switch: { type: 'string' }, cases: { type: 'object', additionalProperties: { type: 'string' } } },
  },
};

function lenientStepSchema(type: StepType): object {
  const extra = (LENIENT_STEP_EXTRA[type] ?? { required: [], properties: {} }) as {
    required: string[];
    properties: object;
  };
  return {
    type: 'object',
    required: ['type', ...extra.required],
    properties: {
      type: { const: type },
      on_completion: { type: 'string' },
      on_success: { type: 'string' },
      on_failure: { type: 'string' },
      timeout: { type: 'number', minimum: 0 },
      ...extra.properties,
    },
  };
}

const STRICT_COMMAND = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: CACAO_COMMAND_TYPES },
    description: { type: 'string' },
    command: { type: 'string' },
    command_b64: { type: 'string', contentEncoding: 'base64' },
    version: { type: 'string' },
    playbook_activity: { type: 'string' },
    headers: { type: 'object', additionalProperties: stringList },
    content: { type: 'string' },
    content_b64: { type: 'string' },
  },
  anyOf: [{ required: ['command'] }, { required: ['command_b64'] }],
};

const LENIENT_COMMAND = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', minLength: 1 }, command: { type: 'string' }, command_b64: { type: 'string' } },
  anyOf: [{ required: ['command'] }, { required: ['command_b64'] }],
};

const STRICT_AGENT_TARGET = {
  type: 'object',
  required: ['type', 'name'],
  additionalProperties: false,
  properties: {
    type: { enum: CACAO_AGENT_TARGET_TYPES },
    name: { type: 'string' },
    description: { type: 'string' },
    location: { type: 'object' },
    agent_target_extensions: { type: 'object' },
    contact: { type: 'object' },
    logical: stringList,
    sector: { type: 'string' },
    address: { type: 'object', additionalProperties: stringList },
    port: { type: 'string' },
    authentication_info: anyIdentifier,
    category: stringList,
  },
};

const LENIENT_AGENT_TARGET = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', minLength: 1 }, address: { type: 'object' } },
};

const STRICT_VARIABLE = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: CACAO_VARIABLE_TYPES },
    description: { type: 'string' },
    value: {},
    constant: { type: 'boolean' },
    external: { type: 'boolean' },
  },
};

const LENIENT_VARIABLE = { type: 'object', properties: { type: { type: 'string' } } };

const STRICT_AUTH = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: CACAO_AUTH_TYPES } },
};

function issuesFrom(fn: ValidateFunction, value: unknown, base: string, tier: 'strict' | 'lenient'): ValidationIssue[] {
  if (fn(value)) return [];
  const errors = (fn.errors ?? []).filter((e) => e.keyword !== 'anyOf' || (fn.errors ?? []).length === 1);
  return dedupe(errors.map((e) => ({ tier, level: 'error' as const, path: pathOf(base, e), message: messageOf(e) })));
}

function pathOf(base: string, e: ErrorObject): string {
  const extra =
    e.keyword === 'additionalProperties' ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : '';
  return `${base}${e.instancePath}${extra}` || '/';
}

function messageOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return 'property not allowed by the CACAO 2.0 specification';
    case 'required':
      return `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'const':
      return `must be "${String((e.params as { allowedValue: unknown }).allowedValue)}"`;
    case 'pattern':
      return 'is not a CACAO identifier of the form <type>--<UUID>';
    case 'anyOf':
      return 'needs "command" or "command_b64"';
    default:
      return e.message ?? e.keyword;
  }
}

function dedupe(list: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const k = `${i.tier}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const v = {
  strictPlaybook: () => compileSchema(STRICT_PLAYBOOK),
  lenientPlaybook: () => compileSchema(LENIENT_PLAYBOOK),
  strictCommand: () => compileSchema(STRICT_COMMAND),
  lenientCommand: () => compileSchema(LENIENT_COMMAND),
  strictAgent: () => compileSchema(STRICT_AGENT_TARGET),
  lenientAgent: () => compileSchema(LENIENT_AGENT_TARGET),
  strictVariable: () => compileSchema(STRICT_VARIABLE),
  lenientVariable: () => compileSchema(LENIENT_VARIABLE),
  strictAuth: () => compileSchema(STRICT_AUTH),
};
const strictSteps = new Map<StepType, object>(STEP_TYPES.map((t) => [t, strictStepSchema(t)]));
const lenientSteps = new Map<StepType, object>(STEP_TYPES.map((t) => [t, lenientStepSchema(t)]));

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates a CACAO document in both tiers. Strict violations are reported with tier "strict" (level error: the file
 * is not conformant); lenient violations with tier "lenient" decide whether socready can model the playbook at all.
 * Extension types accepted by the lenient tier are reported there as warnings.
 */
export function validateCacao(doc: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  out.push(...issuesFrom(v.strictPlaybook(), doc, '', 'strict'));
  const lenientTop = issuesFrom(v.lenientPlaybook(), doc, '', 'lenient');
  out.push(...lenientTop);
  if (!isObj(doc) || !isObj(doc.workflow)) return out;

  for (const [id, raw] of Object.entries(doc.workflow)) {
    const base = `/workflow/${esc(id)}`;
    if (!isObj(raw)) continue;
    const type = raw.type as StepType;
    if (!STEP_TYPES.includes(type)) {
      out.push({
        tier: 'lenient',
        level: 'error',
        path: `${base}/type`,
        message: `unknown step type "${String(raw.type)}"`,
      });
      continue;
    }
    out.push(...issuesFrom(compileSchema(strictSteps.get(type)!), raw, base, 'strict'));
    out.push(...issuesFrom(compileSchema(lenientSteps.get(type)!), raw, base, 'lenient'));
    const prefix = id.split('--')[0];
    if (prefix !== type) {
      out.push({
        tier: 'strict',
        level: 'error',
        path: base,
        message: `step id prefix "${prefix}" does not match its type "${type}"`,
      });
    }
    if (raw.on_completion !== undefined && (raw.on_success !== undefined || raw.on_failure !== undefined)) {
      out.push({
        tier: 'strict',
        level: 'error',
        path: base,
        message: 'on_completion must not be combined with on_success/on_failure',
      });
    }
    if (Array.isArray(raw.commands)) {
      raw.commands.forEach((c, i) => {
        const cbase = `${base}/commands/${i}`;
        out.push(...issuesFrom(v.strictCommand(), c, cbase, 'strict'));
        out.push(...issuesFrom(v.lenientCommand(), c, cbase, 'lenient'));
        if (isObj(c) && typeof c.type === 'string' && !CACAO_COMMAND_TYPES.includes(c.type)) {
          out.push({
            tier: 'lenient',
            level: 'warning',
            path: `${cbase}/type`,
            message:
              `extension command type "${c.type}" accepted (not in the CACAO 2.0 ` +
              `vocabulary${c.type === 'openc2' ? '; the specification says "openc2-http"' : ''})`,
          });
        }
      });
    }
    out.push(...variableIssues(raw.step_variables, `${base}/step_variables`));
  }

  // Referential rules of the specification (the structure tier reports them too, as what an executor would hit).
  const wf = doc.workflow as Obj;
  const start = typeof doc.workflow_start === 'string' ? wf[doc.workflow_start] : undefined;
  if (isObj(start) && start.type !== 'start') {
    out.push({
      tier: 'strict',
      level: 'error',
      path: '/workflow_start',
      message: 'workflow_start must reference a start step',
    });
  }
  if (typeof doc.workflow_exception === 'string' && !(doc.workflow_exception in wf)) {
    out.push({
      tier: 'strict',
      level: 'error',
      path: '/workflow_exception',
      message: 'workflow_exception references a step that does not exist',
    });
  }
  out.push(...variableIssues(doc.playbook_variables, '/playbook_variables'));
  for (const key of ['agent_definitions', 'target_definitions'] as const) {
    const defs = doc[key];
    if (!isObj(defs)) continue;
    for (const [id, def] of Object.entries(defs)) {
      const base = `/${key}/${esc(id)}`;
      out.push(...issuesFrom(v.strictAgent(), def, base, 'strict'));
      out.push(...issuesFrom(v.lenientAgent(), def, base, 'lenient'));
      if (isObj(def) && typeof def.type === 'string') out.push(...agentTypeIssues(id, def.type, base));
    }
  }
  const auth = doc.authentication_info_definitions;
  if (isObj(auth)) {
    for (const [id, def] of Object.entries(auth))
      out.push(...issuesFrom(v.strictAuth(), def, `/authentication_info_definitions/${esc(id)}`, 'strict'));
  }
  return out;
}

/**
 * An agent or target type outside the specification is an extension and passes the lenient tier with a warning,
 * unless its identifier names a different, standard type (SOARCA's test-invalid case: id "http-api--…", type
 * "invalid"): then the definition contradicts itself and no executor can tell what it is.
 */
function agentTypeIssues(id: string, type: string, base: string): ValidationIssue[] {
  if (CACAO_AGENT_TARGET_TYPES.includes(type)) return [];
  const prefix = id.split('--')[0] ?? '';
  if (CACAO_AGENT_TARGET_TYPES.includes(prefix) && !prefix.startsWith(type)) {
    return [
      {
        tier: 'lenient',
        level: 'error',
        path: `${base}/type`,
        message: `type "${type}" is not a CACAO agent/target type and contradicts the identifier's type "${prefix}"`,
      },
    ];
  }
  return [
    {
      tier: 'lenient',
      level: 'warning',
      path: `${base}/type`,
      message: `extension agent/target type "${type}" accepted`,
    },
  ];
}

function variableIssues(vars: unknown, base: string): ValidationIssue[] {
  if (!isObj(vars)) return [];
  const out: ValidationIssue[] = [];
  for (const [name, def] of Object.entries(vars)) {
    const vbase = `${base}/${esc(name)}`;
    if (!/^__[A-Za-z0-9_.-]+__$/.test(name)) {
      out.push({ tier: 'strict', level: 'error', path: vbase, message: 'variable names must start and end with "__"' });
    }
    out.push(...issuesFrom(v.strictVariable(), def, vbase, 'strict'));
    out.push(...issuesFrom(v.lenientVariable(), def, vbase, 'lenient'));
  }
  return out;
}
