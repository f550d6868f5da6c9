// Splunk Enterprise through its management REST API (port 8089, output_mode=json): splunkd health report, index
// retention, size caps and newest events, and licence violations.
import { defineParser, type ParserModule } from '../define.js';
import { type Facts, ParseError } from '../../checks/types.js';
import { asRecord, type Outputs, otherProduct, readJson, round, serverNow } from './util.js';

interface Entry {
  name?: string;
  content?: Record<string, unknown>;
}

/** The `entry` list of a Splunk REST answer (Atom as JSON). */
export function splunkEntries(json: unknown, probe: string): Entry[] {
  const entries = asRecord(json).entry;
  if (!Array.isArray(entries))
    throw new ParseError(`${probe}: no "entry" list in the answer (was output_mode=json honoured?)`);
  return entries as Entry[];
}

// ---- health (GET /services/server/health/splunkd?output_mode=json)

/** Features of the health report whose colour is not green, as "Parent > Child" paths, worst first. */
export function parseSplunkHealth(json: unknown): Facts {
  const content = asRecord(splunkEntries(json, 'splunk-health')[0]?.content);
  if (typeof content.health !== 'string')
    throw new ParseError('splunk-health: no "health" in the splunkd health report');
  const red: string[] = [];
  const yellow: string[] = [];
  const walk = (features: unknown, path: string[]) => {
    for (const [name, value] of Object.entries(asRecord(features))) {
      const f = asRecord(value);
      const here = [...path, name];
      const children = asRecord(f.features);
      // Only leaves are reported: a parent is red because one of its children is.
      if (Object.keys(children).length > 0) walk(children, here);
      else if (f.health === 'red') red.push(here.join(' > '));
      else if (f.health === 'yellow') yellow.push(here.join(' > '));
    }
  };
  walk(content.features, []);
  return { applicable: true, health: content.health, red_features: red, yellow_features: yellow };
}

// ---- indexes (GET /services/data/indexes?output_mode=json&count=0)

/** Splunk's own indexes: their retention is Splunk's business, not the evidence of an investigation. */
const INTERNAL = /^(_|history$|summary$|splunklogger$)/;

function n(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
}

export function parseSplunkIndexes(json: unknown, nowMs: number): Facts {
  const all = splunkEntries(json, 'splunk-indexes').map((e) => {
    const c = asRecord(e.content);
    const name = String(e.name ?? '?');
    const events = n(c.totalEventCount) ?? 0;
    const sizeMb = n(c.currentDBSizeMB);
    const maxMb = n(c.maxTotalDataSizeMB);
    const frozen = n(c.frozenTimePeriodInSecs);
    const maxTime = typeof c.maxTime === 'string' && c.maxTime ? Date.parse(c.maxTime) : Number.NaN;
    return {
      name,
      internal: INTERNAL.test(name),
      disabled: c.disabled === true || c.disabled === '1' || c.disabled === 1,
      events,
      retention_days: frozen === null ? null : round(frozen / 86_400),
      size_mb: sizeMb,
      max_size_mb: maxMb,
      // Past maxTotalDataSizeMB Splunk freezes (by default: deletes) the oldest buckets, whatever their age.
      size_ratio: sizeMb !== null && maxMb ? round(sizeMb / maxMb, 3) : null,
      newest: Number.isNaN(maxTime) ? null : new Date(maxTime).toISOString(),
      age_minutes: Number.isNaN(maxTime) ? null : round(Math.max(0, nowMs - maxTime) / 60_000),
    };
  });
  const logIndexes = all.filter((i) => !i.internal && !i.disabled && i.events > 0);
  const ages = logIndexes.map((i) => i.age_minutes).filter((a): a is number => a !== null);
  return {
    applicable: true,
    indexes_total: all.length,
    log_indexes: logIndexes.map(({ internal: _i, disabled: _d, ...rest }) => rest),
    newest_age_minutes: ages.length ? Math.min(...ages) : null,
    stale_indexes: logIndexes.filter((i) => i.age_minutes !== null && i.age_minutes > 24 * 60).map((i) => i.name),
  };
}

// ---- licence (GET /services/licenser/messages?output_mode=json)

const VIOLATION = /quota|license_window|violation|expired/i;

export function parseSplunkLicense(json: unknown): Facts {
  const messages = splunkEntries(json, 'splunk-license-messages').map((e) => {
    const c = asRecord(e.content);
    return {
      category: String(c.category ?? ''),
      severity: String(c.severity ?? ''),
      description: String(c.description ?? '').slice(0, 300),
      created: n(c.create_time) !== null ? new Date(n(c.create_time)! * 1000).toISOString() : null,
    };
  });
  const violations = messages.filter((m) => VIOLATION.test(m.category) || m.severity.toUpperCase() === 'ERROR');
  return {
    applicable: true,
    messages: messages.length,
    violations,
    errors: violations.filter((v) => v.severity.toUpperCase() === 'ERROR').length,
  };
}

export const splunkParsers = {
  'splunk-health': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['splunk-health']) ?? parseSplunkHealth(readJson(outputs, 'splunk-health')),
  'splunk-indexes': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['splunk-indexes']) ??
    parseSplunkIndexes(readJson(outputs, 'splunk-indexes'), serverNow(outputs['splunk-indexes'], outputs['api-root'])),
  'splunk-license': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['splunk-license-messages']) ??
    parseSplunkLicense(readJson(outputs, 'splunk-license-messages')),
};

/** Parser modules (see src/parsers/define.ts), by the name catalog checks use in `parser`. */
export const splunkParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-health',
    probes: ['api-root', 'splunk-health'],
    facts: ['applicable', 'health', 'red_features', 'yellow_features'],
    parse: splunkParsers['splunk-health'],
  }),
  defineParser({
    name: 'splunk-indexes',
    probes: ['api-root', 'splunk-indexes'],
    facts: ['applicable', 'indexes_total', 'log_indexes', 'newest_age_minutes', 'stale_indexes'],
    parse: splunkParsers['splunk-indexes'],
  }),
  defineParser({
    name: 'splunk-license',
    probes: ['api-root', 'splunk-license-messages'],
    facts: ['applicable', 'messages', 'violations', 'errors'],
    parse: splunkParsers['splunk-license'],
  }),
];
