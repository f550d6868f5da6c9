// Issue 17's "done when", in one scan through the CLI: a real nginx terminating TLS on loopback (its configuration
// read through this machine, its handshake made), two Suricata sensors from the upstream suricata.yaml (images), one
// in front of the terminator and one behind it, a Linux host and a Windows host scanned from the evidence files their
// collection scripts would write (the Linux host runs mdatp fed by auditd, with kernel auditing off; the Windows
// host is hardened), and a firewall appliance and a cloud WAF from their exported configurations. The report says:
// the IPS in front is metadata-only for HTTPS and the one behind sees content (decryption measured, not declared);
// SSH and RDP are endpoint-only with their endpoint evidence status; the EDR section flags the agent on the host whose
// audit policy is off; the east-west SMB flow is listed; the HTML shows it all.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import type { Report } from '../../src/model.js';
import type { EdrRow, FlowRow } from '../../src/sensors/map.js';
import { fixtureHost } from '../fixtures/linux/hosts.js';
import {
  copyCertsInto,
  type Daemon,
  makeCerts,
  makeTree,
  removeTree,
  startNginx,
  type Tree,
} from '../fixtures/web/servers.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR, SHARED_DIR } from '../helpers/paths.js';
import { hostEvidenceFile } from '../helpers/windows-hosts.js';
import { evidenceProbes } from '../helpers/evidence-estate.js';

const UPSTREAM = join(SHARED_DIR, 'products', 'suricata', 'suricata.yaml.in');
const isRoot = process.getuid?.() === 0;

/** The Linux host's evidence file: the hardened fixture host with kernel auditing off and no rules loaded. */
function auditOffLinuxEvidence(file: string): void {
  const catalog = loadCatalog();
  const outputs = fixtureHost('hardened', catalog.probes.values());
  const set = (id: string, stdout: string) => {
    outputs[id] = { ...outputs[id]!, stdout, exitCode: 0 };
  };
  set('auditctl-status', 'enabled 0\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n');
  set('auditctl-rules', 'No rules\n');
  // auditd stopped: its unit inactive and no process.
  const services = outputs['service-state']!.stdout;
  set(
    'service-state',
    services.replace('unit auditd active=active', 'unit auditd active=inactive').replace(/^proc auditd\n/m, ''),
  );
  const probes = evidenceProbes(outputs, catalog);
  const doc = { format: 'socready-evidence', version: 1, platform: 'linux', host: { hostname: 'app1' }, probes };
  writeFileSync(file, JSON.stringify({ ...doc, collected_at: '2026-11-20T10:00:00Z' }));
}

describe.skipIf(!isRoot || !existsSync(UPSTREAM))(
  'issue 17 done-when: one scan of an estate with sensors around TLS',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-done17-'));
    let tree: Tree;
    let daemon: Daemon | undefined;
    let report: Report;
    let html: string;
    let runDir: string;

    beforeAll(async () => {
      tree = await makeTree('nginx', 'good', ['PORT', 'TLSPORT', 'UPSTREAM']);
      copyCertsInto(tree, makeCerts(mkdtempSync(join(tmpdir(), 'socready-done17-ca-'))), 'self');
      daemon = await startNginx(tree);
      const yaml = readFileSync(UPSTREAM, 'utf8')
        .replace('# dump-all-headers: none', 'dump-all-headers: both')
        .replace('# http-body-printable: yes # Requires metadata', 'http-body-printable: yes #');
      for (const sensor of ['edge', 'dmz']) {
        mkdirSync(join(dir, sensor, 'etc', 'suricata'), { recursive: true });
        writeFileSync(join(dir, sensor, 'etc', 'suricata', 'suricata.yaml'), yaml);
      }
      auditOffLinuxEvidence(join(dir, 'app1.json'));
      writeFileSync(join(dir, 'win1.json'), JSON.stringify(hostEvidenceFile('hardened', 'WIN1')));
      const products = join(FIXTURES_DIR, 'products');
      writeFileSync(
        join(dir, 'inventory.yaml'),
        `version: 1
organization: Done When 17 Org
targets:
  - { id: web-host, kind: linux, address: localhost, transport: local }
  - id: shop
    kind: web
    web:
      urls: ["https://127.0.0.1:${tree.ports.TLSPORT}/"]
      server: nginx
      host: web-host
      config_path: ${tree.config}
  - { id: app1, kind: linux, evidence_file: ${join(dir, 'app1.json')} }
  - { id: win1, kind: windows, evidence_file: ${join(dir, 'win1.json')} }
  - id: ids-edge
    kind: ips
    address: localhost
    rootdir: ${join(dir, 'edge')}
    sensor: { watches: [shop, app1, win1] }
  - id: ids-dmz
    kind: ips
    address: localhost
    rootdir: ${join(dir, 'dmz')}
    sensor: { watches: [{ target: shop, decrypted_by: shop }] }
  - id: fw-edge
    kind: firewall
    export: { product: fortigate, files: [${join(products, 'firewalls', 'fortigate-trap.conf')}] }
  - id: waf-cdn
    kind: waf
    export: { product: cloudflare, files: [${join(products, 'cloud-waf', 'cloudflare-firewall-only.json')}] }
`,
      );
      const r = await runCli(
        ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--hosts-only', '--json'],
        {
          timeoutMs: 280_000,
        },
      );
      expect([0, 1], r.stderr).toContain(r.code);
      runDir = JSON.parse(r.stdout).run_dir as string;
      report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
      html = readFileSync(join(runDir, 'report.html'), 'utf8');
    }, 300_000);

    afterAll(async () => {
      await daemon?.stop();
      if (tree) removeTree(tree);
      rmSync(dir, { recursive: true, force: true });
    });

    const flows = () => (report.analyses.sensors!.details as { flows: FlowRow[] }).flows;
    const status = (check: string, target: string) =>
      report.findings.find((f) => f.check === check && f.target === target)?.status;

    it('measures TLS termination on the real nginx, so the decryption behind it is proved, not declared', () => {
      expect(status('web.tls.nginx-termination', 'shop')).toBe('pass');
      const https = flows().find((f) => f.flow === 'HTTPS → shop')!;
      expect(https.sensors.find((s) => s.sensor === 'ids-edge')).toMatchObject({
        sees: 'metadata',
        decrypted_by: null,
      });
      expect(https.sensors.find((s) => s.sensor === 'ids-dmz')).toMatchObject({
        sees: 'content',
        body: true,
        decrypted_by: 'shop',
        decryption: 'measured',
      });
      expect(https.content_seen_by).toEqual(['ids-dmz']);
    });

    it('lists SSH and RDP as endpoint-only, with the endpoint evidence status each host measured', () => {
      const ssh = flows().find((f) => f.flow === 'SSH → app1')!;
      expect(ssh.sensors).toEqual([expect.objectContaining({ sensor: 'ids-edge', sees: 'metadata' })]);
      expect(ssh.endpoint!.status).toBe('missing');
      expect(ssh.endpoint!.checks).toContainEqual({ check: 'linux.auditd.running', status: 'fail' });
      expect(ssh.gap).toBe(true);
      const rdp = flows().find((f) => f.flow === 'RDP → win1')!;
      expect(rdp.sensors.map((s) => s.sees)).toEqual(['metadata']);
      expect(rdp.endpoint!.status).toBe('measured');
      expect(rdp.gap).toBe(false);
      // The same Windows host's SMB: encryption measured on it, share auditing as its endpoint record.
      const smb = flows().find((f) => f.flow === 'SMB/445 → win1')!;
      expect(smb.sensors[0]).toMatchObject({ sees: 'metadata', encrypted: 'measured' });
      expect(smb.endpoint!.status).toBe('measured');
    });

    it('flags the EDR agent running on the host whose audit policy is off', () => {
      expect(status('linux.edr.healthy', 'app1')).toBe('pass');
      expect(status('linux.edr.auditd-dependency', 'app1')).toBe('fail');
      const edr = (report.analyses.sensors!.details as { edr: EdrRow[] }).edr;
      expect(edr.find((e) => e.target === 'app1')).toMatchObject({
        check: 'linux.edr.healthy',
        audit_policy: 'missing',
        dependency: 'fail',
        dependency_check: 'linux.edr.auditd-dependency',
        flagged: true,
      });
      expect(report.analyses.sensors!.summary.edr_audit_off).toBeGreaterThanOrEqual(1);
    });

    it('reads the appliance and the cloud WAF from their exports in the same scan', () => {
      expect(status('firewall.appliance.syslog-destination', 'fw-edge')).toBe('fail');
      expect(status('firewall.appliance.deny-logged', 'fw-edge')).toBe('fail');
      expect(status('waf.cloud.all-requests', 'waf-cdn')).toBe('fail');
      expect(report.targets.find((t) => t.id === 'fw-edge')).toMatchObject({ kind: 'firewall', transport: 'evidence' });
      // The exported file is the evidence, stored redacted: the admin password hash never reaches the run folder.
      const stored = report.evidence.find((e) => e.target === 'fw-edge' && e.probe === 'export-fortigate')!;
      const text = readFileSync(join(runDir, stored.file!), 'utf8');
      expect(text).toContain('set password ENC [REDACTED]');
      expect(text).not.toContain('SH2nlSm9');
    });

    it('renders the blind-spot map with the flagged agent in the HTML report', () => {
      expect(html).toContain('id="sensors"');
      expect(html).toContain('SMB/445 → win1');
      expect(html).toContain('linux.edr.auditd-dependency: fail');
    });
  },
);
