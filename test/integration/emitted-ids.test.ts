// `socready checks list` is the whole set of findings a run can emit: every finding of a full run (hosts, web targets
// with their live probes, a SIEM through its API, Windows through evidence) names a listed check, and every listed
// check is emitted by one of these runs. A finding decided in code, outside the catalog, would fail the first half.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { hostEvidenceFile } from '../helpers/windows-hosts.js';
import {
  copyCertsInto,
  type Daemon,
  makeCerts,
  makeTree,
  removeTree,
  startNginx,
  type Tree,
} from '../fixtures/web/servers.js';

const PRODUCT_FIXTURES = join(FIXTURES_DIR, 'products');

const isRoot = process.getuid?.() === 0;

async function reportOf(args: string[], env: Record<string, string> = {}): Promise<Report> {
  const r = await runCli(args, { timeoutMs: 280_000, env });
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir as string, 'report.json'), 'utf8')) as Report;
}

describe.skipIf(!isRoot)('checks list against the check ids full runs emit (needs root for nginx)', () => {
  let tree: Tree;
  let daemon: Daemon | undefined;
  let siem: Server;
  let listed: string[];
  const emitted = new Set<string>();
  const kindsRun = new Set<string>();
  let apacheOnNginx: Report['findings'] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-emitted-'));
    tree = await makeTree('nginx', 'good', ['PORT', 'TLSPORT', 'UPSTREAM']);
    copyCertsInto(tree, makeCerts(mkdtempSync(join(tmpdir(), 'socready-emitted-ca-'))), 'self');
    daemon = await startNginx(tree);
    // An Elasticsearch that answers its root and nothing else: every product check is still decided and emitted.
    siem = createServer((req, res) => {
      const root = req.url === '/';
      res.writeHead(root ? 200 : 404, { 'content-type': 'application/json' });
      res.end(root ? '{"cluster_name":"c","version":{"number":"8.15.0"}}' : '{"error":"not found"}');
    });
    await new Promise<void>((r) => siem.listen(0, '127.0.0.1', r));
    const siemPort = (siem.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
organization: Emitted Ids Org
targets:
  - id: web-host
    kind: linux
    address: localhost
    transport: local
    # The host canary runs (--active) and is emitted; its logger socket does not exist, so it is not planted.
    syslog: { collector: web-host, logger_socket: ${join(dir, 'no-such.sock')}, local_paths: ` +
        `[${join(dir, 'local.log')}], max_wait: 1, siem: { target: es } }
    collector: { paths: [${join(dir, 'collector.log')}] }
  - id: shop
    kind: web
    web:
      urls: ["http://127.0.0.1:${tree.ports.PORT}/", "https://127.0.0.1:${tree.ports.TLSPORT}/"]
      server: nginx
      host: web-host
      config_path: ${tree.config}
      login: { path: /login, username_field: username, password_field: password }
  # Declared Apache, answered by nginx: the Apache checks are emitted, inconclusive, never judged on /etc/apache2.
  - id: shop-apache
    kind: web
    web:
      urls: ["http://127.0.0.1:${tree.ports.PORT}/"]
      server: apache
      host: web-host
  # A forward proxy declared on the same host: its check is planned for it alone.
  - id: proxy
    kind: web
    web: { urls: ["http://127.0.0.1:${tree.ports.PORT}/"], server: squid, host: web-host }
  - id: es
    kind: siem
    address: 127.0.0.1
    transport: http
    api: { url: "http://127.0.0.1:${siemPort}/", product: elasticsearch }
  # A Windows host through PowerShell (a stand-in executable: no PowerShell here) with --active: its canary event is
  # written, read back, and looked for on web-host's collector file and in es (which answers its root only).
  - id: win-live
    kind: windows
    address: localhost
    transport: powershell
    eventlog: { collector: web-host, max_wait: 1, siem: { target: es } }
  # A SOAR that answers its root only: the SOAR-side check of the loop is emitted (inconclusive).
  - id: soar
    kind: soar
    address: 127.0.0.1
    transport: http
    api: { url: "http://127.0.0.1:${siemPort}/", product: shuffle }
  - { id: ids, kind: ips, address: localhost }
  # Exported configurations (offline evidence): a cloud WAF and a firewall appliance.
  - id: waf-aws
    kind: waf
    export: { product: aws-waf, files: [${join(PRODUCT_FIXTURES, 'cloud-waf', 'aws-logging-full.json')}] }
  - id: fw-edge
    kind: firewall
    export: { product: fortigate, files: [${join(PRODUCT_FIXTURES, 'firewalls', 'fortigate-good.conf')}] }
  - { id: zeek, kind: ndr, address: localhost }
${['postgresql', 'mariadb', 'mssql', 'oracle']
  .map(
    (p) =>
      `  - { id: db-${p}, kind: database, database: { product: ${p}, host: web-host, user: socready_ro, ` +
      'port: 1, failed_login_canary: true } }\n',
  )
  .join('')}`,
    );
    // A SQL Server on the Windows host (collect-script --database mssql): its PowerShell-only checks are emitted too.
    writeFileSync(
      join(dir, 'dc01.json'),
      JSON.stringify({ ...hostEvidenceFile('hardened', 'DC01'), databases: ['mssql'] }),
    );
    const live = await reportOf(
      [
        'scan',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--active',
        '--json',
        '--hosts-only',
        '--no-html',
      ],
      {
        NODE_POWERSHELL: join(FIXTURES_DIR, 'pwsh', 'fake-pwsh.mjs'),
        FAKE_PWSH_FIXTURE: join(FIXTURES_DIR, 'pwsh', 'windows-canary', 'write-eventlog-51.json'),
      },
    );
    const offline = await reportOf([
      'scan',
      '--evidence',
      join(dir, 'dc01.json'),
      '-o',
      join(dir, 'reports'),
      '--json',
      '--hosts-only',
      '--no-html',
    ]);
    apacheOnNginx = live.findings.filter((f) => f.target === 'shop-apache' && f.check.startsWith('web.apache.'));
    for (const report of [live, offline]) {
      for (const f of report.findings) emitted.add(f.check);
      for (const t of report.targets) kindsRun.add(t.kind);
    }
    const list = await runCli(['checks', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    listed = (JSON.parse(list.stdout) as { id: string }[]).map((c) => c.id);
  }, 300_000);

  afterAll(async () => {
    await daemon?.stop();
    removeTree(tree);
    await new Promise((r) => siem?.close(r));
  });

  it('emits only check ids that checks list shows, the live web checks included', () => {
    expect([...emitted].filter((id) => !listed.includes(id))).toEqual([]);
    for (const id of [
      'web.tls.handshake',
      'web.tls.certificate-trust',
      'web.tls.inspection-point',
      'web.active.body-canary',
      'web.active.canary-password-masked',
      'web.active.waf-detection',
    ]) {
      expect(emitted.has(id), id).toBe(true);
    }
  });

  it('never judges the Apache checks of a target whose URL nginx answers', () => {
    expect(apacheOnNginx.length).toBeGreaterThan(3);
    expect(
      apacheOnNginx.filter((f) => f.status !== 'inconclusive' || !/is answered by nginx/.test(f.reason ?? '')),
    ).toEqual([]);
  });

  it(
    'emits every listed check from runs over a linux host, a web target, a SIEM, databases, two network ' +
      'sensors, a Windows host, a firewall appliance and a cloud WAF',
    () => {
      // The databases listen nowhere (port 1): their checks are emitted inconclusive or from the configuration files.
      expect([...kindsRun].sort()).toEqual([
        'database',
        'firewall',
        'ips',
        'linux',
        'ndr',
        'siem',
        'soar',
        'waf',
        'web',
        'windows',
      ]);
      expect(listed.filter((id) => !emitted.has(id))).toEqual([]);
    },
  );
});
