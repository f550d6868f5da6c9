// The web canary followed past the server's own log (issue 16): real nginx logs the body to a file and to syslog
// through a real rsyslog sender's socket, which forwards over loopback TCP to a real rsyslog collector. The short
// canary is found on the collector with its latency; the 20,000-byte one shows where along the path it was cut.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding, Target } from '../../src/model.js';
import { RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE } from '../../src/parsers/linux/rsyslog.js';
import { lengthMarkedCanary } from '../../src/util/canary-text.js';
import { probeMarker } from '../../src/web/canary.js';
import type { WebAssessment } from '../../src/web/summary.js';
import { type Daemon, makeTree, removeTree, startNginx, type Tree } from '../fixtures/web/servers.js';
import { type RsyslogPair, rsyslogAvailable, startRsyslogPair } from '../helpers/rsyslog.js';
import { assessWeb } from '../helpers/web-assess.js';

/** The inventory: the web host (local) declares its collector; the collector target lists where lines land. */
function inventory(pair: RsyslogPair, tree: Tree, maxWait: number): { web: Target; targets: Target[] } {
  const web: Target = {
    id: 'shop',
    kind: 'web',
    address: '127.0.0.1',
    tags: [],
    transport: 'local',
    web: {
      urls: [`http://127.0.0.1:${tree.ports.PORT}/`],
      server: 'nginx',
      host: 'web-host',
      config_path: tree.config,
    },
  };
  const host: Target = {
    id: 'web-host',
    kind: 'linux',
    address: 'localhost',
    tags: [],
    transport: 'local',
    syslog: { collector: 'collector', max_wait: maxWait },
  };
  const collector: Target = {
    id: 'collector',
    kind: 'linux',
    address: 'localhost',
    tags: [],
    transport: 'local',
    collector: { paths: [pair.collectorLog] },
  };
  return { web, targets: [web, host, collector] };
}

const isRoot = process.getuid?.() === 0;

const finding = (a: WebAssessment, check: string): Finding => a.findings.find((f) => f.check === check)!;

describe.skipIf(!isRoot || !rsyslogAvailable)('web canary traced from nginx through rsyslog to the collector', () => {
  let pair: RsyslogPair | undefined;
  let tree: Tree | undefined;
  let nginx: Daemon | undefined;
  afterEach(async () => {
    await nginx?.stop();
    if (tree) removeTree(tree);
    await pair?.stop();
    pair = tree = nginx = undefined;
  });

  async function run(o: { senderMax?: string; collectorMax?: string }): Promise<WebAssessment> {
    pair = await startRsyslogPair(o);
    // nginx's workers (www-data) must reach the sender's private socket.
    for (const d of [pair.dir, dirname(pair.socket)]) chmodSync(d, 0o755);
    chmodSync(pair.socket, 0o666);
    tree = await makeTree('nginx', 'syslog', ['PORT', 'UPSTREAM']);
    writeFileSync(tree.config, readFileSync(tree.config, 'utf8').replaceAll('@SYSLOG@', pair.socket));
    nginx = await startNginx(tree);
    const { web, targets } = inventory(pair, tree, 8);
    return assessWeb(web, {
      targets,
      active: true,
      runId: 'arrival',
      live: { logWaitMs: 4000, pollMs: 200, minIntervalMs: 50 },
      only: ['web.active.*'],
    });
  }

  it('with maxMessageSize 64k on both rsyslog hops: both canaries arrive, the long one whole', async () => {
    const a = await run({ senderMax: '64k', collectorMax: '64k' });
    const arrives = finding(a, 'web.active.canary-arrives');
    expect(arrives.status, arrives.reason).toBe('pass');
    expect(arrives.reason).toMatch(
      new RegExp(
        `${probeMarker('canary', 'arrival', 'shop', 1)}: on collector collector in \\S+remote\\.log after \\d+ ms`,
      ),
    );
    const whole = finding(a, 'web.active.canary-whole');
    expect(whole.status, whole.reason).toBe('pass');
    expect(whole.reason).toMatch(/20000-byte body\): whole up to collector collector/);
    const long = a.details.canary_long![0]!;
    expect(long.trace?.collector).toMatchObject({ arrived: true, whole: true, chars: long.long!.sent_chars });
    expect(long.long!.log_chars).toBe(long.long!.sent_chars);
    // A measured figure, not a speed assertion (a loaded runner is slower).
    expect(long.trace!.collector!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(readFileSync(pair!.collectorLog, 'utf8')).toContain(`${long.marker}-END`);
  }, 60_000);

  it("under rsyslog's default maxMessageSize: whole in nginx's log, cut on the collector at the length its limit " +
    'implies, and the report says at how many characters', async () => {
    const a = await run({});
    expect(finding(a, 'web.active.canary-arrives').status).toBe('pass');
    const whole = finding(a, 'web.active.canary-whole');
    expect(whole.status).toBe('fail');
    expect(whole.reason).toMatch(
      /20000-byte body\): whole in the server's log, cut on collector collector at \d+ of \d+ characters of the c/,
    );
    const long = a.details.canary_long![0]!;
    expect(long.long).toMatchObject({ whole_in_log: true });
    expect(long.trace!.collector).toMatchObject({ arrived: true, whole: false });
    expect(long.trace!.collector!.bytes).toBeLessThan(8200);
    // The exact cut, read from the collector's file: the line ends inside the canary's field, after its first N
    // characters, and the report says N.
    const sentChars = long.long!.sent_chars!;
    const text = lengthMarkedCanary(long.marker, sentChars, 'web body canary', '+');
    const line = readFileSync(pair!.collectorLog, 'utf8')
      .split('\n')
      .find((l) => l.includes(text.slice(0, 40)))!;
    const held = line.slice(line.indexOf(text.slice(0, 40)));
    expect(held).toBe(text.slice(0, held.length));
    expect(long.trace!.collector!.chars).toBe(held.length);
    expect(whole.reason).toContain(
      `cut on collector collector at ${held.length} of ${sentChars} characters of the canary`,
    );
    // And it is what rsyslog's limit implies, 8096 bytes of raw message per input, header included. The sender's
    // input gets nginx's `<190>Mmm dd hh:mm:ss <host> nginx: ` (its default local7.info) and the log line before the
    // field; the collector's input gets what the sender forwards (RSYSLOG_TraditionalForwardFormat): `<190>`, the
    // same 15-character time and then the line as the collector's file shows it after its own time stamp.
    const limit = RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE;
    const pri = `<${23 * 8 + 6}>`;
    const stamp = 'Mmm dd hh:mm:ss'.length;
    const afterStamp = line.slice(line.indexOf(' '), line.indexOf(held));
    const host = line.split(' ')[1]!;
    const before = afterStamp.slice(afterStamp.indexOf(' nginx: ') + ' nginx: '.length);
    const senderRoom = limit - `${pri}${' '.repeat(stamp)} ${host} nginx: `.length - Buffer.byteLength(before);
    const collectorRoom = limit - pri.length - stamp - Buffer.byteLength(afterStamp);
    const local = readFileSync(pair!.senderLocal, 'utf8')
      .split('\n')
      .find((l) => l.includes(text.slice(0, 40)))!;
    expect(local.length - local.indexOf(text.slice(0, 40))).toBe(senderRoom);
    expect(held.length).toBe(Math.min(senderRoom, collectorRoom));
    // The field is as long as the body allows: 20,000 bytes in all.
    expect(sentChars).toBeLessThan(20_000);
    expect(long.long!.log_chars).toBe(sentChars);
  }, 60_000);

  it('a collector that never gets the lines: not arrived in the stated wait, last seen in the server log', async () => {
    pair = await startRsyslogPair({ wrongPort: true });
    const started = Date.now();
    for (const d of [pair.dir, dirname(pair.socket)]) chmodSync(d, 0o755);
    chmodSync(pair.socket, 0o666);
    tree = await makeTree('nginx', 'syslog', ['PORT', 'UPSTREAM']);
    writeFileSync(tree.config, readFileSync(tree.config, 'utf8').replaceAll('@SYSLOG@', pair.socket));
    nginx = await startNginx(tree);
    const { web, targets } = inventory(pair, tree, 3);
    const a = await assessWeb(web, {
      targets,
      active: true,
      runId: 'lost',
      live: { logWaitMs: 4000, pollMs: 200, minIntervalMs: 50 },
      only: ['web.active.canary-arrives'],
    });
    const arrives = finding(a, 'web.active.canary-arrives');
    expect(arrives.status).toBe('fail');
    expect(arrives.reason).toMatch(/not on collector collector; last seen: server log \S+body\.log/);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);
});
