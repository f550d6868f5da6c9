// CACAO 2.0 JSON → the internal model (which is CACAO itself, minus what the dry-run never needs, plus the
// socready extensions that the other importers fill). Secrets in authentication_info_definitions are never copied.
import type { AgentTarget, Command, Playbook, Step, StepType, Variable } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const strList = (x: unknown): string[] | undefined =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined;

const SECRET_KEYS = /^(password|passphrase|token|private_key|client_secret|api_key|secret|kms_key_identifier)$/i;

export function variablesOf(x: unknown): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  if (!isObj(x)) return out;
  for (const [name, def] of Object.entries(x)) {
    if (!isObj(def)) continue;
    out[name] = {
      type: str(def.type) ?? 'string',
      description: str(def.description),
      value: def.value,
      constant: def.constant === true,
      external: def.external === true,
      from_alert: str(def.from_alert),
    };
  }
  return out;
}

function commandsOf(x: unknown): Command[] | undefined {
  if (!Array.isArray(x)) return undefined;
  return x.filter(isObj).map((c) => ({
    type: str(c.type) ?? 'unknown',
    command: str(c.command),
    command_b64: str(c.command_b64),
    content: str(c.content),
    content_b64: str(c.content_b64),
    description: str(c.description),
    version: str(c.version),
    playbook_activity: str(c.playbook_activity),
    headers: isObj(c.headers) ? (c.headers as Record<string, string[]>) : undefined,
  }));
}

function agentTargetsOf(x: unknown): Record<string, AgentTarget> {
  const out: Record<string, AgentTarget> = {};
  if (!isObj(x)) return out;
  for (const [id, def] of Object.entries(x)) {
    if (!isObj(def)) continue;
    const address: Record<string, string[]> = {};
    if (isObj(def.address)) for (const [k, vals] of Object.entries(def.address)) address[k] = strList(vals) ?? [];
    out[id] = {
      id,
      type: str(def.type) ?? 'unknown',
      name: str(def.name),
      description: str(def.description),
      address: Object.keys(address).length ? address : undefined,
      port: def.port === undefined ? undefined : String(def.port),
      category: strList(def.category),
      health_url: str(def.health_url),
      token_env: str(def.token_env),
      product: str(def.product),
    };
  }
  return out;
}

function stepOf(id: string, raw: Obj): Step {
  const cases: Record<string, string> = {};
  if (isObj(raw.cases)) for (const [k, val] of Object.entries(raw.cases)) if (typeof val === 'string') cases[k] = val;
  return {
    id,
    type: raw.type as StepType,
    name: str(raw.name),
    description: str(raw.description),
    on_completion: str(raw.on_completion),
    on_success: str(raw.on_success),
    on_failure: str(raw.on_failure),
    timeout: typeof raw.timeout === 'number' ? raw.timeout : undefined,
    delay: typeof raw.delay === 'number' ? raw.delay : undefined,
    step_variables: isObj(raw.step_variables) ? variablesOf(raw.step_variables) : undefined,
    commands: commandsOf(raw.commands),
    agent: str(raw.agent),
    targets: strList(raw.targets),
    in_args: strList(raw.in_args),
    out_args: strList(raw.out_args),
    playbook_id: str(raw.playbook_id),
    next_steps: strList(raw.next_steps),
    condition: str(raw.condition),
    on_true: str(raw.on_true),
    on_false: str(raw.on_false),
    switch: str(raw.switch),
    cases: isObj(raw.cases) ? cases : undefined,
  };
}

/** Ids of authentication_info definitions that carry a secret in the file itself (the secret is not kept). */
export function embeddedCredentials(defs: unknown): string[] {
  if (!isObj(defs)) return [];
  return Object.entries(defs)
    .filter(
      ([, def]) =>
        isObj(def) &&
        Object.entries(def).some(
          ([k, val]) => SECRET_KEYS.test(k) && typeof val === 'string' && val !== '' && !/^__.*__(:value)?$/.test(val),
        ),
    )
    .map(([id]) => id);
}

/** Builds the model from a document that passed the lenient tier's top-level schema. */
export function cacaoToModel(doc: Obj, source: string): Playbook {
  const steps: Record<string, Step> = {};
  for (const [id, raw] of Object.entries(doc.workflow as Obj)) if (isObj(raw)) steps[id] = stepOf(id, raw);
  return {
    id: str(doc.id) ?? source,
    name: str(doc.name) ?? str(doc.id) ?? source,
    description: str(doc.description),
    format: 'cacao',
    source,
    start: String(doc.workflow_start),
    exception: str(doc.workflow_exception),
    steps,
    agents: agentTargetsOf(doc.agent_definitions),
    targets: agentTargetsOf(doc.target_definitions),
    variables: variablesOf(doc.playbook_variables),
    embedded_credentials: embeddedCredentials(doc.authentication_info_definitions),
  };
}
