import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readEventFile, newStats } from '../../../src/sigma/events/reader.js';
import { routeWindows } from '../../../src/sigma/events/windows.js';
import type { SigmaEvent } from '../../../src/sigma/types.js';

const dir = mkdtempSync(join(tmpdir(), 'sigma-read-'));
async function read(name: string, content: string | Buffer): Promise<SigmaEvent[]> {
  const f = join(dir, name);
  writeFileSync(f, content);
  const out: SigmaEvent[] = [];
  for await (const e of readEventFile(f)) out.push(e);
  return out;
}

const evtx = (id: number, channel: string, data: object) => ({
  Event: {
    System: {
      EventID: id,
      Channel: channel,
      TimeCreated: { '#attributes': { SystemTime: '2026-01-02T03:04:05Z' } },
      Provider: { '#attributes': { Name: 'P' } },
    },
    EventData: data,
  },
});

describe('event readers', () => {
  it('reads concatenated pretty-printed evtx_dump JSON and routes Sysmon events by EventID', async () => {
    const text =
      JSON.stringify(
        evtx(1, 'Microsoft-Windows-Sysmon/Operational', { Image: 'C:\\a.exe', Note: 'a } { b' }),
        null,
        2,
      ) +
      '\n' +
      JSON.stringify(evtx(10, 'Microsoft-Windows-Sysmon/Operational', { TargetImage: 'lsass.exe' }), null, 2);
    const evs = await read('sysmon.json', text);
    expect(evs).toHaveLength(2);
    expect(evs[0]!.logsource).toEqual({ product: 'windows', categories: ['process_creation'], services: ['sysmon'] });
    expect(evs[0]!.get('Image')).toBe('C:\\a.exe');
    expect(evs[0]!.get('EventID')).toBe(1);
    expect(evs[0]!.get('Provider_Name')).toBe('P');
    expect(evs[0]!.time).toBe(Date.parse('2026-01-02T03:04:05Z'));
    expect(evs[1]!.logsource.categories).toEqual(['process_access']);
  });

  it('reads gzipped NDJSON and Winlogbeat/ECS documents', async () => {
    const lines = [
      JSON.stringify({
        '@timestamp': '2026-01-01T00:00:00Z',
        winlog: { channel: 'Security', event_id: 4625, event_data: { TargetUserName: 'bob' } },
      }),
      JSON.stringify({
        '@timestamp': '2026-01-01T00:00:01Z',
        event: { category: ['process'], type: ['start'] },
        host: { os: { type: 'linux' } },
        process: { executable: '/usr/bin/curl', command_line: 'curl x' },
      }),
    ].join('\n');
    const evs = await read('beats.ndjson.gz', gzipSync(lines));
    expect(evs[0]!.logsource.services).toEqual(['security']);
    expect(evs[0]!.get('TargetUserName')).toBe('bob');
    expect(evs[0]!.get('EventID')).toBe(4625);
    expect(evs[1]!.logsource).toEqual({ product: 'linux', categories: ['process_creation'], services: [] });
    expect(evs[1]!.get('Image')).toBe('/usr/bin/curl');
    expect(evs[1]!.get('CommandLine')).toBe('curl x');
  });

  it('maps Security 4688 onto process_creation field names', async () => {
    const evs = await read(
      '4688.json',
      JSON.stringify(
        evtx(4688, 'Security', { NewProcessName: 'C:\\x.exe', ParentProcessName: 'C:\\p.exe', CommandLine: 'x' }),
      ),
    );
    expect(evs[0]!.logsource.categories).toEqual(['process_creation']);
    expect(evs[0]!.get('Image')).toBe('C:\\x.exe');
    expect(evs[0]!.get('ParentImage')).toBe('C:\\p.exe');
  });

  it('reads auditd raw and enriched records, decoding hex arguments and naming syscalls', async () => {
    const text = [
      'type=SYSCALL msg=audit(1767225600.123:77): arch=c000003e syscall=321 success=yes exit=3 a0=5 ppid=1 ' +
        'pid=4242 auid=0 uid=0 comm="haldaemon" exe="/tmp/.x/haldaemon" key="bpf"',
      'type=EXECVE msg=audit(1767225600.200:78): argc=2 a0="ls" a1=2D6C61202F746D70',
      'type=SYSCALL msg=audit(1767225601.000:79): arch=c000003e syscall=41 success=yes exit=4 a0=11 a1=3 ' +
        'comm="x" exe="/usr/bin/x"\x1dARCH=x86_64 SYSCALL=socket AUID="root"',
    ].join('\n');
    const evs = await read('audit.log', text);
    expect(evs).toHaveLength(3);
    expect(evs[0]!.logsource).toEqual({ product: 'linux', categories: [], services: ['auditd'] });
    expect(evs[0]!.get('SYSCALL')).toBe('bpf');
    expect(evs[0]!.get('exe')).toBe('/tmp/.x/haldaemon');
    expect(evs[0]!.time).toBe(1767225600123);
    expect(evs[1]!.get('a1')).toBe('-la /tmp');
    expect(evs[2]!.get('SYSCALL')).toBe('socket');
    expect(evs[2]!.get('AUID')).toBe('root');
  });

  it('reads combined access logs, JSON body logs and squid logs into the Sigma web/proxy taxonomy', async () => {
    const acc = await read(
      'access.log',
      '10.0.0.9 - - [01/Jan/2026:10:00:00 +0000] "GET /index.php?id=1%27%20OR%201=1 HTTP/1.1" 200 512 "-" ' +
        '"sqlmap/1.7"\n',
    );
    expect(acc[0]!.logsource.categories).toEqual(['webserver']);
    expect(acc[0]!.get('cs-uri-query')).toBe('id=1%27%20OR%201=1');
    expect(acc[0]!.get('cs-user-agent')).toBe('sqlmap/1.7');
    expect(acc[0]!.time).toBe(Date.parse('2026-01-01T10:00:00Z'));
    const body = await read(
      'body.log',
      JSON.stringify({
        time: '2026-01-01T10:00:00+00:00',
        remote: '10.0.0.9',
        req: 'POST /app HTTP/1.1',
        status: 200,
        body: "user=a&q=1' OR '1'='1",
      }) + '\n',
    );
    expect(body[0]!.get('cs-method')).toBe('POST');
    expect(body[0]!.get('request_body')).toBe("user=a&q=1' OR '1'='1");
    expect(body[0]!.get('c-ip')).toBe('10.0.0.9');
    const squid = await read(
      'squid.log',
      '1767225600.123    150 10.0.0.5 TCP_MISS/200 4512 GET http://evil.example.top/beacon?id=7 - ' +
        'HIER_DIRECT/203.0.113.9 text/html\n',
    );
    expect(squid[0]!.logsource.categories).toEqual(['proxy']);
    expect(squid[0]!.get('cs-host')).toBe('evil.example.top');
    expect(squid[0]!.get('c-uri-query')).toBe('id=7');
  });

  it('reads ModSecurity JSON audit records (mod_security2 and libmodsecurity v3 shapes)', async () => {
    const v2 = {
      transaction: { time: '01/Jan/2026:10:00:00 +0000', remote_address: '10.0.0.9' },
      request: { request_line: 'POST /login HTTP/1.1', headers: { 'User-Agent': 'curl' }, body: ["user=a' OR 1=1--"] },
      response: { status: 403 },
      audit_data: { messages: ['Warning. detected SQLi [id "942100"] [msg "SQL Injection"]'] },
    };
    const v3 = {
      transaction: {
        client_ip: '10.0.0.8',
        time_stamp: 'Thu Jan  1 10:00:00 2026',
        request: { method: 'POST', uri: '/q?x=1', http_version: 1.1, headers: {}, body: 'a=b' },
        response: { http_code: 200, body: 'ok' },
        messages: [{ message: 'm', details: { ruleId: '941100' } }],
      },
    };
    const evs = await read('modsec.json', `${JSON.stringify(v2)}\n${JSON.stringify(v3)}\n`);
    expect(evs[0]!.logsource).toEqual({ product: 'modsecurity', categories: ['webserver'], services: [] });
    expect(evs[0]!.get('request_body')).toBe("user=a' OR 1=1--");
    expect(evs[0]!.get('cs-user-agent')).toBe('curl');
    expect(evs[0]!.get('modsec_rule_id')).toEqual(['942100']);
    expect(evs[1]!.get('c-ip')).toBe('10.0.0.8');
    expect(evs[1]!.get('cs-uri-query')).toBe('x=1');
    expect(evs[1]!.get('response_body')).toBe('ok');
    expect(evs[1]!.get('modsec_rule_id')).toEqual(['941100']);
  });

  it('counts and names lines it cannot read instead of stopping', async () => {
    const f = join(dir, 'mixed.log');
    writeFileSync(f, 'type=SYSCALL msg=audit(1.0:1): syscall=59\nthis is not a log line\n');
    const stats = newStats();
    const out: SigmaEvent[] = [];
    for await (const e of readEventFile(f, { stats })) out.push(e);
    expect(out).toHaveLength(1);
    expect(stats.skipped).toBe(1);
    expect(stats.problems[0]).toMatch(/mixed\.log:2: not a recognised log line/);
  });

  it('routes Windows channels to Sigma services and categories', () => {
    expect(routeWindows('Microsoft-Windows-PowerShell/Operational', 4104).categories).toEqual(['ps_script']);
    expect(routeWindows('Microsoft-Windows-Sysmon/Operational', 13).categories).toEqual([
      'registry_event',
      'registry_set',
    ]);
    expect(routeWindows('System', 7045)).toEqual({ product: 'windows', categories: [], services: ['system'] });
  });
});
