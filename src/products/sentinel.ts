// Microsoft Sentinel: two APIs, two hosts, two token audiences. The Log Analytics query API (api.url,
// https://api.loganalytics.io/v1/workspaces/<id>) answers KQL: SecurityAlert counts per rule. Azure Resource Manager
// (api.management_url, the workspace resource URL, with api.management_token_env) lists the analytics rules and the
// automation rules that run playbooks. Each token goes to its own origin only (src/collect/api-source.ts).
import { apiParserModules } from '../parsers/products/api.js';
import { alertCountParserModules } from '../parsers/products/alert-counts.js';
import { alertForwardingParserModules } from '../parsers/products/alert-forwarding.js';
import { siemRuleParserModules } from '../parsers/products/siem-rules.js';
import { defineProduct } from './define.js';

export const sentinel = defineProduct({
  name: 'sentinel',
  kinds: ['siem'],
  // The Log Analytics API root names no product or version.
  identify: () => ({ os: 'Microsoft Sentinel' }),
  probes: ['api-root', 'sentinel-alert-rules', 'sentinel-automation-rules', 'sentinel-alert-counts'],
  parsers: [...apiParserModules, ...siemRuleParserModules, ...alertCountParserModules, ...alertForwardingParserModules],
});
