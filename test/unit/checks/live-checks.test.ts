// The live web checks are catalog data decided by the one evaluator, and every finding leaves that evaluator redacted.
import { describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { ApiProbeSource } from '../../../src/collect/api-source.js';
import { assessTarget } from '../../../src/collect/assess-target.js';
import { EvidenceStore } from '../../../src/collect/evidence-store.js';
import type { Target } from '../../../src/model.js';
import type { LiveProbeResult } from '../../../src/web/canary.js';
import { liveAnswer } from '../../../src/web/findings.js';
import { gradeLive } from '../../helpers/web-live.js';

// The live answers are scripted at the network edge (web-live-fakes.ts); the rest is the path a scan runs.
vi.mock('../../../src/web/canary.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../helpers/web-live-fakes.js')).canaryFakes,
}));
vi.mock('../../../src/transport/local.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../helpers/web-live-fakes.js')).hostFakes,
}));

const catalog = loadCatalog();
const LIVE_IDS = [
  'web.tls.handshake',
  'web.tls.certificate-trust',
  'web.tls.inspection-point',
  'web.active.body-canary',
  'web.active.canary-password-masked',
  'web.active.waf-detection',
];

function landing(over: Partial<LiveProbeResult>): LiveProbeResult {
  return {
    kind: 'waf',
    marker: 'socready-waf-r-1',
    request: {
      kind: 'waf',
      time: '2026-01-01T00:00:00Z',
      method: 'GET',
      url: 'http://x/',
      marker: 'socready-waf-r-1',
      status: 200,
      duration_ms: 1,
    },
    logs: [{ path: '/var/log/nginx/access.log', origin: 'x', truncated: false, bytes_read: 10, hits: [] }],
    found_in: [],
    request_logged: false,
    body_logged: false,
    username_logged: false,
    fake_credential: 'unknown',
    rule_ids: [],
    blocked: false,
    detected: false,
    ...over,
  };
}

describe('live web checks from the catalog', () => {
  it('are catalog checks read from checks/web/live.yaml with live probes the catalog names', () => {
    for (const id of LIVE_IDS) {
      const check = catalog.checks.find((c) => c.id === id);
      expect(check?.file, id).toBe('web/live.yaml');
      for (const p of check!.probes) expect(catalog.probes.get(p)?.kind, `${id} -> ${p}`).toBe('live');
    }
    expect(catalog.probes.get('tls-handshake')?.active).toBe(false);
    expect(catalog.probes.get('body-canary')?.active).toBe(true);
    expect(catalog.probes.get('waf-probe')?.active).toBe(true);
  });

  it('takes the worst URL: a failed URL beats an undecidable one, which beats a warning', async () => {
    const decide = async (probes: LiveProbeResult[]) => (await gradeLive('waf-probe', probes, { hasHost: true }))[0]!;
    const unreadable = landing({
      logs: [{ path: '/l', origin: 'x', truncated: false, bytes_read: 0, hits: [], read_error: 'permission-denied' }],
    });
    const detectedOnly = landing({ detected: true, rule_ids: ['942100'] });
    const missed = landing({});
    expect((await decide([detectedOnly])).status).toBe('warn');
    expect((await decide([detectedOnly, unreadable])).status).toBe('inconclusive');
    expect((await decide([detectedOnly, unreadable, missed])).status).toBe('fail');
    expect((await decide([landing({ blocked: true, detected: true })])).status).toBe('pass');
    // The finding points at the evidence record of the request that was sent.
    expect((await decide([landing({ blocked: true, detected: true })])).evidence).toEqual(['t/socready-waf-r-1']);
  });

  it(
    'a canary password logged in clear text fails its own ' + 'high-severity check, while the body canary passes',
    async () => {
      const hit = (state: 'clear' | 'masked') => ({
        format: 'json' as const,
        fields: ['body'],
        carried: { request: true, username: true, body: true },
        fake_credential: state,
        rule_ids: [],
        intercepted: null,
        status: 200,
        excerpt: '',
      });
      const canary = (state: 'clear' | 'masked', path: string) =>
        landing({
          kind: 'canary',
          marker: `m-${state}`,
          found_in: [path],
          request_logged: true,
          body_logged: true,
          username_logged: true,
          fake_credential: state,
          logs: [{ path, origin: 'x', truncated: false, bytes_read: 10, hits: [hit(state)] }],
        });
      const run = async (probes: LiveProbeResult[]) =>
        Object.fromEntries((await gradeLive('body-canary', probes, { hasHost: true })).map((f) => [f.check, f]));
      const clear = await run([canary('masked', '/var/log/a.log'), canary('clear', '/var/log/body.log')]);
      expect(clear['web.active.body-canary']!.status).toBe('pass');
      const pw = clear['web.active.canary-password-masked']!;
      expect(pw).toMatchObject({ status: 'fail', severity: 'high' });
      expect(pw.reason).toContain('m-clear: the test password is in clear text in /var/log/body.log');
      expect((await run([canary('masked', '/var/log/a.log')]))['web.active.canary-password-masked']!.status).toBe(
        'pass',
      );
      // Nothing landed: whether the password would be logged cannot be seen.
      const none = (await run([landing({ kind: 'canary', marker: 'm-none' })]))['web.active.canary-password-masked']!;
      expect(none.status).toBe('inconclusive');
      expect(none.reason).toMatch(/found in no log read/);
    },
  );

  it('redacts what a finding quotes in the evaluator itself, whatever path produced it', () => {
    const secret = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecretsecret\n-----END RSA PRIVATE KEY-----';
    const failed = landing({
      request: {
        kind: 'waf',
        time: 't',
        method: 'GET',
        url: 'http://x/',
        marker: 'm',
        status: null,
        duration_ms: 1,
        error: secret,
      },
    });
    const check = catalog.checks.find((c) => c.id === 'web.active.waf-detection')!;
    const f = evaluateCheck(
      check,
      { 'waf-probe': liveAnswer({ has_host: true, probes: [failed] }) },
      { targetId: 't', kind: 'web' },
    );
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/request failed/);
    expect(f.reason).not.toContain('MIIEpAIB');
  });
});

describe('live checks on targets that are not web targets', () => {
  it('are never planned for a WAF audited through its API: it keeps only the checks it had', async () => {
    // Port 9 (discard) on loopback: nothing answers, every finding is decided without traffic.
    const waf: Target = {
      id: 'waf-api',
      kind: 'waf',
      address: '127.0.0.1',
      tags: [],
      transport: 'http',
      api: { url: 'http://127.0.0.1:9/', product: 'elasticsearch' },
    };
    const a = await assessTarget(waf, new ApiProbeSource(waf), catalog, { store: new EvidenceStore(undefined) });
    expect(a.findings.filter((f) => LIVE_IDS.includes(f.check)).map((f) => f.check)).toEqual([]);
    expect(a.findings.some((f) => f.check.startsWith('web.modsecurity.'))).toBe(true);
  });
});
