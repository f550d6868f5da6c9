import { describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import type { Finding } from '../../../../src/model.js';
import type { TlsResult } from '../../../../src/parsers/web/live.js';
import type { LiveProbeResult } from '../../../../src/web/canary.js';
import { webProbeCommand } from '../../../../src/web/web-facts.js';
import { gradeLive } from '../../../helpers/web-live.js';

// The live checks are catalog data (checks/web/live.yaml) graded by the one evaluator from each live probe's answer.
// The answers are scripted at the network edge (web-live-fakes.ts); the rest is the path a scan runs.
vi.mock('../../../../src/web/tls.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../../helpers/web-live-fakes.js')).tlsFakes,
}));
vi.mock('../../../../src/web/canary.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../../helpers/web-live-fakes.js')).canaryFakes,
}));
vi.mock('../../../../src/web/web-facts.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../../helpers/web-live-fakes.js')).certificateFakes,
}));
vi.mock('../../../../src/transport/local.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../../helpers/web-live-fakes.js')).hostFakes,
}));

const tlsFindings = (target: string, urls: TlsResult[], serverCerts?: { fingerprint256: string; subject: string }[]) =>
  gradeLive('tls-handshake', urls, { target, ...(serverCerts ? { serverCerts } : {}) });
const landing =
  (probe: 'waf-probe' | 'body-canary') =>
  async (target: string, probes: LiveProbeResult[], hasHost: boolean): Promise<Finding | undefined> =>
    (await gradeLive(probe, probes, { target, hasHost }))[0];
const wafFinding = landing('waf-probe');
const canaryFinding = landing('body-canary');

describe('web check catalog', () => {
  const catalog = loadCatalog();
  const web = catalog.checks.filter((c) => c.id.startsWith('web.'));

  it('loads every web check and probe without problems', () => {
    expect(catalog.problems.filter((p) => /web/.test(String(p.message)))).toEqual([]);
    expect(web.length).toBeGreaterThanOrEqual(20);
    for (const id of [
      'nginx-config',
      'nginx-modsecurity-files',
      'apache-modules',
      'apache-vhosts',
      'apache-config-dump',
      'squid-config',
    ]) {
      expect(catalog.probes.get(id)?.platform).toBe('web');
    }
  });

  it('sets the configured path as a quoted shell variable, never spliced into the command', () => {
    const probe = catalog.probes.get('nginx-config')!;
    expect(webProbeCommand(probe, undefined)).toBe(probe.command);
    const cmd = webProbeCommand(probe, "/etc/ngi nx/$(reboot)'.conf");
    expect(cmd.startsWith(`SOCREADY_WEB_CONFIG='/etc/ngi nx/$(reboot)'\\''.conf'\n`)).toBe(true);
    expect(cmd).toContain('"$SOCREADY_WEB_CONFIG"');
  });
});

function live(p: Partial<LiveProbeResult>): LiveProbeResult {
  return {
    kind: 'waf',
    marker: 'socready-waf-r-2',
    request: {
      kind: 'waf',
      time: 't',
      method: 'GET',
      url: 'http://x/',
      marker: 'socready-waf-r-2',
      status: 404,
      duration_ms: 1,
    },
    logs: [{ path: '/l', origin: 'inventory', truncated: false, bytes_read: 1, hits: [] }],
    found_in: [],
    request_logged: false,
    body_logged: false,
    username_logged: false,
    fake_credential: 'unknown',
    rule_ids: [],
    blocked: false,
    detected: false,
    ...p,
  };
}

describe('live checks graded by the evaluator', () => {
  it('warns when the certificate clients get is not one this server is configured with', async () => {
    const answer: TlsResult = {
      url: 'https://x/',
      host: 'x',
      port: 443,
      ok: true,
      protocol: 'TLSv1.3',
      authorized: true,
      days_left: 90,
      duration_ms: 1,
      owner: 'elsewhere',
      leaf: {
        subject: 'CN=x',
        issuer: 'CN=ca',
        san: [],
        valid_from: '',
        valid_to: '',
        fingerprint256: 'AA',
        self_signed: false,
      },
    };
    // The host's configuration names a certificate (BB) other than the one the handshake saw (AA).
    const tls = await tlsFindings('t', [answer], [{ fingerprint256: 'BB', subject: 'CN=x' }]);
    expect(tls.map((f) => [f.check, f.status])).toEqual([
      ['web.tls.handshake', 'pass'],
      ['web.tls.certificate-trust', 'pass'],
      ['web.tls.inspection-point', 'warn'],
    ]);
    // The same handshake with the host's own certificate (AA) is this server's: no inspection point is suspected.
    const own = await tlsFindings('t', [answer], [{ fingerprint256: 'AA', subject: 'CN=x' }]);
    expect(own.find((f) => f.check === 'web.tls.inspection-point')!.status).not.toBe('warn');
  });

  it('fails an old protocol', async () => {
    const [hs] = await tlsFindings('t', [
      {
        url: 'https://x/',
        host: 'x',
        port: 443,
        ok: true,
        protocol: 'TLSv1',
        authorized: true,
        days_left: 90,
        duration_ms: 1,
        owner: 'unknown',
      },
    ]);
    expect(hs!.status).toBe('fail');
  });

  it(
    'grades the WAF probe: blocked+logged pass, detected only warn, ' + 'nothing fail, unreadable inconclusive',
    async () => {
      expect(
        (await wafFinding(
          't',
          [live({ blocked: true, detected: true, rule_ids: ['942100'], request_logged: true, found_in: ['/l'] })],
          true,
        ))!.status,
      ).toBe('pass');
      expect((await wafFinding('t', [live({ detected: true, rule_ids: ['942100'] })], true))!.status).toBe('warn');
      expect((await wafFinding('t', [live({})], true))!.status).toBe('fail');
      const u = (await wafFinding(
        't',
        [
          live({
            logs: [
              {
                path: '/l',
                origin: 'x',
                truncated: false,
                bytes_read: 0,
                hits: [],
                read_error: 'permission-denied: no',
              },
            ],
          }),
        ],
        true,
      ))!;
      expect(u.status).toBe('inconclusive');
      expect(u.reason).toMatch(/permission-denied/);
    },
  );

  it('makes the canary inconclusive without a host to read logs from', async () => {
    const f = (await canaryFinding(
      't',
      [
        live({
          kind: 'canary',
          request: {
            kind: 'canary',
            time: 't',
            method: 'POST',
            url: 'http://x/',
            marker: 'm',
            status: 200,
            duration_ms: 1,
          },
        }),
      ],
      false,
    ))!;
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/web\.host/);
  });
});
