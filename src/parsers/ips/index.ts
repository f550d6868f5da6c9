// Parsers of network sensors (Suricata, Zeek, Snort 3) read through their own host (kind ips or ndr with an
// ssh/local/evidence transport).
import type { ParserModule } from '../define.js';
import { snortConfig } from './snort.js';
import { suricataConfig } from './suricata.js';
import { suricataStats } from './suricata-stats.js';
import { zeekSite } from './zeek.js';

export const sensorParserModules: readonly ParserModule[] = [suricataConfig, suricataStats, zeekSite, snortConfig];
