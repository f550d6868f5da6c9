import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { CanaryTrace, HostCanaryDocument } from '../../../src/collect/host-canary.js';
import type { ProbeResult } from '../../../src/transport/types.js';

const catalog = loadCatalog();
const check = (id: string) => catalog.checks.find((c) => c.id === id)!;
const trace = (name: 'short' | 'long', extra: Partial<CanaryTrace> = {}): CanaryTrace => ({
  name,
  marker: `m-${name}`,
  sent_bytes: name === 'short' ? 80 : 12000,
  planted: true,
  sent_at: '2026-01-01T00:00:00.000Z',
  arrived: true,
  where: '/var/log/remote.log',
  latency_ms: 12,
  last_seen: 'collector:/var/log/remote.log',
  seen_locally: true,
  whole: true,
  summary: `${name} summary`,
  ...extra,
});
const doc = (canaries: CanaryTrace[], siem?: string): HostCanaryDocument => ({
  collector: 'logs',
  collector_paths: ['/var/log/remote.log'],
  max_wait_ms: 30000,
  polls: 1,
  read_errors: [],
  canaries,
  ...(siem ? { siem } : {}),
});
const run = (id: string, d: HostCanaryDocument) => {
  const answer: ProbeResult = { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs: 1, data: d };
  return evaluateCheck(
    check(id),
    { 'host-canary': answer },
    { targetId: 'web1', kind: 'linux', parsers: catalog.parsers },
  );
};

describe('host canary checks, decided by the one evaluator', () => {
  it('arrives: pass when both arrived, fail with the summary when one did not, inconclusive when logger failed', () => {
    expect(run('linux.logfwd.canary-arrives', doc([trace('short'), trace('long')])).status).toBe('pass');
    const lost = run(
      'linux.logfwd.canary-arrives',
      doc([
        trace('short', { arrived: false, summary: 'short: did not arrive; last seen in the host log' }),
        trace('long'),
      ]),
    );
    expect(lost.status).toBe('fail');
    expect(lost.reason).toContain('last seen in the host log');
    expect(
      run('linux.logfwd.canary-arrives', doc([trace('short', { planted: false, arrived: false }), trace('long')]))
        .status,
    ).toBe('inconclusive');
  });

  it('arrives: inconclusive naming the read error when no read of the collector answered; a fail once one did', () => {
    const lost = [trace('short', { arrived: false, summary: 'short: did not arrive' }), trace('long')];
    const error = 'collector logs: unreachable: connect ECONNREFUSED 10.0.0.5:22';
    const unread = run('linux.logfwd.canary-arrives', {
      ...doc(lost),
      polls: 1,
      collector_read_ok: false,
      read_errors: [error],
    });
    expect(unread.status).toBe('inconclusive');
    expect(unread.observed).toMatchObject({ collector_read_ok: false, read_errors: [error] });
    // Stored evidence from before collector_read_ok: a first read that failed is read the same way.
    expect(run('linux.logfwd.canary-arrives', { ...doc(lost), polls: 1, read_errors: [error] }).status).toBe(
      'inconclusive',
    );
    // Read twice, then an error: the first read answered, so the canary's absence there is a real fail.
    expect(run('linux.logfwd.canary-arrives', { ...doc(lost), polls: 2, read_errors: [error] }).status).toBe('fail');
  });

  it('whole: fail when the long canary was cut, inconclusive when it never arrived', () => {
    expect(
      run(
        'linux.logfwd.canary-whole',
        doc([trace('short'), trace('long', { whole: false, cut_at: 'sender-input', summary: 'cut at the sender' })]),
      ).reason,
    ).toBe('cut at the sender');
    expect(run('linux.logfwd.canary-whole', doc([trace('short'), trace('long', { whole: false })])).status).toBe(
      'fail',
    );
    expect(run('linux.logfwd.canary-whole', doc([trace('short'), trace('long', { arrived: false })])).status).toBe(
      'inconclusive',
    );
  });

  it(
    'in SIEM: not applicable without a SIEM, pass when found, fail when searched and absent, inconclusive when ' +
      'the search was refused',
    () => {
      expect(run('linux.logfwd.canary-in-siem', doc([trace('short'), trace('long')])).status).toBe('not-applicable');
      const siem = (s: CanaryTrace['siem']) => doc([trace('short', { siem: s }), trace('long')], 'es');
      expect(
        run(
          'linux.logfwd.canary-in-siem',
          siem({ target: 'es', arrived: true, fields: ['message'], searches: 1, latency_ms: 900 }),
        ).status,
      ).toBe('pass');
      expect(
        run('linux.logfwd.canary-in-siem', siem({ target: 'es', arrived: false, fields: [], searches: 4 })).status,
      ).toBe('fail');
      expect(
        run(
          'linux.logfwd.canary-in-siem',
          siem({ target: 'es', arrived: false, fields: [], searches: 1, error: 'auth-failed: HTTP 401' }),
        ).status,
      ).toBe('inconclusive');
    },
  );
});
