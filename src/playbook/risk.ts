// What a step does, from the command type, the target type and known verbs: risk class of actions, whether a human
// performs or decides it, and whether a condition is an allow-list, a cap or a verification.
import { conditionLiterals, parseCondition } from './condition.js';
import type { EntityKind, Playbook, RiskClass, Step } from './model.js';
import { isCidr } from './net.js';

const ROLLBACK = [
  'unblock',
  'unisolate',
  'unquarantine',
  'release',
  'restore',
  'reenable',
  'enable',
  'allow',
  'unlock',
  'unban',
  'rollback',
  'revert',
  'undo',
  'unsuspend',
  'reinstate',
  'unblacklist',
  'unblocklist',
];
const CONTAIN = [
  'block',
  'blocklist',
  'blacklist',
  'deny',
  'isolate',
  'isolation',
  'quarantine',
  'disable',
  'delete',
  'remove',
  'kill',
  'terminate',
  'shutdown',
  'revoke',
  'lock',
  'suspend',
  'ban',
  'drop',
  'reject',
  'contain',
  'containment',
  'nullroute',
  'wipe',
  'sinkhole',
  'expire',
  'logoff',
  'signout',
  'reset',
  'rm',
  'stop',
];
const NOTIFY = [
  'notify',
  'notification',
  'email',
  'mail',
  'send',
  'slack',
  'teams',
  'message',
  'page',
  'sms',
  'ticket',
  'comment',
  'note',
  'escalate',
  'inform',
  'record',
  'post_message',
];
const INVESTIGATE = [
  'get',
  'list',
  'query',
  'search',
  'lookup',
  'look',
  'enrich',
  'enrichment',
  'whois',
  'reputation',
  'check',
  'verify',
  'confirm',
  'status',
  'scan',
  'analyze',
  'analyse',
  'retrieve',
  'fetch',
  'read',
  'ls',
  'pwd',
  'date',
  'cat',
  'grep',
  'describe',
  'show',
  'find',
  'identify',
  'head',
  'ping',
  'dig',
  'nslookup',
  'hunt',
  'collect',
  'investigate',
  'triage',
  'review',
  'whoami',
  'uname',
];
const CHANGE = [
  'post',
  'put',
  'patch',
  'touch',
  'mkdir',
  'cp',
  'mv',
  'echo',
  'set',
  'update',
  'create',
  'write',
  'add',
  'new',
  'modify',
  'restart',
  'start',
  'install',
  'chmod',
  'chown',
];
const STEMS: [string, RiskClass][] = [
  ['isolat', 'contain'],
  ['quarantin', 'contain'],
  ['disabl', 'contain'],
  ['delet', 'contain'],
  ['terminat', 'contain'],
  ['revok', 'contain'],
  ['suspen', 'contain'],
  ['blacklist', 'contain'],
  ['blocklist', 'contain'],
  ['enrich', 'investigate'],
  ['notif', 'notify'],
];

const OPENC2_CONTAIN = new Set(['deny', 'contain', 'quarantine', 'delete', 'stop', 'remove']);
const OPENC2_INVESTIGATE = new Set(['query', 'scan', 'locate', 'investigate', 'detonate']);
const OPENC2_ROLLBACK = new Set(['allow', 'restore', 'start']);

const QUERY_COMMAND_TYPES = new Set(['sigma', 'yara', 'kestrel', 'elastic', 'stix']);
const HTTP_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete']);

const HUMAN_AGENT = /^(individual|group|organization|sector|location)$|manual/i;

export interface ActionProfile {
  risk: RiskClass;
  /** Reverses a containment (unblock, release, restore…). */
  rollback: boolean;
  /** A person performs it (manual command or human agent): no automation to guard. */
  manual: boolean;
  /** The word that decided the class. */
  verb?: string;
  /** Which entity kind the action works on, guessed from its words. */
  entity?: EntityKind;
  /** Writes the outcome back to the SIEM, a case or a ticket. */
  records_outcome: boolean;
}

export function decodeB64(s: string | undefined): string {
  if (!s) return '';
  try {
    return Buffer.from(s, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

/** OpenC2 action verb inside a command's content (plain or base64 JSON), if any. */
export function openc2Action(content: string): string | undefined {
  try {
    const doc = JSON.parse(content) as Record<string, unknown>;
    const req = ((doc.body as Record<string, unknown> | undefined)?.openc2 as Record<string, unknown> | undefined)
      ?.request as Record<string, unknown> | undefined;
    const action = req?.action ?? doc.action;
    return typeof action === 'string' ? action.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Class of the first verb in a text, with the verb. */
export function classifyText(text: string): { risk: RiskClass; verb: string; rollback: boolean } | undefined {
  for (const w of words(text)) {
    if (ROLLBACK.includes(w)) return { risk: 'change', verb: w, rollback: true };
    if (CONTAIN.includes(w)) return { risk: 'contain', verb: w, rollback: false };
    if (NOTIFY.includes(w)) return { risk: 'notify', verb: w, rollback: false };
    if (INVESTIGATE.includes(w)) return { risk: 'investigate', verb: w, rollback: false };
    if (CHANGE.includes(w)) {
      // "update the ticket", "close the case": writing back to the case system is a notification, not a change.
      if (/ticket|case|incident|alert|siem|note|comment/i.test(text))
        return { risk: 'notify', verb: w, rollback: false };
      return { risk: 'change', verb: w, rollback: false };
    }
    const stem = STEMS.find(([s]) => w.startsWith(s));
    if (stem) return { risk: stem[1], verb: w, rollback: false };
  }
  return undefined;
}

function entityOf(text: string): EntityKind | undefined {
  const t = text.toLowerCase();
  if (/\b(ip|ipv4|ipv6|address|addr|cidr|mac)\b|ipv4_connection|ip_connection|src_addr|firewall|iptables/.test(t))
    return 'ip';
  if (/\b(user|account|password|credential|session|principal)s?\b/.test(t)) return 'user';
  if (/\b(host|endpoint|device|machine|computer|server|workstation)s?\b|isolat/.test(t)) return 'host';
  if (/\b(domain|dns|fqdn)s?\b/.test(t)) return 'domain';
  if (/\b(url|uri)s?\b/.test(t)) return 'url';
  if (/\b(file|hash|sha256|md5)s?\b/.test(t)) return 'hash';
  return undefined;
}

export function isHumanAgent(pb: Playbook, id: string | undefined): boolean {
  if (!id) return false;
  const def = pb.agents[id] ?? pb.targets[id];
  return HUMAN_AGENT.test(def?.type ?? id.split('--')[0] ?? '');
}

/** The text of a step's commands (command, decoded command_b64 and content). */
export function commandText(step: Step): string {
  return (step.commands ?? [])
    .map((c) =>
      [c.command ?? '', decodeB64(c.command_b64), c.content ?? '', decodeB64(c.content_b64)].filter(Boolean).join(' '),
    )
    .join(' ; ');
}

/**
 * Profiles an action or playbook-action. Priority: the OpenC2 action in the command content, then the explicit verb
 * of the source format, then the command text, then the step's name and description.
 */
export function profileAction(pb: Playbook, step: Step, resolvedCommands?: string): ActionProfile {
  const cmds = step.commands ?? [];
  const manual = (cmds.length > 0 && cmds.every((c) => c.type === 'manual')) || isHumanAgent(pb, step.agent);
  const label = `${step.name ?? ''} ${step.description ?? ''}`;
  const cmdText = resolvedCommands ?? commandText(step);
  let decided: { risk: RiskClass; verb: string; rollback: boolean } | undefined;
  for (const c of cmds) {
    const content = c.content ?? decodeB64(c.content_b64);
    const a = content ? openc2Action(content) : undefined;
    if (!a) continue;
    if (OPENC2_CONTAIN.has(a)) decided = { risk: 'contain', verb: a, rollback: false };
    else if (OPENC2_ROLLBACK.has(a)) decided = { risk: 'change', verb: a, rollback: true };
    else if (OPENC2_INVESTIGATE.has(a)) decided = { risk: 'investigate', verb: a, rollback: false };
    else decided = { risk: 'change', verb: a, rollback: false };
    break;
  }
  decided ??= step.verb ? classifyText(step.verb) : undefined;
  const fromCommand = classifyText(cmdText);
  const fromLabel = classifyText(label);
  // An HTTP method says little ("POST /api/unblock", "DELETE /blocklist/x"): the step's own name says more.
  // A manual command is prose for a person; the step's name states its purpose more reliably.
  const allManual = cmds.length > 0 && cmds.every((c) => c.type === 'manual');
  decided ??=
    (fromCommand && HTTP_METHODS.has(fromCommand.verb)) || allManual
      ? (fromLabel ?? fromCommand)
      : (fromCommand ?? fromLabel);
  // Query languages (Sigma, YARA, Kestrel, Elastic, STIX patterns) only look, whatever the step is called.
  if (!decided && cmds.length > 0 && cmds.every((c) => QUERY_COMMAND_TYPES.has(c.type)))
    decided = { risk: 'investigate', verb: cmds[0]!.type, rollback: false };
  if (step.type === 'playbook-action')
    decided = classifyText(`${step.verb ?? ''} ${label} ${step.playbook_id ?? ''}`) ?? decided;
  // An approval decides; it does not act. Its words ("approve the block") are about the next step.
  if (isApprovalStep(pb, step)) decided = { risk: 'manual', verb: 'approve', rollback: false };
  const risk: RiskClass = decided?.risk ?? (manual ? 'manual' : 'unknown');
  const all = `${step.verb ?? ''} ${label} ${cmdText}`;
  return {
    risk,
    rollback: decided?.rollback ?? false,
    manual,
    verb: decided?.verb,
    entity: entityOf(`${step.verb ?? ''} ${label} ${cmdText} ${Object.keys(step.args ?? {}).join(' ')}`),
    records_outcome:
      (risk === 'notify' || risk === 'change') &&
      /siem|ticket|case|incident|alert|note|comment|record|close/i.test(all),
  };
}

const APPROVAL_WORDS =
  /approv|authori[sz]|confirm|sign.?off|permission|accept|consent|decide|decision|go.?no.?go|承認/i;

/** A step where a human decides whether the flow goes on: an explicit approval or a manual step that asks for one. */
export function isApprovalStep(pb: Playbook, step: Step): boolean {
  if (step.approval) return true;
  if (step.type !== 'action') return false;
  const cmds = step.commands ?? [];
  const manual = (cmds.length > 0 && cmds.every((c) => c.type === 'manual')) || isHumanAgent(pb, step.agent);
  return manual && APPROVAL_WORDS.test(`${step.name ?? ''} ${step.description ?? ''} ${commandText(step)}`);
}

const ALLOW_WORDS = new RegExp(
  'allow.?list|white.?list|exclu|exempt|safe.?list|internal|rfc.?1918|' +
    'private|own.?range|critical|domain.?controller|break.?glass|' +
    String.raw`protected|\bvip\b|service.?account|known.?good|trusted|issubset|` +
    'in.?cidr',
  'i',
);

function conditionSource(step: Step): string {
  return step.type === 'switch-condition' ? (step.switch ?? '') : (step.condition ?? '');
}

/** Entity kinds an allow-list condition protects; undefined when the step is not an allow-list check. */
export function allowListKinds(step: Step): EntityKind[] | undefined {
  if (!['if-condition', 'while-condition', 'switch-condition'].includes(step.type)) return undefined;
  const src = conditionSource(step);
  let literals: string[] = [];
  try {
    literals = conditionLiterals(parseCondition(src));
  } catch {
    /* an unparsable condition is judged by its words */
  }
  const hasCidr = literals.some(isCidr);
  const text = `${src} ${step.name ?? ''} ${step.description ?? ''}`;
  if (!hasCidr && !ALLOW_WORDS.test(text)) return undefined;
  const kinds: EntityKind[] = [];
  if (hasCidr || /ip|addr|cidr|range|rfc.?1918|internal|private|network/i.test(text)) kinds.push('ip');
  if (/host|asset|critical|\bdc\b|domain.?controller|server|endpoint|device/i.test(text)) kinds.push('host');
  if (/user|account|break.?glass|\bvip\b|service|principal/i.test(text)) kinds.push('user');
  if (/domain(?!.?controller)|url|fqdn/i.test(text)) kinds.push('domain');
  return kinds.length ? kinds : ['ip', 'host', 'user', 'domain', 'hash', 'url'];
}

/** A condition that bounds how many targets one run may hit. */
export function isCapCondition(step: Step): boolean {
  if (!['if-condition', 'while-condition', 'switch-condition'].includes(step.type)) return false;
  const src = conditionSource(step);
  return (
    /(count|len|length|size|num|number|max|limit|cap|total)/i.test(src) && /<=?|>=?|lessthan|greaterthan/i.test(src)
  );
}

/** A step that checks the enforcing product's state after a containment (the "confirm" half of the closed loop). */
export function isVerificationStep(pb: Playbook, step: Step): boolean {
  if (step.type !== 'action' && step.type !== 'if-condition' && step.type !== 'while-condition') return false;
  const text =
    `${step.name ?? ''} ${step.description ?? ''} ${step.verb ?? ''} ` +
    `${step.type === 'action' ? commandText(step) : (step.condition ?? '')}`;
  return (
    /verif|confirm|check|status|is.?blocked|is.?isolated|validate|ensure|assert/i.test(text) &&
    !isApprovalStep(pb, step)
  );
}
