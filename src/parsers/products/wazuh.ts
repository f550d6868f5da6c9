// Wazuh manager through its REST API (port 55000, JWT bearer token): agents that stopped reporting and the manager's
// own daemons.
import { defineParser, type ParserModule } from '../define.js';
import { type Facts, ParseError } from '../../checks/types.js';
import { asRecord, type Outputs, otherProduct, readJson, round } from './util.js';

/** GET /agents/summary/status: 4.4+ nests the counts under data.connection; 4.0-4.3 put them under data. */
export function parseAgentsSummary(json: unknown): Facts {
  const data = asRecord(asRecord(json).data);
  const c = 'connection' in data ? asRecord(data.connection) : data;
  const count = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : 0);
  if (typeof c.total !== 'number' && typeof c.active !== 'number')
    throw new ParseError('wazuh-agents-summary: no agent counts in data.connection or data');
  const active = count('active');
  const disconnected = count('disconnected');
  const never = count('never_connected');
  const pending = count('pending');
  const total = typeof c.total === 'number' ? c.total : active + disconnected + never + pending;
  const cfg = asRecord(data.configuration);
  return {
    applicable: true,
    total,
    active,
    disconnected,
    never_connected: never,
    pending,
    not_connected: disconnected + never,
    not_connected_ratio: total > 0 ? round((disconnected + never) / total, 3) : 0,
    ...(typeof cfg.not_synced === 'number' ? { config_not_synced: cfg.not_synced } : {}),
  };
}

/** Daemons without which agents' events are not received, analysed or stored. */
export const REQUIRED_DAEMONS = [
  'wazuh-analysisd',
  'wazuh-remoted',
  'wazuh-db',
  'wazuh-modulesd',
  'wazuh-monitord',
  'wazuh-logcollector',
];

/** GET /manager/status: one item mapping daemon name to running/stopped (ossec-* names before 4.2). */
export function parseManagerStatus(json: unknown): Facts {
  const items = asRecord(asRecord(json).data).affected_items;
  if (!Array.isArray(items) || items.length === 0)
    throw new ParseError('wazuh-manager-status: no data.affected_items in the answer');
  const daemons: Record<string, string> = {};
  for (const [name, state] of Object.entries(asRecord(items[0])))
    daemons[name.replace(/^ossec-/, 'wazuh-')] = String(state);
  return {
    applicable: true,
    daemons,
    stopped_required: REQUIRED_DAEMONS.filter((d) => daemons[d] !== 'running'),
    stopped_any: Object.entries(daemons)
      .filter(([, s]) => s !== 'running' && s !== 'stopped')
      .map(([d, s]) => `${d}: ${s}`),
  };
}

export const wazuhParsers = {
  'wazuh-agents': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['wazuh-agents-summary']) ?? parseAgentsSummary(readJson(outputs, 'wazuh-agents-summary')),
  'wazuh-manager': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['wazuh-manager-status']) ?? parseManagerStatus(readJson(outputs, 'wazuh-manager-status')),
};

/** Parser modules (see src/parsers/define.ts), by the name catalog checks use in `parser`. */
export const wazuhParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'wazuh-agents',
    probes: ['api-root', 'wazuh-agents-summary'],
    facts: [
      'applicable',
      'total',
      'active',
      'disconnected',
      'never_connected',
      'pending',
      'not_connected',
      'not_connected_ratio',
    ],
    parse: wazuhParsers['wazuh-agents'],
  }),
  defineParser({
    name: 'wazuh-manager',
    probes: ['api-root', 'wazuh-manager-status'],
    facts: ['applicable', 'daemons', 'stopped_required', 'stopped_any'],
    parse: wazuhParsers['wazuh-manager'],
  }),
];
