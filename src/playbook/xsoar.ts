// Cortex XSOAR playbook YAML → the CACAO model. Tasks: start, title (a junction), regular (a `Brand|||command`
// integration command, an automation script, or a manual task when it has no script), condition (built-in
// conditions, or a manual conditional task a person answers), collection (asks people), playbook (sub-playbook).
// `nexttasks` labels become branches, `#error#` the failure path, `skipunavailable` is kept for the guardrails.
import type { Document, LineCounter } from 'yaml';
import { compileSchema } from '../util/validate.js';
import type { Playbook, Step, ValidationIssue, Variable } from './model.js';
import { yamlSchemaIssues } from './yaml-issues.js';

const TASK_TYPES = ['start', 'title', 'regular', 'condition', 'playbook', 'collection', 'standard'];

export const XSOAR_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'starttaskid', 'tasks'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    version: { type: 'integer' },
    description: { type: 'string' },
    starttaskid: { type: 'string' },
    tasks: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        required: ['id', 'type', 'task'],
        properties: {
          id: { type: 'string' },
          type: { enum: TASK_TYPES },
          task: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              script: { type: 'string' },
              scriptName: { type: 'string' },
              playbookName: { type: 'string' },
              playbookId: { type: 'string' },
              iscommand: { type: 'boolean' },
              brand: { type: 'string' },
            },
          },
          nexttasks: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          conditions: { type: 'array' },
          scriptarguments: { type: 'object' },
          skipunavailable: { type: 'boolean' },
          loop: { type: 'object' },
        },
      },
    },
    inputs: { type: 'array', items: { type: 'object', required: ['key'] } },
  },
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const s = (x: unknown) => (typeof x === 'string' ? x : undefined);

export function isXsoarDoc(doc: unknown): boolean {
  return isObj(doc) && 'starttaskid' in doc && 'tasks' in doc;
}

export function validateXsoar(
  value: unknown,
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
): ValidationIssue[] {
  return yamlSchemaIssues(compileSchema(XSOAR_SCHEMA), value, doc, lines, file, 'lenient');
}

/** An XSOAR argument value (`simple: x` or `complex: {root, accessor}`) as text with `${…}` context references. */
function argText(v: unknown): string {
  if (!isObj(v)) return String(v ?? '');
  if (typeof v.simple === 'string' || typeof v.simple === 'number' || typeof v.simple === 'boolean')
    return String(v.simple);
  if (isObj(v.complex)) {
    const root = s(v.complex.root) ?? '';
    const acc = s(v.complex.accessor);
    return `\${${acc ? `${root}.${acc}` : root}}`;
  }
  return '';
}

function operand(side: unknown): string {
  if (!isObj(side)) return "''";
  const val = isObj(side.value) ? side.value : side;
  if (side.iscontext === true) {
    const t = argText(val);
    return t.startsWith('${') ? t : `\${${t}}`;
  }
  return `'${argText(val).replace(/'/g, "\\'")}'`;
}

const OPS: Record<string, (l: string, r: string) => string> = {
  isequalstring: (l, r) => `${l} = ${r}`,
  isnotequalstring: (l, r) => `${l} != ${r}`,
  isequalnumber: (l, r) => `${l} = ${r}`,
  isnotequalnumber: (l, r) => `${l} != ${r}`,
  greaterthan: (l, r) => `${l} > ${r}`,
  lessthan: (l, r) => `${l} < ${r}`,
  greaterthanorequal: (l, r) => `${l} >= ${r}`,
  lessthanorequal: (l, r) => `${l} <= ${r}`,
  isexists: (l) => `EXISTS ${l}`,
  isnotexists: (l) => `NOT EXISTS ${l}`,
  isempty: (l) => `EMPTY ${l}`,
  isnotempty: (l) => `NOT EMPTY ${l}`,
  istrue: (l) => `${l} = true`,
  isfalse: (l) => `${l} = false`,
  inlist: (l, r) => `${l} IN ${r}`,
  notinlist: (l, r) => `NOT (${l} IN ${r})`,
  in: (l, r) => `${l} IN ${r}`,
  notin: (l, r) => `NOT (${l} IN ${r})`,
  containsstring: (l, r) => `${l} CONTAINS ${r}`,
  notcontainsstring: (l, r) => `NOT (${l} CONTAINS ${r})`,
  containsgeneral: (l, r) => `${l} CONTAINS ${r}`,
  notcontainsgeneral: (l, r) => `NOT (${l} CONTAINS ${r})`,
  match: (l, r) => `${l} MATCHES ${r}`,
  isincidrranges: (l, r) => `${l} ISSUBSET ${r}`,
  isnotincidrranges: (l, r) => `NOT (${l} ISSUBSET ${r})`,
  notincidrranges: (l, r) => `NOT (${l} ISSUBSET ${r})`,
};

/** XSOAR condition groups: the outer list is AND, each inner list is OR. Unknown operators stay undecidable. */
export function translateCondition(groups: unknown): string {
  if (!Array.isArray(groups)) return 'unknown_operator';
  const ands = groups.map((group) => {
    const ors = (Array.isArray(group) ? group : [group]).filter(isObj).map((c) => {
      const op = OPS[String(c.operator ?? '').toLowerCase()];
      // An operator the dry-run does not know reads a variable nothing binds, so the branch stays undecidable.
      return op ? op(operand(c.left), operand(c.right)) : `\${unsupported_operator_${String(c.operator)}}`;
    });
    return ors.length > 1 ? `(${ors.join(' OR ')})` : (ors[0] ?? 'true');
  });
  return ands.join(' AND ');
}

function nextOf(t: Obj): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (isObj(t.nexttasks))
    for (const [k, v] of Object.entries(t.nexttasks)) if (Array.isArray(v)) out[k] = v.map(String);
  return out;
}

export function xsoarToModel(doc: Obj, source: string): Playbook {
  const steps: Record<string, Step> = {};
  const agents: Playbook['agents'] = {};
  const tasks = doc.tasks as Record<string, Obj>;
  const sid = (taskId: string) => `task-${taskId}`;

  /** Links a step to a list of successors, through a synthetic parallel step when there are several. */
  const link = (fromId: string, list: string[] | undefined): string | undefined => {
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return sid(list[0]!);
    const pid = `${fromId}#fork`;
    steps[pid] = { id: pid, type: 'parallel', name: 'parallel branches', next_steps: list.map(sid) };
    return pid;
  };

  for (const [key, t] of Object.entries(tasks)) {
    const taskId = s(t.id) ?? key;
    const id = sid(taskId);
    const task = isObj(t.task) ? t.task : {};
    const next = nextOf(t);
    const base = { id, name: s(task.name) || `task ${taskId}`, description: s(task.description), source_id: taskId };
    const onError = link(`${id}#error`, next['#error#']);
    const plain = link(id, next['#none#']);
    switch (t.type) {
      case 'start':
        steps[id] = { ...base, type: 'start', on_completion: plain };
        break;
      case 'title':
        // A title is a junction; without successors it is where the flow ends.
        steps[id] = plain ? { ...base, type: 'parallel', next_steps: [plain] } : { ...base, type: 'end' };
        break;
      case 'condition': {
        const labels = Object.keys(next).filter((l) => l !== '#error#');
        const conds = Array.isArray(t.conditions) ? t.conditions.filter(isObj) : [];
        if (conds.length === 0) {
          // A manual conditional task: a person picks the branch. That is a human decision gate.
          const cases: Record<string, string> = {};
          for (const l of labels) cases[l === '#default#' ? 'default' : l] = link(`${id}#${l}`, next[l])!;
          steps[id] = {
            ...base,
            type: 'switch-condition',
            switch: `\${manual_choice_${taskId}}`,
            cases,
            approval: true,
            on_failure: onError,
          };
          break;
        }
        // Built-in conditions: labels are checked in order, the first true wins, else #default#.
        const fallback = link(`${id}#default`, next['#default#']);
        let cursor: string | undefined = fallback;
        for (let i = conds.length - 1; i >= 0; i--) {
          const c = conds[i]!;
          const label = String(c.label ?? `branch${i}`);
          const cid = i === 0 ? id : `${id}#${label}`;
          steps[cid] = {
            ...base,
            id: cid,
            name: i === 0 ? base.name : `${base.name} (${label})`,
            type: 'if-condition',
            condition: translateCondition(c.condition),
            on_true: link(`${id}#${label}`, next[label]),
            on_false: cursor,
          };
          if (!steps[cid]!.on_false) {
            // No default branch: a false condition ends this path.
            const endId = `${id}#no-default`;
            steps[endId] = { id: endId, type: 'end', name: 'no default branch' };
            steps[cid]!.on_false = endId;
          }
          cursor = cid;
        }
        break;
      }
      case 'playbook':
        steps[id] = {
          ...base,
          type: 'playbook-action',
          playbook_id: s(task.playbookName) ?? s(task.playbookId) ?? base.name,
          verb: s(task.playbookName),
          skip_unavailable: t.skipunavailable === true,
          max_iterations: isObj(t.loop) && typeof t.loop.max === 'number' && t.loop.max > 0 ? t.loop.max : undefined,
          on_completion: onError ? undefined : plain,
          on_success: onError ? plain : undefined,
          on_failure: onError,
        };
        if (!plain && !onError) steps[id]!.on_completion = endAfter(steps, id);
        break;
      default: {
        // regular, collection, standard
        const script = s(task.script) ?? s(task.scriptName) ?? '';
        const [brand, command] = script.includes('|||') ? script.split('|||') : ['', script];
        const args: Record<string, string> = {};
        if (isObj(t.scriptarguments)) for (const [k, v] of Object.entries(t.scriptarguments)) args[k] = argText(v);
        const manual = script === '' || t.type === 'collection';
        const agentId = manual ? 'analyst' : brand || s(task.brand) || 'xsoar';
        agents[agentId] ??= manual
          ? { id: agentId, type: 'individual', name: 'SOC analyst' }
          : { id: agentId, type: 'xsoar-integration', name: agentId, product: brand || undefined };
        const argLine = Object.entries(args)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        steps[id] = {
          ...base,
          type: 'action',
          commands: [
            manual
              ? { type: 'manual', command: s(task.description) || base.name }
              : {
                  type: task.iscommand === true ? 'xsoar-command' : 'xsoar-script',
                  command: `${command}${argLine ? ` ${argLine}` : ''}`,
                },
          ],
          agent: agentId,
          verb: manual ? undefined : command,
          args,
          skip_unavailable: t.skipunavailable === true,
          on_completion: onError ? undefined : plain,
          on_success: onError ? plain : undefined,
          on_failure: onError,
        };
        if (!plain && !onError) steps[id]!.on_completion = endAfter(steps, id);
      }
    }
  }
  // A start step that is not a start task still starts the flow (XSOAR allows it).
  const start = sid(String(doc.starttaskid));
  const variables: Record<string, Variable> = {};
  for (const input of Array.isArray(doc.inputs) ? doc.inputs.filter(isObj) : []) {
    const key = `inputs.${String(input.key)}`;
    const text = argText(input.value);
    const ref = /^\$\{(.+)\}$/.exec(text)?.[1];
    variables[key] = ref
      ? { type: 'string', from_alert: ref, external: true }
      : { type: 'string', value: text === '' ? undefined : text, external: text === '' };
  }
  return {
    id: String(doc.id),
    name: String(doc.name),
    description: s(doc.description),
    format: 'xsoar',
    source,
    start,
    steps,
    agents,
    targets: {},
    variables,
    embedded_credentials: [],
  };
}

/** XSOAR lets the last task end the playbook silently; CACAO needs an explicit end step. */
function endAfter(steps: Record<string, Step>, id: string): string {
  const endId = `${id}#end`;
  steps[endId] = { id: endId, type: 'end', name: 'end of branch' };
  return endId;
}
