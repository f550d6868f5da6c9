// Sample-detection scenarios (checks/scenarios/*.yaml): attack events and benign baseline events for one attack
// class, the log sources and fields they need, and the rules (or tags) expected to fire on the attack.
import { extname } from 'node:path';
import { walkFiles } from '../util/walk.js';
import type { Bilingual, LogSourceRef } from '../model.js';
import { wrapJson } from '../sigma/events/json.js';
import { parseAccessLog, parseAuditd, parseSquid } from '../sigma/events/lines.js';
import { parsePostgresLog, parseServerAudit } from '../sigma/events/database.js';
import type { EventLogSource, SigmaEvent } from '../sigma/types.js';
import { InputError, compileSchema, readYamlFile, validateDoc } from '../util/validate.js';

export interface EventGroup {
  log_source: LogSourceRef;
  /** JSON-like events (maps) or raw log lines (auditd, access log, squid). */
  events: (Record<string, unknown> | string)[];
}

export interface Scenario {
  id: string;
  title: Bilingual;
  description?: Bilingual;
  attack_class: string;
  /** ATT&CK techniques the attack exercises. */
  techniques?: string[];
  owasp?: string[];
  /** The log sources (and fields) the attack can only be seen with. */
  log_sources: LogSourceRef[];
  attack: EventGroup[];
  baseline: EventGroup[];
  expect: { rules?: string[]; tags?: string[] };
  /** File it was read from. */
  file: string;
}

const logSourceRef = {
  type: 'object',
  properties: {
    product: { type: 'string' },
    category: { type: 'string' },
    service: { type: 'string' },
    fields: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
  anyOf: [{ required: ['product'] }, { required: ['category'] }, { required: ['service'] }],
};
const bilingual = {
  type: 'object',
  required: ['en', 'ja'],
  properties: { en: { type: 'string', minLength: 1 }, ja: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};
const group = {
  type: 'object',
  required: ['log_source', 'events'],
  properties: {
    log_source: logSourceRef,
    events: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'object' }, { type: 'string', minLength: 1 }] } },
  },
  additionalProperties: false,
};

export const scenarioSchema = {
  type: 'object',
  required: ['id', 'title', 'attack_class', 'log_sources', 'attack', 'baseline', 'expect'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    title: bilingual,
    description: bilingual,
    attack_class: { type: 'string', minLength: 1 },
    techniques: { type: 'array', items: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' } },
    owasp: { type: 'array', items: { type: 'string' } },
    log_sources: { type: 'array', minItems: 1, items: logSourceRef },
    attack: { type: 'array', minItems: 1, items: group },
    baseline: { type: 'array', minItems: 1, items: group },
    expect: {
      type: 'object',
      properties: {
        rules: { type: 'array', items: { type: 'string' }, minItems: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      additionalProperties: false,
      anyOf: [{ required: ['rules'] }, { required: ['tags'] }],
    },
  },
  additionalProperties: false,
};

const validate = compileSchema(scenarioSchema);

/** Scenario files of the given paths (a folder: its own .yaml/.yml files); what cannot be read goes to onSkip. */
export function listScenarioFiles(
  paths: string[],
  onSkip: (path: string, reason: string) => void = () => undefined,
): string[] {
  return walkFiles(paths, { includeFile: (n) => ['.yaml', '.yml'].includes(extname(n)), maxDepth: 1, onSkip });
}

/** Reads scenarios; a bad file becomes a problem naming file, line and field, and the others still load. */
export function loadScenarios(paths: string[]): { scenarios: Scenario[]; problems: { path: string; error: string }[] } {
  const scenarios: Scenario[] = [];
  const problems: { path: string; error: string }[] = [];
  const seen = new Set<string>();
  let files: string[] = [];
  try {
    files = listScenarioFiles(paths, (path, error) => problems.push({ path, error: `${path}: ${error}` }));
  } catch (e) {
    problems.push({ path: paths.join(', '), error: (e as Error).message });
  }
  for (const file of files) {
    try {
      const parsed = readYamlFile(file);
      const s = validateDoc<Omit<Scenario, 'file'>>(parsed, 0, validate);
      if (seen.has(s.id)) throw new InputError(file, `duplicate scenario id "${s.id}"`, undefined, undefined, 'id');
      seen.add(s.id);
      // Every event must be readable now, not halfway through a scan.
      for (const g of [...s.attack, ...s.baseline]) toEvents(g, file);
      scenarios.push({ ...s, file });
    } catch (e) {
      problems.push({ path: file, error: e instanceof InputError ? e.message : `${file}: ${(e as Error).message}` });
    }
  }
  return { scenarios, problems };
}

export function routing(ls: LogSourceRef): EventLogSource {
  return {
    product: ls.product,
    categories: ls.category ? [ls.category] : [],
    services: ls.service ? [ls.service] : [],
  };
}

const LINE_PARSERS = [parseAuditd, parseAccessLog, parseSquid, parsePostgresLog, parseServerAudit];

/** Turns one group's events into engine events routed to the group's log source. */
export function toEvents(g: EventGroup, file: string): SigmaEvent[] {
  const ls = routing(g.log_source);
  return g.events.map((raw, i) => {
    let ev: SigmaEvent | undefined;
    if (typeof raw === 'string') {
      for (const p of LINE_PARSERS) {
        ev = p(raw, ls);
        if (ev) break;
      }
    } else ev = wrapJson(raw, ls);
    if (!ev) throw new InputError(file, `event ${i + 1} is not a recognised log line: ${String(raw).slice(0, 80)}`);
    return ev;
  });
}
