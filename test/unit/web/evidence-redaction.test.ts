// A live web request's error text is redacted like every other evidence: an error may quote a URL with credentials
// or a server's answer, and it is stored in the evidence records and shown in analyses.web. Through the scan's path,
// with only the network edge scripted (web-live-fakes.ts).
import { describe, expect, it, vi } from 'vitest';
import type { Target } from '../../../src/model.js';
import type { TlsResult } from '../../../src/parsers/web/live.js';
import type { LiveProbeResult } from '../../../src/web/canary.js';
import { assessWeb } from '../../helpers/web-assess.js';
import { scripted } from '../../helpers/web-live-fakes.js';

vi.mock('../../../src/web/tls.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../helpers/web-live-fakes.js')).tlsFakes,
}));
vi.mock('../../../src/web/canary.js', async (o) => ({
  ...(await o<object>()),
  ...(await import('../../helpers/web-live-fakes.js')).canaryFakes,
}));

const SECRET = 'Sup3rS3cretPw';
const ERROR = `connect ECONNREFUSED http://admin:${SECRET}@10.0.0.5:8443/login?password=${SECRET}`;

function failedRequest(kind: 'canary' | 'waf', marker: string): LiveProbeResult {
  return {
    kind,
    marker,
    request: {
      kind,
      time: '2026-01-01T00:00:00Z',
      method: kind === 'canary' ? 'POST' : 'GET',
      url: `https://admin:${SECRET}@10.0.0.5:8443/`,
      marker,
      status: null,
      duration_ms: 1,
      error: ERROR,
    },
    logs: [],
    found_in: [],
    request_logged: false,
    body_logged: false,
    username_logged: false,
    fake_credential: 'unknown',
    rule_ids: [],
    blocked: false,
    detected: false,
  };
}

const failedHandshake: TlsResult = {
  url: 'https://10.0.0.5:8443/',
  host: '10.0.0.5',
  port: 8443,
  ok: false,
  duration_ms: 1,
  error: ERROR,
  owner: 'unknown',
};

describe('evidence of live web requests', () => {
  it(
    'redacts a secret in the error text of the handshake, the ' + 'canary and the WAF probe, and still classifies it',
    async () => {
      scripted.tls = [failedHandshake];
      scripted.canary = [failedRequest('canary', 'socready-canary-r-1')];
      scripted.waf = [failedRequest('waf', 'socready-waf-r-2')];
      const target: Target = {
        id: 'shop',
        kind: 'web',
        address: '10.0.0.5',
        tags: [],
        transport: 'http',
        web: { urls: [`https://admin:${SECRET}@10.0.0.5:8443/`], server: 'nginx' },
      };
      const a = await assessWeb(target, { active: true, runId: 'r' });
      const http = a.evidence.filter((e) => e.kind === 'http');
      expect(http.map((e) => e.probe).sort()).toEqual(['socready-canary-r-1', 'socready-waf-r-2', 'tls-handshake-1']);
      for (const e of http) {
        expect(e.error?.kind, e.id).toBe('unreachable');
        expect(e.error?.message, e.id).toBe(
          'connect ECONNREFUSED http://admin:[REDACTED]@10.0.0.5:8443/login?password=[REDACTED]',
        );
        expect(e.redactions, e.id).toBeGreaterThanOrEqual(2);
      }
      expect(JSON.stringify(a.evidence)).not.toContain(SECRET);
      expect(JSON.stringify(a.details)).not.toContain(SECRET);
      expect(JSON.stringify(a.findings)).not.toContain(SECRET);
      expect(a.details.probes.map((p) => p.error)).toEqual([
        'connect ECONNREFUSED http://admin:[REDACTED]@10.0.0.5:8443/login?password=[REDACTED]',
        'connect ECONNREFUSED http://admin:[REDACTED]@10.0.0.5:8443/login?password=[REDACTED]',
      ]);
    },
  );
});
