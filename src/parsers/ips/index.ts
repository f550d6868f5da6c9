// Parsers of network sensors read through their own host (kind ips or ndr with an ssh/local/evidence transport).
import type { ParserModule } from '../define.js';
import { suricataConfig } from './suricata.js';
import { suricataStats } from './suricata-stats.js';
import { zeekSite } from './zeek.js';

export const sensorParserModules: readonly ParserModule[] = [suricataConfig, suricataStats, zeekSite];
