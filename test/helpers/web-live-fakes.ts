// The network and file edge of a web target, scripted for unit tests that grade the live web checks from chosen
// answers: the TLS handshake, the canary and WAF requests with their log landings, the server certificates read from
// the host, and the host's transport. A test file routes those functions here with vi.mock, for example
//   vi.mock('../../../src/web/tls.js', async (o) => ({ ...(await o<object>()), ...(await import(FAKES)).tlsFakes }));
// and gradeLive (web-live.ts) then sends the answers through the scan's own path. This module imports no value from
// src, so a mocked module can load it without a cycle.
import type { TlsResult } from '../../src/parsers/web/live.js';
import type { ProbeResult, Transport } from '../../src/transport/types.js';
import type { LiveProbeResult } from '../../src/web/canary.js';

export const scripted = {
  tls: [] as TlsResult[],
  canary: [] as LiveProbeResult[],
  /** The long body canaries (sent after each short one that was answered); none scripted: none answered. */
  longCanary: [] as LiveProbeResult[],
  waf: [] as LiveProbeResult[],
  /** What the host's certificate files hold (what readCertificates returns). */
  serverCerts: [] as { fingerprint256: string; subject: string }[],
};

function next<T>(queue: T[], what: string): T {
  const answer = queue.shift();
  if (!answer) throw new Error(`no scripted ${what} answer left`);
  return answer;
}

export const tlsFakes = { inspectTls: async () => next(scripted.tls, 'TLS handshake') };
export const canaryFakes = {
  runCanary: async (_t: unknown, marker: string, _o: unknown, longBytes?: number): Promise<LiveProbeResult> =>
    longBytes ? (scripted.longCanary.shift() ?? notAnswered(marker)) : next(scripted.canary, 'canary'),
  runWafProbe: async () => next(scripted.waf, 'WAF probe'),
};
/** A long canary the test did not script: the request got no answer, so it decides nothing. */
function notAnswered(marker: string): LiveProbeResult {
  const request = {
    kind: 'canary' as const,
    time: '2026-11-23T17:00:00.000Z',
    method: 'POST',
    url: 'http://x/',
    marker,
  };
  return {
    kind: 'canary',
    marker,
    request: { ...request, status: null, duration_ms: 0, error: 'not scripted' },
    logs: [],
    found_in: [],
    request_logged: false,
    body_logged: false,
    username_logged: false,
    fake_credential: 'unknown',
    rule_ids: [],
    blocked: false,
    detected: false,
    long: { sent_bytes: 20_000, whole_in_log: false },
  };
}

export const certificateFakes = { readCertificates: async () => scripted.serverCerts };

const notFound: ProbeResult = {
  stdout: '',
  stderr: 'sh: 1: not found',
  exitCode: 127,
  truncated: false,
  durationMs: 1,
};

/** A host that opens and has no web server installed: every command is not found. */
export const hostFakes = {
  createLocalTransport: (): Transport => ({
    name: 'scripted-host',
    open: async () => undefined,
    run: async () => notFound,
    readFile: async () => ({ ...notFound, error: { kind: 'not-found', message: 'no such file' } }),
    describe: async () => ({ platform: 'linux', hostname: 'web-01' }),
    close: async () => undefined,
  }),
};
