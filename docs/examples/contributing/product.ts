import { defineProduct, jsonOrUndefined } from '../../../src/products/define.js';
import { graylogInputs } from './parser.js';

export const graylog = defineProduct({
  name: 'graylog',
  kinds: ['siem'],
  // GET / (the api-root probe) answers {"cluster_id":..., "version":"6.1.4", "hostname":...}.
  identify: (body) => {
    const root = jsonOrUndefined(body);
    return {
      ...(typeof root?.version === 'string' ? { os: `Graylog ${root.version}` } : {}),
      ...(typeof root?.hostname === 'string' ? { hostname: root.hostname } : {}),
    };
  },
  probes: ['api-root', 'graylog-input-states'],
  parsers: [graylogInputs],
});
