// The product API parsers (Elasticsearch, OpenSearch, Splunk, Wazuh), by the name catalog checks use in `parser`.
// Each is a pure function of the API answers: stored evidence re-evaluates to the same facts, because ages are
// measured against the server's Date header recorded with the answer.
import type { Parser } from '../../checks/types.js';
import { apiParsers } from './api.js';
import { elasticParsers } from './elastic.js';
import { splunkParsers } from './splunk.js';
import { wazuhParsers } from './wazuh.js';

export const productParsers: Readonly<Record<string, Parser>> = { ...apiParsers, ...elasticParsers, ...splunkParsers, ...wazuhParsers };
