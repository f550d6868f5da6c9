import { securityRetentionParsers } from '../cost/security-retention.js';
import { splunkVolumeParsers } from '../cost/siem-volume.js';
import { splunkIngestParsers } from '../cost/splunk-ingest.js';
import { apiParserModules } from '../parsers/products/api.js';
import { blindRuleParserModules } from '../parsers/products/blind-rules.js';
import { alertCountParserModules } from '../parsers/products/alert-counts.js';
import { alertForwardingParserModules } from '../parsers/products/alert-forwarding.js';
import { siemRuleParserModules } from '../parsers/products/siem-rules.js';
import { splunkParserModules } from '../parsers/products/splunk.js';
import { splunkFieldParserModules } from '../parsers/products/splunk-fields.js';
import { splunkPropsParserModules } from '../parsers/products/splunk-props.js';
import { defineProduct } from './define.js';

export const splunk = defineProduct({
  name: 'splunk',
  kinds: ['siem'],
  // The REST root is an Atom feed whose generator element carries the version.
  identify: (body) => {
    const m = /<generator[^>]*version="([^"]+)"/.exec(body);
    return m ? { os: `Splunk ${m[1]}` } : {};
  },
  probes: [
    'api-root',
    'splunk-health',
    'splunk-indexes',
    'splunk-license-messages',
    'splunk-saved-searches',
    'splunk-alert-history',
    'splunk-license-usage',
    'splunk-sourcetypes',
    'splunk-props',
    'splunk-field-summary',
    'splunk-license-usage-30d',
  ],
  parsers: [
    ...apiParserModules,
    ...splunkParserModules,
    ...siemRuleParserModules,
    ...alertCountParserModules,
    ...alertForwardingParserModules,
    ...splunkVolumeParsers,
    ...blindRuleParserModules,
    ...splunkPropsParserModules,
    ...splunkFieldParserModules,
    ...splunkIngestParsers,
    ...securityRetentionParsers,
  ],
});
