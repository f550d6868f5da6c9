// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// Cloud WAF logging configurations and firewall appliance configurations as their CLIs/APIs export them
// (test/fixtures/products/cloud-waf, firewalls), through the export probe source and the catalog's checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { ExportProbeSource } from '../../../../src/collect/export-source.js';
import { EvidenceProbeSource } from '../../../../src/collect/offline.js';
import { loadInventory } from '../../../../src/inventory/load.js';
import type { ExportProductName, Target } from '../../../../src/model.js';
import { firewallAppliance } from '../../../../src/parsers/exports/appliances.js';
import { azureDiagnosticSettings, cloudWafLogging } from '../../../../src/parsers/exports/cloud-waf.js';
import { EXPORT_PRODUCTS } from '../../../../src/products/exports.js';
import { failedResult } from '../../../../src/transport/shell.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { InputError } from '../../../../src/util/validate.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const catalog = loadCatalog();
const WAF = join(FIXTURES_DIR, 'products', 'cloud-waf');
const FW = join(FIXTURES_DIR, 'products', 'firewalls');
const FW_CHECKS = [
  'firewall.appliance.syslog-destination',
  'firewall.appliance.allow-logged',
  'firewall.appliance.deny-logged',
];

/** The export probe answers a target with these files gets, read by the real source. */
async function exported(product: ExportProductName, files: string[]): Promise<Record<string, ProbeResult>> {
  const target: Target = {
    id: `${product}-1`,
    kind: product === 'aws-waf' || product === 'azure-waf' || product === 'cloudflare' ? 'waf' : 'firewall',
    address: 'export',
    tags: [],
    transport: 'evidence',
    export: { product, files },
  };
  const source = new ExportProbeSource(target);
  expect(await source.open()).toBeUndefined();
  const out: Record<string, ProbeResult> = {};
  for (const probe of catalog.probes.values()) {
    if (source.plans(probe)) out[probe.id] = await source.collect(probe);
    // What the collector gives a check's probes the source does not ask (another product's export).
    else if (probe.platform === 'export') out[probe.id] = failedResult({ kind: 'unsupported', message: 'not asked' });
  }
  return out;
}
const status = (id: string, outputs: Record<string, ProbeResult>, kind: 'waf' | 'firewall') =>
  evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, { targetId: 't', kind });

describe('cloud WAF logging configurations', () => {
  it('AWS: a Firehose destination, every request, only credential headers redacted: all four checks pass', async () => {
    const out = await exported('aws-waf', [join(WAF, 'aws-logging-full.json')]);
    const facts = cloudWafLogging.parse(out, { targetId: 't', kind: 'waf' }) as any;
    expect(facts.destinations[0]).toMatch(/^Kinesis Data Firehose arn:aws:firehose:/);
    expect(facts.configs[0]).toMatchObject({
      headers: 'some',
      body: 'matched-part',
      redacted: ['header authorization', 'header cookie'],
    });
    for (const id of [
      'waf.cloud.logging-on',
      'waf.cloud.all-requests',
      'waf.cloud.detection-fields-kept',
      'waf.cloud.matched-data',
    ])
      expect(status(id, out, 'waf').status, id).toBe('pass');
  });

  it('trap, AWS: a filter keeping BLOCK only and the URI path and query redacted', async () => {
    const out = await exported('aws-waf', [join(WAF, 'aws-logging-block-only.json')]);
    expect(status('waf.cloud.logging-on', out, 'waf').status).toBe('pass');
    const all = status('waf.cloud.all-requests', out, 'waf');
    expect(all.status).toBe('fail');
    expect(all.reason).toContain('KEEP action BLOCK or label');
    expect(status('waf.cloud.detection-fields-kept', out, 'waf').reason).toContain('URI path, query string');
  });

  it('Azure: Front Door logging access and WAF passes; an App Gateway without its access log fails', async () => {
    const good = await exported('azure-waf', [join(WAF, 'azure-frontdoor-diagnostics.json')]);
    expect(status('waf.cloud.all-requests', good, 'waf').status).toBe('pass');
    const trap = await exported('azure-waf', [join(WAF, 'azure-appgw-firewall-only.json')]);
    const facts = cloudWafLogging.parse(trap, { targetId: 't', kind: 'waf' }) as any;
    expect(facts.destinations).toEqual([expect.stringMatching(/^storage account .*stwaflogs$/)]);
    expect(status('waf.cloud.logging-on', trap, 'waf').status).toBe('pass');
    expect(status('waf.cloud.all-requests', trap, 'waf').status).toBe('fail');
  });

  it('Cloudflare: http_requests passes; firewall_events alone fails, ClientIP and User-Agent left out', async () => {
    const good = await exported('cloudflare', [join(WAF, 'cloudflare-logpush.json')]);
    expect(status('waf.cloud.all-requests', good, 'waf').status).toBe('pass');
    expect(status('waf.cloud.detection-fields-kept', good, 'waf').status).toBe('pass');
    // No cloud WAF logs bodies; Cloudflare's log does not even carry the matched part.
    expect(status('waf.cloud.matched-data', good, 'waf').status).toBe('fail');
    const trap = await exported('cloudflare', [join(WAF, 'cloudflare-firewall-only.json')]);
    const facts = cloudWafLogging.parse(trap, { targetId: 't', kind: 'waf' }) as any;
    // The destination's query string (it may hold a token) never reaches the facts.
    expect(facts.destinations).toEqual(['firewall_events → https://siem.example.com/cloudflare-fw']);
    expect(status('waf.cloud.all-requests', trap, 'waf').status).toBe('fail');
    expect(status('waf.cloud.detection-fields-kept', trap, 'waf').reason).toContain('ClientIP');
  });

  it('Azure classic Front Door: the Frontdoor* category spelling counts', () => {
    const doc = [
      {
        id:
          '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/frontdoors/fd1' +
          '/providers/microsoft.insights/diagnosticSettings/s',
        workspaceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w',
        logs: [
          { category: 'FrontdoorAccessLog', enabled: true },
          { category: 'FrontdoorWebApplicationFirewallLog', enabled: true },
        ],
      },
    ];
    expect(azureDiagnosticSettings(doc, 'fd.json')[0]).toMatchObject({ enabled: true, all_requests: true });
  });

  it('a file that is not the export it claims to be is an error naming the file', async () => {
    const out = await exported('aws-waf', [join(WAF, 'cloudflare-logpush.json')]);
    const f = status('waf.cloud.logging-on', out, 'waf');
    expect(f.status).toBe('error');
    expect(f.reason).toContain('cloudflare-logpush.json: no LoggingConfiguration');
  });
});

describe('firewall appliance exports', () => {
  it('FortiGate: syslog on, allow and deny policies logging all, the implicit deny logged', async () => {
    const out = await exported('fortigate', [join(FW, 'fortigate-good.conf')]);
    for (const id of FW_CHECKS) expect(status(id, out, 'firewall').status, id).toBe('pass');
  });

  it('trap, FortiGate: syslog off (FortiAnalyzer only), utm/disable policies, silent denies', async () => {
    const out = await exported('fortigate', [join(FW, 'fortigate-trap.conf')]);
    const facts = firewallAppliance.parse(out, { targetId: 't', kind: 'firewall' }) as any;
    expect(facts.other_destinations).toEqual(['FortiAnalyzer 10.20.0.30 (log fortianalyzer setting)']);
    expect(facts.allow_unlogged).toEqual(['DMZ-Mgmt-SSH']);
    expect(facts.allow_security_only).toEqual(['Users-Internet']);
    expect(facts.deny_unlogged).toEqual(['Deny-Guest-to-LAN', 'implicit deny']);
    expect(facts.policies.map((p: any) => p.name)).not.toContain('old-vpn'); // disabled
    expect(status('firewall.appliance.syslog-destination', out, 'firewall').status).toBe('fail');
    expect(status('firewall.appliance.allow-logged', out, 'firewall').status).toBe('fail');
    expect(status('firewall.appliance.deny-logged', out, 'firewall').status).toBe('fail');
  });

  it('PAN-OS XML: rules log at session end via a syslog forwarding profile; interzone-default overridden', async () => {
    const out = await exported('panos', [join(FW, 'panos-running.xml')]);
    const facts = firewallAppliance.parse(out, { targetId: 't', kind: 'firewall' }) as any;
    expect(facts.syslog).toEqual([{ name: 'SIEM-Syslog', server: '10.20.0.15', port: '6514', enabled: true }]);
    for (const id of FW_CHECKS) expect(status(id, out, 'firewall').status, id).toBe('pass');
  });

  it('trap, PAN-OS set format: threats-only profile, log-end no, no log-setting, default interzone', async () => {
    const out = await exported('panos', [join(FW, 'panos-trap.set')]);
    const facts = firewallAppliance.parse(out, { targetId: 't', kind: 'firewall' }) as any;
    expect(facts.syslog_configured).toBe(true);
    expect(facts.allow_unlogged).toEqual(['Allow DC Replication (logged on the box, not forwarded)', 'Allow-NTP']);
    expect(facts.deny_unlogged).toEqual(['Block-SMB-Out (logged on the box, not forwarded)', 'interzone-default']);
    expect(status('firewall.appliance.allow-logged', out, 'firewall').status).toBe('fail');
  });

  it('Check Point: Log Exporter target, uids resolved, the cleanup rule and a web rule tracked None', async () => {
    const out = await exported('checkpoint', [
      join(FW, 'checkpoint-rulebase.json'),
      join(FW, 'checkpoint-log-export.txt'),
    ]);
    const facts = firewallAppliance.parse(out, { targetId: 't', kind: 'firewall' }) as any;
    expect(facts.syslog).toEqual([{ name: 'soc-siem', server: '10.20.0.15', port: '514', enabled: true }]);
    expect(facts.allow_unlogged).toEqual(['Web servers from the Internet']);
    expect(facts.deny_unlogged).toEqual(['Cleanup rule']);
    expect(status('firewall.appliance.syslog-destination', out, 'firewall').status).toBe('pass');
    expect(status('firewall.appliance.deny-logged', out, 'firewall').status).toBe('fail');
  });

  it('every export product names a probe in the catalog that asks for exactly that product', () => {
    for (const p of EXPORT_PRODUCTS) expect(catalog.probes.get(p.probe)?.products, p.name).toEqual([p.name]);
  });
});

describe('export targets in the inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-export-inv-'));
  const write = (body: string) => {
    const file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `version: 1\norganization: Export Org\ntargets:\n${body}`);
    return file;
  };

  it('defaults to transport evidence, an address from the id, and files resolved beside the inventory', () => {
    const inv = loadInventory(
      write('  - { id: waf-prod, kind: waf, export: { product: aws-waf, files: [exports/waf.json] } }\n'),
    );
    expect(inv.targets[0]).toMatchObject({
      transport: 'evidence',
      address: 'waf-prod',
      export: { product: 'aws-waf', files: [join(dir, 'exports', 'waf.json')] },
    });
  });

  it('refuses an export under the wrong kind or transport, naming the field', () => {
    const kind = errorOf(() =>
      loadInventory(write('  - { id: fw1, kind: waf, export: { product: fortigate, files: [a] } }\n')),
    );
    expect(kind.field).toBe('targets.0.kind');
    expect(kind.message).toContain('belongs to kind: firewall');
    const transport = errorOf(() =>
      loadInventory(write('  - { id: fw1, kind: firewall, transport: ssh, export: { product: panos, files: [a] } }\n')),
    );
    expect(transport.field).toBe('targets.0.transport');
  });
});

describe('hosts scanned from evidence files beside live targets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-evidence-inv-'));
  const inv = (body: string) => {
    const file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `version: 1\norganization: Evidence Org\ntargets:\n${body}`);
    return file;
  };

  it('reads evidence_file as transport evidence with the file resolved, for linux and windows only', () => {
    const t = loadInventory(inv('  - { id: app1, kind: linux, evidence_file: ev/app1.json }\n')).targets[0]!;
    expect(t).toMatchObject({ transport: 'evidence', address: 'app1', evidence_file: join(dir, 'ev', 'app1.json') });
    const e = errorOf(() => loadInventory(inv('  - { id: ids, kind: ips, evidence_file: ev/ids.json }\n')));
    expect(e.field).toBe('targets.0.evidence_file');
  });

  it('refuses a Windows evidence file under a linux target instead of judging it with the linux catalog', async () => {
    const file = join(dir, 'win.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'socready-evidence', version: 1, platform: 'windows', host: {}, probes: {} }),
    );
    const error = await new EvidenceProbeSource(file, { platform: 'linux' }).open();
    expect(error).toMatchObject({ kind: 'config', message: expect.stringContaining('holds windows evidence') });
  });
});

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error');
}
