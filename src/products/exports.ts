// Products read from the configuration their own CLI or API exported (offline evidence, `transport: evidence` with
// `export: { product, files }`): what each is, which command writes the files socready reads, its export probe and
// its parser. The kinds live in model.ts (EXPORT_PRODUCT_KINDS) so the inventory loader can check them.
import { EXPORT_PRODUCT_KINDS, type ExportProductName, type TargetKind } from '../model.js';
import type { ParserModule } from '../parsers/define.js';
import { firewallAppliance } from '../parsers/exports/appliances.js';
import { cloudWafLogging } from '../parsers/exports/cloud-waf.js';

export interface ExportProduct {
  readonly name: ExportProductName;
  readonly kind: TargetKind;
  /** The export probe (checks/probes/exports.yaml, `products: [<name>]`). */
  readonly probe: string;
  /** The commands whose output socready reads, as the README documents them. */
  readonly commands: readonly string[];
  readonly parsers: readonly ParserModule[];
}

const product = (p: Omit<ExportProduct, 'kind'>): ExportProduct =>
  Object.freeze({ ...p, kind: EXPORT_PRODUCT_KINDS[p.name] });

export const EXPORT_PRODUCTS: readonly ExportProduct[] = [
  product({
    name: 'aws-waf',
    probe: 'export-aws-waf',
    commands: [
      'aws wafv2 get-logging-configuration --resource-arn <web ACL ARN>',
      'aws wafv2 list-logging-configurations --scope REGIONAL|CLOUDFRONT',
    ],
    parsers: [cloudWafLogging],
  }),
  product({
    name: 'azure-waf',
    probe: 'export-azure-diagnostics',
    commands: ['az monitor diagnostic-settings list --resource <Front Door profile or Application Gateway id>'],
    parsers: [cloudWafLogging],
  }),
  product({
    name: 'cloudflare',
    probe: 'export-cloudflare-logpush',
    commands: ['GET https://api.cloudflare.com/client/v4/zones/<zone id>/logpush/jobs'],
    parsers: [cloudWafLogging],
  }),
  product({
    name: 'fortigate',
    probe: 'export-fortigate',
    commands: ['show full-configuration (or: show log syslogd setting; show log setting; show firewall policy)'],
    parsers: [firewallAppliance],
  }),
  product({
    name: 'panos',
    probe: 'export-panos',
    commands: ['show config running (XML)', 'set cli config-output-format set; show (set commands)'],
    parsers: [firewallAppliance],
  }),
  product({
    name: 'checkpoint',
    probe: 'export-checkpoint',
    commands: ['mgmt_cli show access-rulebase name <layer> details-level full --format json', 'cp_log_export show'],
    parsers: [firewallAppliance],
  }),
];
