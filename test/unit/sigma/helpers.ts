// Small helpers for Sigma unit tests: build a rule from YAML text, and flat events routed like real ones.
import { SigmaEngine, type ReportedRule } from '../../../src/sigma/engine.js';
import { FlatEvent } from '../../../src/sigma/events/json.js';
import { loadRuleText } from '../../../src/sigma/loader.js';
import type { CompileOptions, EventLogSource, SigmaEvent } from '../../../src/sigma/types.js';

export const PROC: EventLogSource = { product: 'windows', categories: ['process_creation'], services: ['sysmon'] };

export function ev(fields: Record<string, unknown>, ls: EventLogSource = PROC): SigmaEvent {
  return new FlatEvent(fields, ls);
}

/** A detection rule over process_creation with the given `detection:` block (YAML, indented by 2). */
export function rule(detection: string, opts: CompileOptions = {}): SigmaEngine {
  const text =
    'title: t\nid: r1\nlogsource:\n  product: windows\n  category: ' + `process_creation\ndetection:\n${detection}\n`;
  const r = loadRuleText(text, 'test.yml', opts);
  if (r.failures.length) throw new Error(r.failures.map((f) => f.error).join('; '));
  return new SigmaEngine(r.rules);
}

export function loadError(detection: string): string {
  const text =
    'title: t\nid: r1\nlogsource:\n  product: windows\n  category: ' + `process_creation\ndetection:\n${detection}\n`;
  const r = loadRuleText(text, 'test.yml');
  return r.failures.map((f) => f.error).join('; ');
}

export function matches(engine: SigmaEngine, fields: Record<string, unknown>): boolean {
  return engine.matchIds(ev(fields)).length > 0;
}

/** Runs events through an engine and counts reported matches per rule id. */
export function run(engine: SigmaEngine, events: SigmaEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  const on = (r: ReportedRule) => {
    out[r.id] = (out[r.id] ?? 0) + 1;
  };
  for (const e of events) engine.process(e, on);
  engine.flush(on);
  return out;
}
