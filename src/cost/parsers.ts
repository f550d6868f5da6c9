// The parsers of the host volume probes (issue 19), registered like every other (src/parsers/index.ts); the SIEM
// ingest parsers (siem-volume.ts) belong to their product modules (src/products).
import { defineParser, type ParserModule } from '../parsers/define.js';
import { mariadbVolume, postgresqlVolume } from './database-volume.js';
import { linuxVolume } from './linux-volume.js';
import { webVolume } from './web-volume.js';
import { windowsVolume } from './windows-volume.js';

export const costParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'log-volume',
    probes: ['linux-log-volume'],
    facts: ['volume', 'volume.sources', 'volume.process_starts_per_day', 'volume.measured'],
    parse: (outputs) => linuxVolume(outputs) as unknown as Record<string, unknown>,
  }),
  defineParser({
    name: 'web-log-volume',
    probes: ['web-log-sample'],
    facts: ['volume', 'volume.logs', 'volume.requests', 'volume.measured'],
    parse: (outputs) => webVolume(outputs) as unknown as Record<string, unknown>,
  }),
  defineParser({
    name: 'windows-eventlog-volume',
    probes: ['win-eventlog-volume'],
    facts: ['volume', 'volume.logs', 'volume.measured'],
    parse: (outputs) => windowsVolume(outputs) as unknown as Record<string, unknown>,
  }),
  defineParser({
    name: 'postgresql-statement-volume',
    probes: ['pg-activity', 'pg-statement-calls'],
    facts: ['volume', 'volume.statements_per_day', 'volume.transactions_per_day', 'volume.measured'],
    parse: (outputs) => postgresqlVolume(outputs) as unknown as Record<string, unknown>,
  }),
  defineParser({
    name: 'mariadb-statement-volume',
    probes: ['mariadb-activity'],
    facts: ['volume', 'volume.statements_per_day', 'volume.measured'],
    parse: (outputs) => mariadbVolume(outputs) as unknown as Record<string, unknown>,
  }),
];
