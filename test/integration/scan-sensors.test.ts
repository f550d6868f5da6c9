// The "done when", through the CLI: an estate with two Suricata sensors read from their (image) file systems,
// one in front of a TLS-terminating proxy and one behind it, a Linux host and a web target. The report says the IPS
// in front is metadata-only for HTTPS and the one behind sees content, lists SSH as endpoint-only with its endpoint
// status, and the HTML carries the blind-spot section. The suricata.yaml is the upstream default from ../shared
// with HTTP header/body logging switched on, written into a temporary tree here.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import type { FlowRow } from '../../src/sensors/map.js';
import { runCli } from '../helpers/cli.js';
import { SHARED_DIR } from '../helpers/paths.js';

const UPSTREAM = join(SHARED_DIR, 'products', 'suricata', 'suricata.yaml.in');

describe.skipIf(!existsSync(UPSTREAM))(
  'scan of an estate with Suricata sensors in front of and behind TLS termination',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-sensors-'));
    let report: Report;
    let html: string;
    let code: number | null;
    let stderr: string;

    beforeAll(async () => {
      const yaml = readFileSync(UPSTREAM, 'utf8')
        .replace('# dump-all-headers: none', 'dump-all-headers: both')
        .replace('# http-body-printable: yes # Requires metadata', 'http-body-printable: yes #');
      for (const sensor of ['edge', 'dmz']) {
        mkdirSync(join(dir, sensor, 'etc', 'suricata'), { recursive: true });
        writeFileSync(join(dir, sensor, 'etc', 'suricata', 'suricata.yaml'), yaml);
      }
      mkdirSync(join(dir, 'app', 'etc'), { recursive: true });
      writeFileSync(
        join(dir, 'inventory.yaml'),
        `version: 1
organization: Sensor Test Org
targets:
  - { id: app1, kind: linux, address: localhost, transport: local, rootdir: ${join(dir, 'app')} }
  - { id: lb1, kind: web, web: { urls: ["https://127.0.0.1:9/"] } }
  - { id: ids-edge, kind: ips, address: localhost, rootdir: ${join(dir, 'edge')}, sensor: { watches: [lb1, app1] } }
  - { id: ids-dmz, kind: ips, address: localhost, rootdir: ${join(dir, 'dmz')}, sensor: { watches: [{ target: ` +
          `lb1, decrypted_by: lb1 }] } }
`,
      );
      const r = await runCli(
        ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--hosts-only', '--json'],
        { timeoutMs: 200_000 },
      );
      code = r.code;
      stderr = r.stderr;
      const runDir = JSON.parse(r.stdout).run_dir as string;
      report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
      html = readFileSync(join(runDir, 'report.html'), 'utf8');
    }, 220_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads each sensor on its own file system: the ips checks ran and found EVE with TLS and HTTP logging', () => {
      expect(code === 0 || code === 1, stderr).toBe(true);
      const status = (check: string, target: string) =>
        report.findings.find((f) => f.check === check && f.target === target)?.status;
      expect(status('ips.suricata.eve-enabled', 'ids-edge')).toBe('pass');
      expect(status('ips.suricata.eve-tls-extended', 'ids-edge')).toBe('pass');
      expect(status('ips.suricata.http-body', 'ids-dmz')).toBe('pass');
      // The binary cannot be asked on an image: the rule age is unknown, not fresh and not stale.
      expect(status('ips.suricata.rules-fresh', 'ids-dmz')).toBe('inconclusive');
    });

    it('reports the IPS in front of TLS termination as metadata-only for HTTPS and the one behind as content', () => {
      const flows = (report.analyses.sensors!.details as { flows: FlowRow[] }).flows;
      const https = flows.find((f) => f.flow === 'HTTPS → lb1')!;
      expect(https.sensors.find((s) => s.sensor === 'ids-edge')!.sees).toBe('metadata');
      expect(https.sensors.find((s) => s.sensor === 'ids-dmz')).toMatchObject({ sees: 'content', decrypted_by: 'lb1' });
      const ssh = flows.find((f) => f.flow === 'SSH → app1')!;
      expect(ssh.sensors.map((s) => s.sees)).toEqual(['metadata']);
      expect(ssh.endpoint!.checks.map((c) => c.check)).toContain('linux.audit.rules.execve');
    });

    it(
      'feeds the source map: Suricata EVE flow and TLS records prove the ndr class; rules of unknown age leave ' +
        'ips unproved',
      () => {
        const classes = report.analyses.sources!.details.classes;
        expect(classes.find((c) => c.id === 'ndr')!.status).toBe('measured');
        expect(classes.find((c) => c.id === 'ips')!.status).not.toBe('measured');
      },
    );

    it('renders the blind-spot section in the HTML report', () => {
      expect(html).toContain('id="sensors"');
      expect(html).toContain('Blind-spot map');
    });
  },
);
