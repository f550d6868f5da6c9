// Kibana (Elastic Security): the detection engine's rules, read through Kibana's API (not Elasticsearch's).
import { apiParserModules } from '../parsers/products/api.js';
import { blindRuleParserModules } from '../parsers/products/blind-rules.js';
import { alertForwardingParserModules } from '../parsers/products/alert-forwarding.js';
import { siemRuleParserModules } from '../parsers/products/siem-rules.js';
import { defineProduct, jsonOrUndefined } from './define.js';

export const kibana = defineProduct({
  name: 'kibana',
  kinds: ['siem'],
  // GET / redirects to the app (HTML); /api/status would say more but needs its own probe. Best effort only.
  identify: (body) => {
    const json = jsonOrUndefined(body);
    const version = (json?.version as { number?: string } | undefined)?.number;
    return version ? { os: `Kibana ${version}` } : {};
  },
  probes: ['api-root', 'kibana-detection-rules', 'kibana-connectors'],
  parsers: [...apiParserModules, ...siemRuleParserModules, ...alertForwardingParserModules, ...blindRuleParserModules],
});
