// Real rsyslog end to end (issue 16): `socready scan --active` plants the host canary through a sender rsyslogd's
// private socket and finds it on a collector rsyslogd over loopback TCP, with its latency and where a long one was cut.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostCanaryDocument, longCanary } from '../../src/collect/host-canary.js';
import type { Finding } from '../../src/model.js';
import { RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE, rsyslogMaxMessageSize } from '../../src/parsers/linux/rsyslog.js';
import { runCli } from '../helpers/cli.js';
import { type RsyslogPair, rsyslogAvailable, startRsyslogPair } from '../helpers/rsyslog.js';

interface Scan {
  code: number | null;
  stderr: string;
  findings: Finding[];
  canary: HostCanaryDocument | undefined;
}

async function scan(pair: RsyslogPair, maxWait: number, active = true): Promise<Scan> {
  const dir = mkdtempSync(join(tmpdir(), 'socready-arrival-'));
  writeFileSync(
    join(dir, 'inventory.yaml'),
    `version: 1
organization: Arrival Test Org
targets:
  - id: sender
    kind: linux
    address: localhost
    transport: local
    syslog: { collector: collector, logger_socket: ${pair.socket}, local_paths: [${pair.senderLocal}], ` +
      `max_wait: ${maxWait} }
  - id: collector
    kind: linux
    address: localhost
    transport: local
    collector: { paths: [${pair.dir}/collector/*.log] }
`,
  );
  const args = [
    'scan',
    '-i',
    join(dir, 'inventory.yaml'),
    '-o',
    join(dir, 'reports'),
    '--only',
    'linux.logfwd.canary-*',
    '--hosts-only',
    '--no-html',
    '--json',
  ];
  const r = await runCli(active ? [...args, '--active'] : args, { timeoutMs: 120_000 });
  const runDir = JSON.parse(r.stdout).run_dir as string;
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { findings: Finding[] };
  let canary: HostCanaryDocument | undefined;
  try {
    canary = JSON.parse(
      readFileSync(join(runDir, 'evidence', 'sender', 'host-canary.txt'), 'utf8'),
    ) as HostCanaryDocument;
  } catch {
    canary = undefined;
  }
  return { code: r.code, stderr: r.stderr, findings: report.findings, canary };
}

const finding = (s: Scan, check: string) => s.findings.find((f) => f.target === 'sender' && f.check === check);

/**
 * The long canary as a log file holds it, read without socready's measure: the characters from its marker to the end
 * of its line (rsyslog cut the raw message, so the line ends where the cut was), the last length mark (`:0008176`) the
 * cut copy still shows, and the host name the line carries.
 */
function copyIn(file: string, marker: string): { chars: number; lastMark: number; text: string; host: string } {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.includes(`${marker} long canary of `))!;
  const text = line.slice(line.indexOf(marker));
  const marks = [...text.matchAll(/:(\d{7})/g)].map((m) => Number(m[1]));
  return { chars: text.length, lastMark: marks.at(-1) ?? 0, text, host: / (\S+) socready: /.exec(line)![1]! };
}

/**
 * What rsyslog's limit leaves of the body: maxMessageSize counts the raw message, header included. logger writes to
 * the sender's socket `<13>Mmm dd hh:mm:ss socready: ` (its local RFC 3164 header, no host); the sender forwards
 * `<13>Mmm dd hh:mm:ss <host> socready: ` (RSYSLOG_TraditionalForwardFormat), which the collector's input cuts again.
 */
const TIMESTAMP = 'Mmm dd hh:mm:ss'.length;
const senderRoom = (limit: number) => limit - `<13>${' '.repeat(TIMESTAMP)} socready: `.length;
const collectorRoom = (limit: number, host: string) => limit - `<13>${' '.repeat(TIMESTAMP)} ${host} socready: `.length;

describe.skipIf(!rsyslogAvailable)('host canary traced through a real rsyslog sender and collector on loopback', () => {
  let pair: RsyslogPair | undefined;
  afterEach(async () => {
    await pair?.stop();
    pair = undefined;
  });

  it('under the default maxMessageSize: the short canary arrives with its latency, the 12 000-byte one is cut ' +
    'at the sender input, at the exact length the 8096-byte limit implies', async () => {
    pair = await startRsyslogPair();
    const s = await scan(pair, 20);
    expect(s.code, s.stderr).toBe(0);
    const arrives = finding(s, 'linux.logfwd.canary-arrives')!;
    expect(arrives.status, arrives.reason).toBe('pass');
    expect(arrives.reason).toMatch(
      new RegExp(
        String.raw`short canary \(\d+ bytes, socready-canary-[^)]*-sender-[0-9a-f]{8}-1\): arrived on collector i` +
          String.raw`n .*remote\.log after \d+ ms, whole`,
      ),
    );
    const whole = finding(s, 'linux.logfwd.canary-whole')!;
    expect(whole.status).toBe('fail');
    const text = readFileSync(pair.collectorLog, 'utf8');
    expect(text).toContain('short canary');
    expect(text).not.toMatch(/-2-END/);
    // The exact cut, read from the files: the canary's first N characters, and nothing after them.
    const longTrace = s.canary!.canaries.find((c) => c.name === 'long')!;
    const local = copyIn(pair.senderLocal, longTrace.marker);
    const remote = copyIn(pair.collectorLog, longTrace.marker);
    for (const c of [local, remote]) {
      expect(c.text).toBe(longCanary(longTrace.marker).slice(0, c.chars));
      // The cut copy shows its own length: its last mark ends the last 16-character block it holds whole.
      expect(c.chars - c.lastMark).toBeGreaterThanOrEqual(0);
      expect(c.chars - c.lastMark).toBeLessThan(16);
    }
    // Both are what the 8096-byte limit implies: the sender's input cut first, the collector's (a longer header)
    // took a few more characters off.
    const limit = RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE;
    expect(local.chars).toBe(senderRoom(limit));
    expect(remote.chars).toBe(Math.min(local.chars, collectorRoom(limit, remote.host)));
    expect(longTrace).toMatchObject({ sent_chars: 12_000, arrived_chars: remote.chars, cut_chars: local.chars });
    expect(longTrace.copies).toEqual([
      { place: `host:${pair.senderLocal}`, seen: true, whole: false, chars: local.chars },
      { place: `collector:${pair.collectorLog}`, seen: true, whole: false, chars: remote.chars },
    ]);
    expect(whole.reason).toContain(
      `long canary (12000 bytes, ${longTrace.marker}): arrived on collector in ${pair.collectorLog} after `,
    );
    expect(whole.reason).toContain(
      `, but only ${remote.chars} of 12000 bytes (the canary cut first at ${local.chars} of 12000 characters in ` +
        `the host's own log ${pair.senderLocal}): cut at the sender's input`,
    );
    // The evidence holds the traced document: where, after how long, how many reads.
    const short = s.canary!.canaries.find((c) => c.name === 'short')!;
    expect(short).toMatchObject({
      planted: true,
      arrived: true,
      whole: true,
      where: pair.collectorLog,
      seen_locally: true,
    });
    expect(short.latency_ms).toBeGreaterThanOrEqual(0);
    expect(short.latency_ms).toBeLessThan(20_000);
    expect(s.canary!.canaries.find((c) => c.name === 'long')).toMatchObject({
      arrived: true,
      whole: false,
      cut_at: 'sender-input',
      remainder_separate: false,
    });
    expect(s.canary!.max_wait_ms).toBe(20_000);
  }, 60_000);

  it('with maxMessageSize raised on the sender only: the collector cuts it at the length its limit implies and the ' +
    'rest arrives separately', async () => {
    pair = await startRsyslogPair({ senderMax: '64k' });
    const s = await scan(pair, 20);
    const whole = finding(s, 'linux.logfwd.canary-whole')!;
    expect(whole.status).toBe('fail');
    expect(whole.reason).toMatch(
      /cut at the collector's input \(its maxMessageSize; the rest arrived as a separate, header-less message\)/,
    );
    // The sender kept it whole; the collector's copy ends where its input cut the frame, as the limit implies.
    const longTrace = s.canary!.canaries.find((c) => c.name === 'long')!;
    const remote = copyIn(pair.collectorLog, longTrace.marker);
    expect(remote.text).toBe(longCanary(longTrace.marker).slice(0, remote.chars));
    expect(remote.chars).toBe(collectorRoom(RSYSLOG_DEFAULT_MAX_MESSAGE_SIZE, remote.host));
    expect(longTrace.copies![0]).toMatchObject({ place: `host:${pair.senderLocal}`, whole: true, chars: 12_000 });
    expect(longTrace.cut_chars).toBe(remote.chars);
    expect(whole.reason).toContain(`(the canary cut first at ${remote.chars} of 12000 characters on the collector)`);
  }, 60_000);

  it('with maxMessageSize="64k" on both sides the long canary arrives whole, and the parser ' +
    'reads 65536 on both', async () => {
    pair = await startRsyslogPair({ senderMax: '64k', collectorMax: '64k' });
    const s = await scan(pair, 20);
    expect(finding(s, 'linux.logfwd.canary-arrives')!.status).toBe('pass');
    const whole = finding(s, 'linux.logfwd.canary-whole')!;
    expect(whole.status, whole.reason).toBe('pass');
    expect(whole.reason).toMatch(/long canary \(12000 bytes.*arrived on collector .* after \d+ ms, whole/);
    for (const conf of [pair.senderConf, pair.collectorConf])
      expect(rsyslogMaxMessageSize(conf, readFileSync(conf, 'utf8'))?.bytes).toBe(65536);
  }, 60_000);

  it('a sender forwarding to the wrong port: not arrived within the stated wait, last seen in ' +
    "the host's own log", async () => {
    pair = await startRsyslogPair({ wrongPort: true });
    const started = Date.now();
    const s = await scan(pair, 3);
    const arrives = finding(s, 'linux.logfwd.canary-arrives')!;
    expect(arrives.status).toBe('fail');
    expect(arrives.reason).toMatch(
      new RegExp(
        String.raw`short canary .*did not arrive on collector within 3 s \(\d+ reads of .*\); last seen in the ho` +
          String.raw`st's own log .*local\.log`,
      ),
    );
    // The long canary never arrived: whether it is whole cannot be decided.
    expect(finding(s, 'linux.logfwd.canary-whole')!.status).toBe('inconclusive');
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('without --active nothing is planted and no canary finding is reported', async () => {
    pair = await startRsyslogPair();
    const s = await scan(pair, 3, false);
    expect(finding(s, 'linux.logfwd.canary-arrives')).toBeUndefined();
    expect(readFileSync(pair.senderLocal, { encoding: 'utf8', flag: 'a+' })).not.toContain('socready-canary');
  }, 60_000);
});
