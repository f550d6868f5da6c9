// Elasticsearch and OpenSearch: one API family, two products (OpenSearch keeps retention in ISM, not ILM).
import { apiParserModules } from '../parsers/products/api.js';
import { alertCountParserModules } from '../parsers/products/alert-counts.js';
import { elasticParserModules } from '../parsers/products/elastic.js';
import { esHeadroomParsers } from '../cost/es-headroom.js';
import { securityRetentionParsers } from '../cost/security-retention.js';
import { esVolumeParsers } from '../cost/siem-volume.js';
import { fieldMappingParserModules } from '../parsers/products/field-mapping.js';
import { siemRuleParserModules } from '../parsers/products/siem-rules.js';
import { defineProduct, jsonOrUndefined, type ProductIdentity } from './define.js';

function identifyCluster(body: string): ProductIdentity {
  const json = jsonOrUndefined(body);
  if (!json) return {};
  const version = json.version as { number?: string; distribution?: string } | undefined;
  const name = version?.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  return {
    ...(typeof json.cluster_name === 'string' ? { hostname: json.cluster_name } : {}),
    ...(version?.number ? { os: `${name} ${version.number}` } : {}),
  };
}

const PROBES = [
  'api-root',
  'es-cluster-health',
  'es-allocation',
  'es-disk-settings',
  'es-ingest-recency',
  'es-detection-field-mapping',
  'es-indices-volume',
];

export const elasticsearch = defineProduct({
  name: 'elasticsearch',
  kinds: ['siem'],
  identify: identifyCluster,
  probes: [...PROBES, 'es-data-streams', 'es-ilm-policies', 'es-security-alert-counts'],
  parsers: [
    ...apiParserModules,
    ...elasticParserModules,
    ...alertCountParserModules,
    ...fieldMappingParserModules,
    ...esVolumeParsers,
    ...esHeadroomParsers,
    ...securityRetentionParsers,
  ],
});

export const opensearch = defineProduct({
  name: 'opensearch',
  kinds: ['siem'],
  identify: identifyCluster,
  // The Wazuh indexer is an OpenSearch cluster: its wazuh-alerts-* are counted here (nothing when absent).
  probes: [
    ...PROBES,
    'os-ism-policies',
    'os-ism-explain',
    'wazuh-alert-counts',
    'os-sa-detectors',
    'os-sa-rules-prepackaged',
    'os-sa-rules-custom',
    'os-sa-finding-counts',
  ],
  parsers: [
    ...apiParserModules,
    ...elasticParserModules,
    ...fieldMappingParserModules,
    ...esVolumeParsers,
    ...esHeadroomParsers,
    ...securityRetentionParsers,
    ...alertCountParserModules,
    ...siemRuleParserModules,
  ],
});
