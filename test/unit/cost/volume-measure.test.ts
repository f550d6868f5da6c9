// Measuring today's volume from real files: the shell function the probes run (LOG_STAT_SH) over fixtures with known
// sizes and time spans (rotated and gzip-compressed files, a log whose lines span 36 hours), and the parsers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { linuxVolume } from '../../../src/cost/linux-volume.js';
import { LOG_STAT_SH, MIN_SPAN_MS, parseLogStat, volumesBySource } from '../../../src/cost/logstat.js';
import { lineTime } from '../../../src/cost/timestamps.js';
import { parseRequestLine, requestRates, webVolume } from '../../../src/cost/web-volume.js';
import { logSampleCommand, splitLogSample } from '../../../src/cost/web-sample.js';
import { windowsVolume } from '../../../src/cost/windows-volume.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { fixtureHost } from '../../fixtures/linux/hosts.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { hostOutputs } from '../../helpers/windows-hosts.js';

const ok = (stdout: string, data?: unknown): ProbeResult => ({
  stdout,
  stderr: '',
  exitCode: 0,
  truncated: false,
  durationMs: 1,
  ...(data !== undefined ? { data } : {}),
});

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const HOUR = 3_600_000;

/** An audit-format line at time t, padded to exactly `size` bytes with the newline. */
function auditLine(t: number, serial: number, size = 200): string {
  const head = `type=SYSCALL msg=audit(${(t / 1000).toFixed(3)}:${serial}): arch=c000003e syscall=59 success=yes `;
  return `${head}${'x'.repeat(size - head.length - 1)}\n`;
}

function lines(from: number, to: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += auditLine(from + ((to - from) * i) / (n - 1), i);
  return s;
}

/** audit.log (now-12h..now), audit.log.1 (now-24h..now-12h) and audit.log.2.gz (now-36h..now-24h): 36 hours. */
function auditFamily(): { dir: string; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'socready-vol-'));
  const current = lines(T0 + 24 * HOUR, T0 + 36 * HOUR, 120);
  const rotated = lines(T0 + 12 * HOUR, T0 + 24 * HOUR - 1000, 120);
  const old = lines(T0, T0 + 12 * HOUR - 1000, 120);
  writeFileSync(join(dir, 'audit.log'), current);
  writeFileSync(join(dir, 'audit.log.1'), rotated);
  writeFileSync(join(dir, 'audit.log.2.gz'), gzipSync(old));
  // mtimes as logrotate leaves them: each file last written at its last line.
  utimesSync(join(dir, 'audit.log.2.gz'), (T0 + 12 * HOUR) / 1000, (T0 + 12 * HOUR) / 1000);
  utimesSync(join(dir, 'audit.log.1'), (T0 + 24 * HOUR) / 1000, (T0 + 24 * HOUR) / 1000);
  utimesSync(join(dir, 'audit.log'), (T0 + 36 * HOUR) / 1000, (T0 + 36 * HOUR) / 1000);
  return { dir, bytes: current.length + rotated.length + old.length };
}

const sh = (script: string) =>
  execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { LC_ALL: 'C', PATH: process.env.PATH } });

describe('log volume from sizes and spans (the probe shell function over real files)', () => {
  it('measures a rotated, partly gzip-compressed audit log spanning 36 hours: uncompressed bytes over 36 h', () => {
    const { dir, bytes } = auditFamily();
    const out = sh(`${LOG_STAT_SH}\nsocready_logstat linux-audit ${dir}/audit.log*`);
    const { files } = parseLogStat(out);
    expect(files.map((f) => f.path.slice(dir.length + 1))).toEqual(['audit.log', 'audit.log.1', 'audit.log.2.gz']);
    const gz = files.find((f) => f.compressed)!;
    expect(gz.size).toBeLessThan(gz.bytes!);
    const [v] = volumesBySource(out, ['linux-audit']);
    expect(v!.bytes).toBe(bytes);
    expect(v!.span_hours).toBeCloseTo(36, 3);
    expect(v!.first).toBe(new Date(T0).toISOString());
    expect(v!.bytes_per_day).toBeCloseTo((bytes * 24) / 36, 0);
  });

  it('falls back to the mtime for the end of a large gzip file whose tail is not decompressed', () => {
    const out = [
      'file\tweb-access\t5000000\t1795000000\t90000000\t/var/log/nginx/access.log.2.gz',
      'head\t127.0.0.1 - - [20/Nov/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 10',
    ].join('\n');
    const [v] = volumesBySource(out, ['web-access']);
    expect(v!.last).toBe(new Date(1795000000 * 1000).toISOString());
    expect(v!.bytes).toBe(90000000);
  });

  it('gives null with the reason, never 0, when the span is under an hour, the log is missing or unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-vol-'));
    writeFileSync(join(dir, 'auth.log'), lines(T0, T0 + MIN_SPAN_MS / 2, 10));
    const out = sh(
      `${LOG_STAT_SH}\nsocready_logstat linux-auth ${dir}/auth.log*\nsocready_logstat syslog ${dir}/none*`,
    );
    const [auth, syslog] = volumesBySource(out, ['linux-auth', 'syslog']);
    expect(auth!.bytes_per_day).toBeNull();
    expect(auth!.basis.en).toMatch(/under an hour/);
    expect(syslog!.bytes_per_day).toBeNull();
    expect(syslog!.basis.en).toBe('no log file found');
    const [x] = volumesBySource('unreadable\tdatabase\t/var/log/postgresql/p.log\n', ['database']);
    expect(x!.basis.en).toMatch(/not readable: \/var\/log\/postgresql\/p.log/);
  });

  it('reads the timestamps of every log format it measures', () => {
    const t = Date.UTC(2026, 11, 3, 8, 50, 25);
    expect(lineTime('type=USER_LOGIN msg=audit(1796287825.123:42): pid=1')).toBe(1796287825000);
    expect(lineTime('127.0.0.1 - - [03/Dec/2026:17:50:25 +0900] "GET / HTTP/1.1" 200 5')).toBe(t);
    expect(lineTime('{"time":"2026-12-03T08:50:25+00:00","req":"GET /"}')).toBe(t);
    expect(lineTime('2026-12-03 08:50:25.123 UTC [42] LOG:  statement: SELECT 1')).toBe(t);
    expect(lineTime('1796287825.000123 host sshd[1]: Accepted')).toBe(1796287825000);
    expect(lineTime('Dec  3 08:50:25 host sshd[1]: Accepted', t + 60_000)).toBe(t);
    // A December line in a file written in January is from the year before.
    expect(lineTime('Dec 31 23:00:00 host x', Date.UTC(2027, 0, 1, 1))).toBe(Date.UTC(2026, 11, 31, 23));
  });

  it('the Linux probe runs this exact function, and reads journal usage and process starts per day', () => {
    const probe = loadCatalog().probes.get('linux-log-volume')!;
    const body = LOG_STAT_SH.split('\n').map((l) => l.trimStart());
    const inProbe = probe.command!.split('\n').map((l) => l.trimStart());
    for (const l of body) expect(inProbe).toContain(l);
    const { dir } = auditFamily();
    const stat = sh(`${LOG_STAT_SH}\nsocready_logstat linux-audit ${dir}/audit.log*`);
    const boot = 1796000000;
    const text = [
      stat,
      'journal-usage\tArchived and active journals take up 48.0M in the file system.',
      `journal-first\t${boot}.000001 host kernel: Linux version`,
      `journal-last\t${boot + 2 * 86400}.000001 host systemd[1]: ok`,
      'proc-processes\t300000',
      `proc-btime\t${boot}`,
      `now\t${boot + 3 * 86400}`,
    ].join('\n');
    const { volume } = linuxVolume({ 'linux-log-volume': ok(text) });
    expect(volume.process_starts_per_day.value).toBeCloseTo(100000, 6);
    const journal = volume.sources.find((s) => s.source === 'journal')!;
    expect(journal.bytes_per_day).toBeCloseTo((48 * 1024 * 1024) / 2, 0);
    expect(volume.sources.find((s) => s.source === 'linux-audit')!.span_hours).toBeCloseTo(36, 3);
    expect(volume.sources.find((s) => s.source === 'syslog')!.bytes_per_day).toBeNull();
    expect(volume.measured).toBe(2);
  });
});

describe('web request mix from a bounded tail of the access log', () => {
  it('reads combined and JSON lines: method, path, logged body and response sizes', () => {
    expect(
      parseRequestLine('10.0.0.1 - - [20/Nov/2026:00:00:00 +0000] "POST /api/x HTTP/1.1" 201 512 "-" "ua"'),
    ).toMatchObject({
      method: 'POST',
      path: '/api/x',
      response_bytes: 512,
    });
    expect(
      parseRequestLine(
        '{"time":"2026-11-20T00:00:00+00:00","req":"POST /login HTTP/1.1","body":"user=a&password=***"}',
      ),
    ).toMatchObject({ method: 'POST', path: '/login', request_bytes: 19, request_bytes_kind: 'body' });
    expect(parseRequestLine('garbage')).toBeUndefined();
  });

  it('measures requests per day, the POST share, mean body size and the login/API share of a known mix', () => {
    const reqs = Array.from({ length: 100 }, (_, i) => ({
      time: T0 + i * 1000,
      method: i % 4 === 0 ? 'POST' : 'GET',
      path: i % 8 === 0 ? '/login' : '/shop',
      ...(i % 4 === 0 ? { request_bytes: 300, request_bytes_kind: 'body' as const } : {}),
      response_bytes: 1000,
    }));
    const r = requestRates(reqs);
    expect(r.requests_per_day.value).toBeCloseTo(86400, 6);
    expect(r.body_share.value).toBe(0.25);
    expect(r.body_requests_per_day.value).toBeCloseTo(21600, 6);
    expect(r.mean_request_body_bytes.value).toBe(300);
    expect(r.login_api_body_share.value).toBe(0.52);
    expect(r.mean_response_bytes.value).toBe(1000);
  });

  it('gives no rate from a sample too short to extrapolate, and says why', () => {
    const r = requestRates([
      { time: T0, method: 'GET', path: '/' },
      { time: T0 + 5000, method: 'GET', path: '/' },
    ]);
    expect(r.requests_per_day.value).toBeNull();
    expect(r.requests_per_day.basis.en).toMatch(/at least 20 over 10 s/);
    expect(r.mean_request_body_bytes.basis.en).toMatch(/no POST\/PUT\/PATCH/);
  });

  it('the host command reads the rotation family and the tail, and the parser turns them into facts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-web-'));
    const log = join(dir, "acc'ess.log");
    let text = '';
    for (let i = 0; i < 7200; i++) {
      const t = new Date(T0 + i * 1000);
      const stamp = `${String(t.getUTCDate()).padStart(2, '0')}/Nov/2026:${t.toISOString().slice(11, 19)} +0000`;
      text += `10.0.0.1 - - [${stamp}] "${i % 10 === 0 ? 'POST' : 'GET'} /p HTTP/1.1" 200 100 "-" "ua"\n`;
    }
    writeFileSync(log, text);
    const { stat, sample } = splitLogSample(sh(logSampleCommand(log)));
    expect(sample.trim().split('\n')).toHaveLength(2000);
    const doc = { has_host: true, logs: [{ path: log, origin: 'nginx access_log', stat, sample }] };
    const { volume } = webVolume({ 'web-log-sample': ok('', doc) });
    expect(volume.logs[0]!.span_hours).toBeCloseTo(7199 / 3600, 4);
    expect(volume.logs[0]!.bytes_per_day).toBeCloseTo((text.length * 86400) / 7199, 0);
    expect(volume.requests.requests_per_day.value).toBeCloseTo(86400, 6);
    expect(volume.requests.body_share.value).toBeCloseTo(0.1, 2);
  });

  it('a log that is not a regular file (access_log /dev/stdout, a FIFO) is not tailed: the command returns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-web-'));
    const fifo = join(dir, 'stdout');
    execFileSync('mkfifo', [fifo]);
    // Before, tail opened the FIFO and waited for a writer until the probe's timeout; here the 20 s timeout throws.
    const out = execFileSync('/bin/sh', ['-c', logSampleCommand(fifo)], {
      encoding: 'utf8',
      env: { LC_ALL: 'C', PATH: process.env.PATH },
      timeout: 20_000,
    });
    const { sample } = splitLogSample(out);
    expect(sample.trim()).toBe('');
  });
});

describe('Windows event log volume (Get-WinEvent -ListLog and the oldest/newest record)', () => {
  const fixture = readFileSync(join(FIXTURES_DIR, 'windows', 'eventlog-volume.json'), 'utf8');

  it('gives records and bytes per day over the span between the oldest and newest record', () => {
    const { volume } = windowsVolume({ 'win-eventlog-volume': ok(fixture) });
    const sec = volume.logs.find((l) => l.source === 'Security')!;
    expect(sec.span_hours).toBe(96);
    expect(sec.records_per_day).toBeCloseTo(1843112 / 4, 6);
    expect(sec.bytes_per_day).toBeCloseTo(1073811456 / 4, 3);
    expect(sec.wrapping).toBe(true);
    expect(volume.logs.find((l) => l.source === 'Application')!.bytes_per_day).toBeNull();
    expect(volume.measured).toBe(3);
  });

  it('the probe reads without exit and ends in one JSON document', () => {
    const cmd = loadCatalog().probes.get('win-eventlog-volume')!.command!;
    expect(cmd).not.toMatch(/\bexit\b/i);
    expect(cmd).toMatch(/ConvertTo-Json -InputObject @\(\$out\) -Compress$/);
    expect(cmd).not.toMatch(/Clear-EventLog|Limit-EventLog|wevtutil/i);
  });
});

describe('the volume checks on the fixture hosts (catalog, parser, condition, observed facts)', () => {
  const catalog = loadCatalog();
  const check = (id: string) => catalog.checks.find((c) => c.id === id)!;

  it('linux.volume.measured passes on the hardened host and keeps the volumes in its observed facts', () => {
    const f = evaluateCheck(check('linux.volume.measured'), fixtureHost('hardened', catalog.probes.values()), {
      targetId: 'linux01',
      kind: 'linux',
    });
    expect(f.status).toBe('pass');
    const volume = f.observed!.volume as { sources: { source: string; span_hours: number | null }[] };
    expect(volume.sources.find((s) => s.source === 'linux-audit')!.span_hours).toBeCloseTo(36, 2);
  });

  it('linux.volume.measured warns, with every source null and its reason, on a host with no readable log', () => {
    const f = evaluateCheck(check('linux.volume.measured'), fixtureHost('debian-minimal', catalog.probes.values()), {
      targetId: 'm',
      kind: 'linux',
    });
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/exit 127/);
  });

  it('windows.volume.measured passes on the hardened Windows host fixture', () => {
    const f = evaluateCheck(check('windows.volume.measured'), hostOutputs('hardened'), {
      targetId: 'w',
      kind: 'windows',
    });
    expect(f.status).toBe('pass');
    expect(f.explanation!.observed.en).toBe('3 event log(s) with a volume per day');
  });
});
