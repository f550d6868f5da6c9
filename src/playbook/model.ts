// The internal playbook model is CACAO 2.0 (OASIS): every import format (CACAO JSON, native YAML, Cortex XSOAR YAML)
// is converted to it, so the dry-run, the guardrail analysis and the trace work the same for all of them.

export type PlaybookFormat = 'cacao' | 'native' | 'xsoar';

export type StepType =
  | 'start'
  | 'end'
  | 'action'
  | 'playbook-action'
  | 'parallel'
  | 'if-condition'
  | 'while-condition'
  | 'switch-condition';

export const STEP_TYPES: StepType[] = [
  'start',
  'end',
  'action',
  'playbook-action',
  'parallel',
  'if-condition',
  'while-condition',
  'switch-condition',
];

export interface Command {
  type: string;
  command?: string;
  command_b64?: string;
  content?: string;
  content_b64?: string;
  headers?: Record<string, string[]>;
  description?: string;
  version?: string;
  playbook_activity?: string;
}

export interface Variable {
  type: string;
  description?: string;
  value?: unknown;
  constant?: boolean;
  external?: boolean;
  /** socready extension: where the value comes from in an alert (e.g. "source.ip"). */
  from_alert?: string;
}

export interface Step {
  id: string;
  type: StepType;
  name?: string;
  description?: string;
  on_completion?: string;
  on_success?: string;
  on_failure?: string;
  timeout?: number;
  delay?: number;
  step_variables?: Record<string, Variable>;
  // action / playbook-action
  commands?: Command[];
  agent?: string;
  targets?: string[];
  in_args?: string[];
  out_args?: string[];
  playbook_id?: string;
  // parallel
  next_steps?: string[];
  // if / while
  condition?: string;
  on_true?: string;
  on_false?: string;
  // switch
  switch?: string;
  cases?: Record<string, string>;
  // ---- socready extensions, filled by the importers (never required in the source formats)
  /** A human decides here (approval, manual conditional task): gates what follows. */
  approval?: boolean;
  /** The verb the source format names explicitly (native `action`, XSOAR command name). */
  verb?: string;
  /** Arguments named by the source format (native `args`, XSOAR `scriptarguments`). */
  args?: Record<string, string>;
  /** XSOAR `skipunavailable`: the step is silently skipped when its integration is missing. */
  skip_unavailable?: boolean;
  /** Upper bound on loop iterations, where the source format has one. */
  max_iterations?: number;
  /** The id of the step in the source document (XSOAR task id), for messages. */
  source_id?: string;
}

export interface AgentTarget {
  id: string;
  type: string;
  name?: string;
  description?: string;
  /** Address as CACAO spells it: { ipv4: [...], dname: [...], url: [...] }. */
  address?: Record<string, string[]>;
  port?: string;
  category?: string[];
  /** socready extension: read-only health/identity endpoint used by the readiness probe. */
  health_url?: string;
  /** socready extension: name of the environment variable with the API token (never the token). */
  token_env?: string;
  product?: string;
}

export interface Playbook {
  id: string;
  name: string;
  description?: string;
  format: PlaybookFormat;
  /** File the playbook was read from. */
  source: string;
  start: string;
  exception?: string;
  steps: Record<string, Step>;
  agents: Record<string, AgentTarget>;
  targets: Record<string, AgentTarget>;
  variables: Record<string, Variable>;
  /** Ids of authentication_info definitions that hold a secret inline (the secret itself is never kept). */
  embedded_credentials: string[];
  /** Allow-lists the playbook declares (native format), by kind. */
  allow_lists?: { internal_ranges?: string[]; critical_assets?: string[]; protected_accounts?: string[] };
  /** Declared cap on targets per run (native `max_targets`). */
  max_targets?: number;
}

export type IssueTier = 'strict' | 'lenient' | 'structure';

export interface ValidationIssue {
  tier: IssueTier;
  level: 'error' | 'warning';
  /** JSON-pointer-like path into the source document, or a step id. */
  path: string;
  message: string;
}

export type RiskClass = 'contain' | 'change' | 'notify' | 'investigate' | 'manual' | 'control' | 'unknown';

export type EntityKind = 'ip' | 'host' | 'user' | 'domain' | 'hash' | 'url';

export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof SEVERITY_ORDER)[number];

export function severityAtLeast(s: FindingSeverity, min: FindingSeverity): boolean {
  return SEVERITY_ORDER.indexOf(s) >= SEVERITY_ORDER.indexOf(min);
}
