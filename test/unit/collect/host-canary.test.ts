import { describe, expect, it } from 'vitest';
import { longCanary, loggerCommand, runHostCanary, sight, tailCommand } from '../../../src/collect/host-canary.js';
import type { ProbeResult, RunOptions, Transport } from '../../../src/transport/types.js';

const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

/** A fake host whose logger lines land in `local`, and a fake collector that shows them after `delay` reads. */
function fakes(o: { collectorSees?: (body: string) => string | undefined; delayReads?: number; localSees?: boolean }) {
  const planted: string[] = [];
  const commands: string[] = [];
  let reads = 0;
  const host: Transport = {
    name: 'fake-host',
    open: async () => undefined,
    run: async (command: string) => {
      commands.push(command);
      if (command.startsWith('logger ')) {
        planted.push(command.slice(command.indexOf(" -- '") + 5, -1));
        return ok('');
      }
      return ok(
        o.localSees === false
          ? '==> /var/log/syslog <==\nnothing\n'
          : `==> /var/log/syslog <==\n${planted.map((b) => `Dec  3 host socready: ${b}`).join('\n')}\n`,
      );
    },
    readFile: async () => ok(''),
    describe: async () => ({ platform: 'linux' as const, hostname: 'h' }),
    close: async () => undefined,
  };
  const collector: Transport = {
    ...host,
    name: 'fake-collector',
    run: async (_c: string, _o?: RunOptions) => {
      reads++;
      if (reads <= (o.delayReads ?? 0)) return ok('==> /var/log/remote.log <==\n');
      const lines = planted.map((b) => o.collectorSees?.(b)).filter((l): l is string => l !== undefined);
      return ok(`==> /var/log/remote.log <==\n${lines.join('\n')}\n`);
    },
  };
  return { host, collector, planted, commands, reads: () => reads };
}

const base = {
  collectorId: 'logs',
  collectorPaths: ['/var/log/remote.log'],
  runId: 'run1',
  targetId: 'web1',
  pollMs: 10,
  maxPollMs: 40,
};

describe('host canary', () => {
  it("quotes the socket and the message for the shell and lifts logger's 1 KiB default above the message size", () => {
    const cmd = loggerCommand(longCanary('m-1'), "/tmp/it's.sock");
    expect(cmd).toMatch(
      new RegExp(
        String.raw`^logger --size 13024 -t socready -p user\.notice -u '/tmp/it'\\''s\.sock' -- ` +
          String.raw`'m-1 long canary of 12000 chars [.:0-9]+ m-1-END'$`,
      ),
    );
    expect(tailCommand(["/var/log/it's/*.log"])).toContain("for f in '/var/log/it'\\''s/'*.log; do");
  });

  it('finds a whole line, a cut line and a cut-off rest that arrived as a separate message', () => {
    const out =
      '==> /c.log <==\nDec 3 h socready: m-2 long canary AAAA\nAAAA m-2-END\nDec 3 h socready: m-1 short ' +
      'canary m-1-END\n';
    expect(sight(out, 'm-1', 'collector')).toEqual({
      hit: { place: 'collector:/c.log', bytes: 24, whole: true },
      endElsewhere: false,
    });
    expect(sight(out, 'm-2', 'collector')).toEqual({
      hit: { place: 'collector:/c.log', bytes: 20, whole: false },
      endElsewhere: true,
    });
    expect(sight(out, 'm-3', 'collector')).toEqual({ endElsewhere: false });
  });

  it(
    'uses a marker unique to the target and the request, and ' + 'reports both canaries arrived whole with latency',
    async () => {
      const f = fakes({ collectorSees: (b) => `Dec  3 web1 socready: ${b}`, delayReads: 2 });
      const doc = await runHostCanary({
        ...base,
        host: f.host,
        collector: f.collector,
        settings: { collector: 'logs', max_wait: 5 },
      });
      const [short, long] = doc.canaries;
      expect(short!.marker).toMatch(/^socready-canary-run1-web1-[0-9a-f]{8}-1$/);
      expect(long!.marker).toBe(short!.marker.replace(/-1$/, '-2'));
      expect(long!.sent_bytes).toBe(12_000);
      expect(doc.canaries.every((c) => c.arrived && c.whole && c.latency_ms! >= 0)).toBe(true);
      expect(doc.polls).toBe(3);
      const again = await runHostCanary({
        ...base,
        host: fakes({}).host,
        collector: undefined,
        settings: { collector: 'logs', max_wait: 0.05 },
      });
      expect(again.canaries[0]!.marker).not.toBe(short!.marker);
    },
  );

  it("stops at the stated wait with backoff and names the last place seen: the host's own log", async () => {
    const f = fakes({});
    const started = Date.now();
    const doc = await runHostCanary({
      ...base,
      host: f.host,
      collector: f.collector,
      settings: { collector: 'logs', max_wait: 0.3 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    // 10, 20, 40, 40 ... ms between reads: far fewer reads than a fixed 10 ms poll would make in 300 ms.
    expect(f.reads()).toBeGreaterThan(2);
    expect(f.reads()).toBeLessThan(15);
    expect(doc.canaries[0]).toMatchObject({ arrived: false, seen_locally: true, last_seen: 'host:/var/log/syslog' });
    expect(doc.canaries[0]!.summary).toMatch(
      new RegExp(
        String.raw`did not arrive on logs within 0.3 s \(\d+ reads of \/var\/log\/remote.log\); last seen in the ` +
          String.raw`host's own log \/var\/log\/syslog`,
      ),
    );
  });

  it("says when the canary is not even in the host's own log, and when the collector cannot be read", async () => {
    const f = fakes({ localSees: false });
    const doc = await runHostCanary({
      ...base,
      host: f.host,
      collector: undefined,
      settings: { collector: 'logs', max_wait: 0.05 },
    });
    expect(doc.canaries[0]).toMatchObject({ arrived: false, seen_locally: false, last_seen: 'logger (exit 0)' });
    expect(doc.canaries[0]!.summary).toMatch(/not in the host's own logs either; collector logs: not reachable/);
  });

  it(
    'places the cut: sender input when the host kept it cut too, collector input when the host kept it whole, ' +
      'logger at 1 KiB',
    async () => {
      const cut = (n: number) => (b: string) => `Dec 3 web1 socready: ${b.slice(0, n)}`;
      const sender = await runHostCanary({
        ...base,
        ...pick(fakes({ collectorSees: cut(8063) })),
        settings: { collector: 'logs', max_wait: 0.5 },
      });
      // The fake host keeps the whole line locally: a cut on the collector is then the collector's.
      expect(sender.canaries[1]).toMatchObject({
        arrived: true,
        whole: false,
        arrived_bytes: 8063,
        cut_at: 'collector-input',
      });
      // The length-marked canary says where: the fake collector holds the body's first 8063 characters.
      const held = 8063;
      expect(sender.canaries[1]).toMatchObject({ sent_chars: 12_000, arrived_chars: held, cut_chars: held });
      expect(sender.canaries[1]!.copies).toEqual([
        { place: 'host:/var/log/syslog', seen: true, whole: true, chars: 12_000 },
        { place: 'collector:/var/log/remote.log', seen: true, whole: false, chars: held },
      ]);
      expect(sender.canaries[1]!.summary).toMatch(
        new RegExp(
          `only 8063 of 12000 bytes \\(the canary cut first at ${held} of 12000 characters on the ` +
            'collector\\): cut at ',
        ),
      );
      const byLogger = await runHostCanary({
        ...base,
        ...pick(fakes({ collectorSees: cut(1000), localSees: false })),
        settings: { collector: 'logs', max_wait: 0.5 },
      });
      expect(byLogger.canaries[1]).toMatchObject({ cut_at: 'logger' });
      expect(byLogger.canaries[1]!.summary).toMatch(
        /only 1000 of 12000 bytes \(the canary cut first at 1000 of 12000 characters on the collector\): cut by logger/,
      );
    },
  );

  it('reports a logger that failed as not planted', async () => {
    const f = fakes({});
    const host: Transport = {
      ...f.host,
      run: async (c: string) =>
        c.startsWith('logger')
          ? { ...ok(''), exitCode: 1, stderr: 'logger: socket /x: No such file or directory' }
          : ok(''),
    };
    const doc = await runHostCanary({
      ...base,
      host,
      collector: f.collector,
      settings: { collector: 'logs', max_wait: 0.05 },
    });
    expect(doc.canaries[0]).toMatchObject({ planted: false, last_seen: 'not planted' });
    expect(doc.canaries[0]!.summary).toMatch(
      /not planted \(logger exited 1: logger: socket \/x: No such file or directory\)/,
    );
    expect(f.reads()).toBe(0);
  });
});

function pick(f: ReturnType<typeof fakes>) {
  return { host: f.host, collector: f.collector };
}
