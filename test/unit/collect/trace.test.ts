import { describe, expect, it } from 'vitest';
import { sight, traceMarkers } from '../../../src/collect/trace.js';
import type { ProbeResult, Transport } from '../../../src/transport/types.js';

const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

function collector(text: () => string): Transport {
  return {
    name: 'fake-collector',
    open: async () => undefined,
    run: async () => ok(`==> /var/log/remote/web.log <==\n${text()}\n`),
    readFile: async () => ok(''),
    describe: async () => ({ platform: 'linux' }),
    close: async () => undefined,
  };
}

describe('tracing a marker through the collector and the SIEM', () => {
  it('a marker inside a URL and a body counts (not only "<marker> "), its end token alone does not', () => {
    const m = 'socready-canary-r1-abcd1234-2';
    const url = `==> /c.log <==\nPOST /login?socready_probe=${m}-url body=${m}-body&pad=AAAA\n`;
    expect(sight(url, m, 'collector').hit).toMatchObject({ place: 'collector:/c.log', whole: false });
    expect(sight(`==> /c.log <==\nAAAA ${m}-END\n`, m, 'collector')).toEqual({ endElsewhere: true });
    // Run 2's marker is not run 20's.
    expect(sight(`==> /c.log <==\n${m}0 x\n`, m, 'collector').hit).toBeUndefined();
  });

  it('reports per marker where it arrived, whole or cut, the SIEM fields, and the last place it was seen', async () => {
    let clock = 1000;
    const whole = 'socready-canary-r1-t-1';
    const cut = 'socready-canary-r1-t-2';
    const lost = 'socready-canary-r1-t-3';
    const lines = () => `x ${whole}-url body ${whole}-END\ny ${cut}-body AAAA`;
    const r = await traceMarkers(
      [whole, cut, lost].map((marker) => ({ marker, sentAt: 1000, expectsEnd: false })),
      {
        collector: { id: 'col', transport: collector(lines), paths: ['/var/log/remote/*.log'] },
        siem: {
          id: 'es',
          search: async (marker) =>
            marker === whole
              ? { answered: true, found: true, fields: ['message', 'source.ip'] }
              : { answered: true, found: false, fields: [] },
        },
      },
      {
        maxWaitMs: 5000,
        pollMs: 1,
        maxPollMs: 1,
        now: () => (clock += 100),
      },
    );
    const by = (m: string) => r.markers.find((x) => x.marker === m)!;
    expect(by(whole)).toMatchObject({
      collector: { id: 'col', arrived: true, whole: true, where: '/var/log/remote/web.log' },
      siem: { target: 'es', arrived: true, fields: ['message', 'source.ip'] },
      last_seen: 'siem:es',
    });
    expect(by(cut)).toMatchObject({
      collector: { arrived: true, whole: false },
      last_seen: 'collector:/var/log/remote/web.log',
    });
    expect(by(lost)).toMatchObject({ collector: { arrived: false }, siem: { arrived: false }, last_seen: 'planted' });
    // Bounded: the polling ended at the stated wait, not before every marker arrived.
    expect(r.polls).toBeGreaterThan(1);
    expect(r.max_wait_ms).toBe(5000);
  });

  it('a collector with no transport is a read error, not a wait', async () => {
    const r = await traceMarkers(
      [{ marker: 'm-1', sentAt: 0, expectsEnd: false }],
      { collector: { id: 'col', transport: undefined, paths: ['/x'] } },
      { maxWaitMs: 60_000 },
    );
    expect(r.read_errors).toEqual(['collector col: not reachable through any transport']);
    expect(r.polls).toBe(0);
  });
});
