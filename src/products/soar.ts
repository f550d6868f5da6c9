// SOARs audited through their own read-only list APIs: the SOAR side of the SIEM -> SOAR hop (which integrations it
// has for the SIEM, which webhooks receive alerts). Splunk SOAR (Phantom): `/rest/asset`, `/rest/app`; Shuffle:
// `/api/v1/workflows`. GET only, as every product probe.
import { apiParserModules } from '../parsers/products/api.js';
import { soarIntegrationParserModules } from '../parsers/products/soar-integrations.js';
import { defineProduct, jsonOrUndefined } from './define.js';

export const splunkSoar = defineProduct({
  name: 'splunk-soar',
  kinds: ['soar'],
  // The root is the web UI (HTML); /rest/version ({"version": "6.3.1.178"}) would say more. Best effort only.
  identify: (body) => {
    const version = jsonOrUndefined(body)?.version;
    return typeof version === 'string' ? { os: `Splunk SOAR ${version}` } : {};
  },
  probes: ['api-root', 'soar-splunk-assets', 'soar-splunk-apps'],
  parsers: [...apiParserModules, ...soarIntegrationParserModules],
});

export const shuffle = defineProduct({
  name: 'shuffle',
  kinds: ['soar'],
  identify: () => ({}),
  probes: ['api-root', 'soar-shuffle-workflows'],
  parsers: [...apiParserModules, ...soarIntegrationParserModules],
});
