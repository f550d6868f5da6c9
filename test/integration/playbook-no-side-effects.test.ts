// The dry-run must not change anything anywhere. A recording HTTP server on 127.0.0.1 stands in for every product a
// playbook talks to (WAF, EDR, SIEM, chat); the playbooks aim real write requests at it. The server must see nothing
// but the configured read-only readiness probes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertFile } from '../../src/playbook/alerts.js';
import { dryRunPlaybook } from '../../src/playbook/analyse.js';
import { loadPlaybookFile } from '../../src/playbook/load.js';
import { ReadOnlyProbe } from '../../src/playbook/readonly-probe.js';
import { CHECKS_DIR } from '../../src/paths.js';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths.js';

interface Seen {
  method: string;
  url: string;
  auth?: string;
  bodyBytes: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'socready-nse-'));
const TOKEN = 'tok-recording-test-7f3a';

beforeAll(async () => {
  server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, bodyBytes: bytes });
      if (req.url === '/denied') res.writeHead(401).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function writePlaybooks(): { cacao: string; native: string; integrations: string } {
  const agent = `http-api--${U(10)}`;
  const step = (n: number, name: string, command: Record<string, unknown>, next: string) => ({
    [`action--${U(n)}`]: { type: 'action', name, commands: [command], agent, targets: [agent], on_completion: next },
  });
  const cacao = {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${U(1)}`,
    name: 'Writes aimed at the recording server',
    created_by: `identity--${U(2)}`,
    created: '2026-01-01T00:00:00Z',
    modified: '2026-01-01T00:00:00Z',
    playbook_variables: { __attacker_ip__: { type: 'ipv4-addr', external: true } },
    workflow_start: `start--${U(3)}`,
    workflow: {
      [`start--${U(3)}`]: { type: 'start', on_completion: `action--${U(4)}` },
      ...step(
        4,
        'Look the IP up',
        { type: 'http-api', command: `GET ${base}/api/v1/ip/__attacker_ip__:value HTTP/1.1` },
        `action--${U(5)}`,
      ),
      ...step(
        5,
        'Block the IP',
        {
          type: 'http-api',
          command: `POST ${base}/api/v1/blocklist HTTP/1.1`,
          content: '{"ip":"__attacker_ip__:value"}',
        },
        `action--${U(6)}`,
      ),
      ...step(
        6,
        'Deny with OpenC2',
        {
          type: 'openc2-http',
          command: `POST ${base}/openc2 HTTP/1.1`,
          content_b64: Buffer.from('{"action":"deny","target":{"ipv4_net":"__attacker_ip__:value"}}').toString(
            'base64',
          ),
        },
        `action--${U(7)}`,
      ),
      ...step(
        7,
        'Delete the old rule',
        { type: 'http-api', command: `DELETE ${base}/api/v1/rules/42 HTTP/1.1` },
        `action--${U(8)}`,
      ),
      ...step(8, 'Disable the user on the host', { type: 'ssh', command: 'usermod -L victim' }, `end--${U(9)}`),
      [`end--${U(9)}`]: { type: 'end' },
    },
    agent_definitions: { [agent]: { type: 'http-api', name: 'Recording WAF', address: { url: [base] } } },
    target_definitions: { [agent]: { type: 'http-api', name: 'Recording WAF', address: { url: [base] } } },
  };
  const native = [
    'socready_playbook: 1',
    'id: native-recording',
    'name: Native writes aimed at the recording server',
    'variables:',
    '  ip: { from: source.ip }',
    'integrations:',
    `  edr: { type: http-api, address: "${base}", health: "${base}/health", token_env: SOCREADY_TEST_EDR_TOKEN }`,
    'steps:',
    '  - { id: isolate, type: action, integration: edr, action: isolate_host, args: { ip: "{{ip}}" }, next: wipe }',
    '  - { id: wipe, type: action, integration: edr, action: delete_files, args: { path: "/" }, next: done }',
    '  - { id: done, type: end }',
  ].join('\n');
  const integrations = [
    'integrations:',
    `  - { match: Recording WAF, health_url: "${base}/status", method: HEAD }`,
    `  - { match: edr, health_url: "${base}/health", token_env: SOCREADY_TEST_EDR_TOKEN }`,
  ].join('\n');
  const files = {
    cacao: join(dir, 'writes.json'),
    native: join(dir, 'writes.yaml'),
    integrations: join(dir, 'integrations.yaml'),
  };
  writeFileSync(files.cacao, JSON.stringify(cacao));
  writeFileSync(files.native, native);
  writeFileSync(files.integrations, integrations);
  return files;
}

const isRead = (s: Seen) => (s.method === 'GET' || s.method === 'HEAD') && s.bodyBytes === 0;

describe('playbook dry-run against a recording HTTP server', () => {
  it(
    'sends only the configured GET/HEAD health probes, never an action, on sample, false-positive and mutated ' +
      'alerts',
    async () => {
      seen.length = 0;
      const files = writePlaybooks();
      const alerts = [
        ...loadAlertFile(join(CHECKS_DIR, 'playbooks', 'alerts', 'sqli-web-attacker.json')),
        ...loadAlertFile(join(CHECKS_DIR, 'playbooks', 'alerts', 'fp-internal-scanner.json')),
      ];
      process.env.SOCREADY_TEST_EDR_TOKEN = TOKEN;
      const integrations = [{ match: 'Recording WAF', health_url: `${base}/status`, method: 'HEAD' as const }];
      const cacao = await dryRunPlaybook(loadPlaybookFile(files.cacao), { alerts, integrations, probe: true });
      // The playbook's own health URL and token_env are declared, never probed: only the operator's file is.
      const declared = await dryRunPlaybook(loadPlaybookFile(files.native), { alerts, probe: true });
      expect(declared.integrations[0]).toMatchObject({ id: 'edr', status: 'not-checked' });
      expect(seen.filter((s) => s.url === '/health')).toEqual([]);
      const native = await dryRunPlaybook(loadPlaybookFile(files.native), {
        alerts,
        integrations: [{ match: 'edr', health_url: `${base}/health`, token_env: 'SOCREADY_TEST_EDR_TOKEN' }],
        probe: true,
      });

      // The dry-run did plan the writes…
      expect(cacao.runs[0]!.actions.map((a) => a.risk)).toEqual([
        'investigate',
        'contain',
        'contain',
        'contain',
        'contain',
      ]);
      expect(native.blast_radius!.incidents.length).toBeGreaterThan(0);
      // …and the server saw only one read per configured endpoint.
      expect(seen.filter((s) => !isRead(s))).toEqual([]);
      expect(seen.map((s) => `${s.method} ${s.url}`).sort()).toEqual(['GET /health', 'HEAD /status']);
      expect(seen.find((s) => s.url === '/health')!.auth).toBe(`Bearer ${TOKEN}`);
      expect(cacao.integrations.find((i) => i.name === 'Recording WAF')).toMatchObject({
        status: 'ready',
        http_status: 200,
      });
      expect(native.integrations[0]).toMatchObject({ id: 'edr', status: 'ready' });
      expect(JSON.stringify([cacao, native])).not.toContain(TOKEN);
    },
  );

  it('refuses anything but an allow-listed GET/HEAD before a socket is opened, and records the refusal', async () => {
    seen.length = 0;
    const probe = new ReadOnlyProbe([{ url: `${base}/health`, method: 'GET' }]);
    const outcomes = [
      await probe.probe(`${base}/api/v1/blocklist`, 'POST'),
      await probe.probe(`${base}/health`, 'DELETE'),
      await probe.probe(`${base}/api/v1/blocklist`, 'GET'),
      await probe.probe(`${base}/health`, 'HEAD'),
      await probe.probe(`${base}/health`, 'GET'),
    ];
    expect(outcomes.map((o) => o.status)).toEqual(['refused', 'refused', 'refused', 'refused', 'ok']);
    expect(probe.log).toHaveLength(5);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /health']);
  });

  it(
    'reports an endpoint that rejects the credentials as auth-failed, and a missing token without sending ' +
      'anything',
    async () => {
      seen.length = 0;
      const probe = new ReadOnlyProbe([
        { url: `${base}/denied`, method: 'GET' },
        { url: `${base}/health`, method: 'GET', token_env: 'SOCREADY_TEST_UNSET_TOKEN' },
      ]);
      delete process.env.SOCREADY_TEST_UNSET_TOKEN;
      expect((await probe.probe(`${base}/denied`, 'GET')).status).toBe('auth-failed');
      expect((await probe.probe(`${base}/health`, 'GET')).status).toBe('missing-credentials');
      expect(seen.map((s) => s.url)).toEqual(['/denied']);
    },
  );

  it('the CLI with --probe sends the same reads and nothing else', async () => {
    seen.length = 0;
    const files = writePlaybooks();
    // Asynchronous on purpose: the recording server lives in this process and must keep answering.
    const res = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(FIXTURES_DIR, 'playbook', 'cli-harness.ts'),
        'playbook',
        'dry-run',
        files.cacao,
        files.native,
        '--alert',
        join(CHECKS_DIR, 'playbooks', 'alerts', 'vpn-bruteforce.json'),
        '--integrations',
        files.integrations,
        '--probe',
        '--format',
        'json',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, SOCREADY_TEST_EDR_TOKEN: TOKEN } },
    );
    expect(res.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    const docs = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { integrations: { status: string }[] });
    expect(docs).toHaveLength(2);
    expect(seen.filter((s) => !isRead(s))).toEqual([]);
    expect(seen.map((s) => `${s.method} ${s.url}`).sort()).toEqual(['GET /health', 'HEAD /status']);
  });
});
