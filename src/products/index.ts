// Every product socready audits through its API: adding one is a module here plus its catalog folder, parsers,
// fixtures and tests (see CONTRIBUTING.md).
import type { ProductModule } from './define.js';
import { elasticsearch, opensearch } from './elastic.js';
import { kibana } from './kibana.js';
import { sentinel } from './sentinel.js';
import { splunk } from './splunk.js';
import { shuffle, splunkSoar } from './soar.js';
import { wazuh } from './wazuh.js';

export const PRODUCTS: readonly ProductModule[] = [
  elasticsearch,
  opensearch,
  splunk,
  wazuh,
  kibana,
  sentinel,
  splunkSoar,
  shuffle,
];

export function productNamed(name: string): ProductModule | undefined {
  return PRODUCTS.find((p) => p.name === name.toLowerCase());
}
