import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import {
  copyCertsInto,
  type Daemon,
  makeCerts,
  makeTree,
  removeTree,
  startNginx,
  type Tree,
} from '../fixtures/web/servers.js';

const isRoot = process.getuid?.() === 0;

// The whole pipeline through the CLI: a real nginx as a web target whose configuration and logs are read through this
// machine, the live canary, the web checks feeding coverage and sample detections, and the HTML that shows them.
describe.skipIf(!isRoot)(
  'scan joined: a real nginx web target, its host, every analysis and the report (needs root for nginx)',
  () => {
    let tree: Tree;
    let daemon: Daemon | undefined;
    let report: Report;
    let html: string;
    let code: number | null;
    let stderr: string;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'socready-joined-'));
      tree = await makeTree('nginx', 'good', ['PORT', 'TLSPORT', 'UPSTREAM']);
      copyCertsInto(tree, makeCerts(mkdtempSync(join(tmpdir(), 'socready-joined-ca-'))), 'ca');
      daemon = await startNginx(tree);
      writeFileSync(
        join(dir, 'inventory.yaml'),
        `version: 1
organization: Joined Test Org
targets:
  - { id: web-host, kind: linux, address: localhost, transport: local }
  - id: shop
    kind: web
    web:
      urls: ["http://127.0.0.1:${tree.ports.PORT}/"]
      server: nginx
      host: web-host
      config_path: ${tree.config}
      login: { path: /login, username_field: username, password_field: password }
`,
      );
      const r = await runCli(
        ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--active', '--json'],
        { timeoutMs: 280_000 },
      );
      code = r.code;
      stderr = r.stderr;
      const runDir = JSON.parse(r.stdout).run_dir as string;
      report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
      html = readFileSync(join(runDir, 'report.html'), 'utf8');
    }, 300_000);

    afterAll(async () => {
      await daemon?.stop();
      removeTree(tree);
    });

    it('assesses the web target through its host and proves with the canary that request bodies are logged', () => {
      expect(code, stderr).toBe(0);
      expect(report.targets.map((t) => t.id).sort()).toEqual(['shop', 'web-host']);
      const web = report.analyses.web!;
      expect(web.summary.canaries_sent).toBeGreaterThan(0);
      expect(web.summary.canaries_body_logged).toBeGreaterThan(0);
      expect(report.findings.find((f) => f.target === 'shop' && f.check === 'web.active.body-canary')?.status).toBe(
        'pass',
      );
    });

    it('counts the web rules as visible because the scan found request bodies collected', () => {
      const coverage = report.analyses.coverage!;
      expect(coverage.content).toBe('built-in');
      const bodyCheck = report.findings.find(
        (f) =>
          f.target === 'shop' &&
          f.status === 'pass' &&
          (f.provides ?? []).some((p) => p.fields?.includes('request_body')),
      );
      expect(bodyCheck).toBeDefined();
      const sqli = report.analyses.detections!.details as { scenarios: { id: string; blinded: boolean }[] };
      expect(sqli.scenarios.find((s) => s.id === 'sqli-post-body-weblog')?.blinded).toBe(false);
    });

    it('renders the web section and lists every live probe request with its marker', () => {
      expect(html).toContain('socready-canary-');
      expect(html).toMatch(/analysis-web/);
    });
  },
);
