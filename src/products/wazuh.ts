import { apiParserModules } from '../parsers/products/api.js';
import { siemRuleParserModules } from '../parsers/products/siem-rules.js';
import { wazuhParserModules } from '../parsers/products/wazuh.js';
import { defineProduct, jsonOrUndefined } from './define.js';

export const wazuh = defineProduct({
  name: 'wazuh',
  kinds: ['siem', 'edr'],
  identify: (body) => {
    const data = jsonOrUndefined(body)?.data as { api_version?: string; hostname?: string } | undefined;
    return {
      ...(data?.hostname ? { hostname: data.hostname } : {}),
      ...(data?.api_version ? { os: `Wazuh ${data.api_version}` } : {}),
    };
  },
  probes: ['api-root', 'wazuh-agents-summary', 'wazuh-manager-status', 'wazuh-rules'],
  parsers: [...apiParserModules, ...wazuhParserModules, ...siemRuleParserModules],
});
