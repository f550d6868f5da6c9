// The Windows long canary end to end (eventlog.long_canary), with doubles only at the I/O edges, as in
// windows-canary.test.ts: the host is socready's real PowerShell transport driving the stand-in executable
// (test/fixtures/pwsh/fake-pwsh.mjs), which answers the write in Write-EventLog's (5.1) and eventcreate's (7) shapes
// and renders the planted text back through Get-WinEvent; the collector is a transport double showing what the host
// wrote, whole or cut the way a syslog hop cuts (the whole line, header included, at its maximum size) or dropped;
// the SIEM is a local HTTP server answering Elasticsearch `_search` (Winlogbeat document) or Splunk's search export
// with `_raw` cut at TRUNCATE bytes, read through the real API source. Nothing here ran on real Windows.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { evaluateCheck } from '../../src/checks/evaluate.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import type { HostCanaryDocument } from '../../src/collect/host-canary.js';
import { PowerShellProbeSource, type WindowsCanaryPlan } from '../../src/collect/powershell-source.js';
import type { Target } from '../../src/model.js';
import { createPowerShellTransport } from '../../src/transport/powershell.js';
import { eventLogTailScript } from '../../src/transport/pwsh-canary.js';
import { buildCollectionScript } from '../../src/transport/pwsh-script.js';
import type { Transport } from '../../src/transport/types.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { FAKE_PWSH, ok, product, WINDOWS_CANARY_PROBE } from '../helpers/windows-canary.js';

const catalog = loadCatalog();
const MARKER = /socready-canary-r1-win1-[0-9a-f]{8}-\d/;
const SYSLOG_HEADER = '<14>1 2026-12-03T11:00:01.020Z WIN-JP01.corp.example socready - - - ';

let dir: string;
let server: Server | undefined;
beforeAll(() => {
  chmodSync(FAKE_PWSH, 0o755);
  dir = mkdtempSync(join(tmpdir(), 'socready-winlong-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** The texts the canary write planted, by marker (the stand-in logs them as `PLANTED $socready...Message = '...'`). */
function plantedTexts(log: string): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return out;
  }
  for (const m of text.matchAll(/^PLANTED \$socready(?:Long)?Message = '([^']*)'$/gm)) {
    const marker = MARKER.exec(m[1]!)?.[0];
    if (marker) out.set(marker, m[1]!);
  }
  return out;
}

/** How a hop treats one event's text: as is, cut to a length, or dropped (undefined). */
type Hop = (text: string) => string | undefined;
const whole: Hop = (t) => t;

/**
 * A collector double: a Windows Event Collector's ForwardedEvents read (one event per line) or a syslog collector's
 * file (RFC 5424 lines; `lineBytes` cuts the whole line, header included, as rsyslog's maxMessageSize does).
 */
function collectorDouble(
  hostLog: string,
  kind: 'wec' | 'file',
  hop: Hop = whole,
): { collector: Transport; paths: string[]; command?: string } {
  const paths = kind === 'wec' ? ['ForwardedEvents'] : ['/var/log/remote/win1.log'];
  const collector: Transport = {
    name: `fake-${kind}`,
    open: async () => undefined,
    run: async (command: string) => {
      buildCollectionScript([{ id: 'run', script: command }]);
      const lines = [...plantedTexts(hostLog).values()].flatMap((t, i) => {
        const kept = hop(t);
        if (kept === undefined) return [];
        return kind === 'wec'
          ? [`${48213 + i} 2026-12-03T11:00:01.0200000Z WIN-JP01.corp.example ${kept}`]
          : [`${SYSLOG_HEADER}${kept}`];
      });
      return ok(`==> ${paths[0]} <==\n${lines.join('\n')}\n`);
    },
    readFile: async () => ok(''),
    describe: async () => ({ platform: kind === 'wec' ? 'windows' : 'linux' }),
    close: async () => undefined,
  };
  return { collector, paths, ...(kind === 'wec' ? { command: eventLogTailScript(['ForwardedEvents']) } : {}) };
}

/** rsyslog's maxMessageSize cut: the whole syslog line, header included, at `bytes`. */
const lineCut =
  (bytes: number): Hop =>
  (t) =>
    `${SYSLOG_HEADER}${t}`.slice(0, bytes).slice(SYSLOG_HEADER.length);

/** Elasticsearch `_search` with the Winlogbeat document (message and event_data.param1) for each planted text. */
async function elasticsearch(hostLog: () => string, hop: Hop = whole): Promise<string> {
  return serve((marker) => {
    const text = hop(plantedTexts(hostLog()).get(marker) ?? '');
    const body = product('elasticsearch/winlogbeat-canary-hit.json');
    return body.replaceAll('"__MARKER__ windows canary __MARKER__-END"', JSON.stringify(text ?? ''));
  });
}

/** Splunk's search export for the WinEventLog event, `_raw` cut at TRUNCATE bytes and Message extracted from it. */
async function splunk(hostLog: () => string, truncate: number): Promise<string> {
  return serve((marker) => {
    const text = plantedTexts(hostLog()).get(marker) ?? '';
    const row = JSON.parse(product('splunk/wineventlog-canary-export.ndjson').trim()) as {
      result: Record<string, string>;
    };
    const raw = row.result._raw!.replace('__MARKER__ windows canary __MARKER__-END', text).slice(0, truncate);
    row.result._raw = raw;
    row.result.Message = raw.slice(raw.indexOf('Message=') + 'Message='.length);
    return JSON.stringify(row);
  });
}

async function serve(answer: (marker: string) => string): Promise<string> {
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const q = `${u.searchParams.get('q') ?? ''} ${u.searchParams.get('search') ?? ''}`;
    const marker = MARKER.exec(q)?.[0] ?? '';
    const body = req.url === '/' ? product('elasticsearch/root.json') : answer(marker);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
}

interface Run {
  doc: HostCanaryDocument;
  sent: string;
  log: string;
}

async function plant(
  fixture: string,
  o: {
    longCanary?: boolean | number;
    collector?: 'wec' | 'file';
    collectorHop?: Hop;
    siem?: (hostLog: () => string) => Promise<string>;
    siemProduct?: string;
    maxWait?: number;
  } = {},
): Promise<Run> {
  const log = join(dir, `${fixture}-${Math.random().toString(36).slice(2)}.log`);
  const host: Target = { id: 'win1', kind: 'windows', address: 'localhost', tags: [], transport: 'powershell' };
  const transport = createPowerShellTransport(host, {
    executable: FAKE_PWSH,
    env: {
      PATH: process.env.PATH ?? '',
      FAKE_PWSH_FIXTURE: join(FIXTURES_DIR, 'pwsh', 'windows-canary', fixture),
      FAKE_PWSH_LOG: log,
    },
  });
  const col = collectorDouble(log, o.collector ?? 'wec', o.collectorHop);
  const siemUrl = o.siem ? await o.siem(() => log) : undefined;
  const siemProduct = o.siemProduct ?? 'elasticsearch';
  const siemTarget: Target = {
    id: 'siem',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url: siemUrl ?? 'http://127.0.0.1:9', product: siemProduct, token_env: 'T' },
  };
  const plan: WindowsCanaryPlan = {
    active: true,
    runId: 'r1',
    targetId: 'win1',
    settings: {
      collector: 'col',
      max_wait: o.maxWait ?? 2,
      ...(o.longCanary !== undefined ? { long_canary: o.longCanary } : {}),
    },
    collectorId: 'col',
    collectorPaths: col.paths,
    ...(col.command ? { collectorCommand: col.command } : {}),
    collector: col.collector,
    ...(siemUrl
      ? {
          siem: {
            id: 'siem',
            product: siemProduct,
            source: new ApiProbeSource(siemTarget, { env: { T: 'auditor:s3cret-pass' } }),
          },
        }
      : {}),
  };
  const source = new PowerShellProbeSource(transport, { canary: plan });
  try {
    const r = await source.collect(WINDOWS_CANARY_PROBE);
    expect(r.error).toBeUndefined();
    return { doc: r.data as HostCanaryDocument, sent: readFileSync(log, 'utf8'), log };
  } finally {
    await source.close();
  }
}

const evaluate = (id: string, doc: HostCanaryDocument) =>
  evaluateCheck(
    catalog.checks.find((c) => c.id === id)!,
    { 'windows-event-canary': { ...ok(''), data: doc } },
    { targetId: 'win1', kind: 'windows', parsers: catalog.parsers },
  );

const longOf = (doc: HostCanaryDocument) => doc.canaries.find((c) => c.name === 'long');

describe('Windows long canary: whole, or where and at what length it was cut', () => {
  it('whole everywhere: 20 000 characters in the host log, on the WEC and in Elasticsearch', async () => {
    const { doc, sent } = await plant('write-eventlog-51-long.json', { longCanary: true, siem: elasticsearch });
    const long = longOf(doc)!;
    expect(doc.long_requested_chars).toBe(20_000);
    expect(long).toMatchObject({ planted: true, sent_chars: 20_000, arrived: true, where: 'ForwardedEvents' });
    expect(long.marker).toMatch(/-2$/);
    expect(long.copies).toEqual([
      { place: 'host:Application', seen: true, whole: true, chars: 20_000 },
      { place: 'collector:ForwardedEvents', seen: true, whole: true, chars: 20_000 },
      { place: 'siem:siem', seen: true, whole: true, chars: 20_000 },
    ]);
    expect(long.cut_at).toBeUndefined();
    expect(long.summary).toMatch(/whole in every place read/);
    // One script wrote both events, each through Write-EventLog with its own variable (never interpolated).
    expect(sent).toContain('-Message $socreadyLongMessage -ErrorAction Stop');
    expect(sent).toMatch(
      /PLANTED \$socreadyLongMessage = 'socready-canary-r1-win1-[0-9a-f]{8}-2 windows long canary of 20000 chars /,
    );
    expect(evaluate('windows.eventfwd.canary-whole', doc).status).toBe('pass');
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
    expect(evaluate('windows.eventfwd.canary-in-siem', doc).status).toBe('pass');
  });

  it('cut at the file collector by a 2 048-byte and an 8 192-byte syslog hop: the length each copy holds', async () => {
    for (const bytes of [2048, 8192]) {
      const { doc } = await plant('write-eventlog-51-long.json', {
        longCanary: 12_000,
        collector: 'file',
        collectorHop: lineCut(bytes),
        siem: (log) => elasticsearch(log, lineCut(bytes)),
      });
      const long = longOf(doc)!;
      const held = bytes - SYSLOG_HEADER.length;
      expect(long).toMatchObject({ arrived: true, where: '/var/log/remote/win1.log', whole: false });
      expect(long).toMatchObject({ cut_at: 'collector', cut_chars: held, arrived_chars: held });
      expect(long.copies![0]).toMatchObject({ place: 'host:Application', whole: true, chars: 12_000 });
      // The SIEM holds what the collector forwarded: no more than the first cut.
      expect(long.copies![2]).toMatchObject({ place: 'siem:siem', whole: false, chars: held });
      const f = evaluate('windows.eventfwd.canary-whole', doc);
      expect(f.status).toBe('fail');
      expect(f.reason).toContain(
        `cut first in /var/log/remote/win1.log on col at ${held} of 12000 characters (the host's Application log: ` +
          `whole; /var/log/remote/win1.log on col: cut at ${held} of 12000 characters; SIEM siem: cut at ${held}`,
      );
      // The short event is whole and arrived: arrival itself is not in question.
      expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
    }
  });

  it("cut only in the SIEM: whole on the WEC, Splunk's TRUNCATE = 10000 cuts _raw", async () => {
    const { doc } = await plant('write-eventlog-51-long.json', {
      longCanary: true,
      siem: (log) => splunk(log, 10_000),
      siemProduct: 'splunk',
    });
    const long = longOf(doc)!;
    const raw = JSON.parse(product('splunk/wineventlog-canary-export.ndjson').trim()).result._raw as string;
    const held = 10_000 - raw.indexOf('Message=') - 'Message='.length;
    expect(long.copies!.map((c) => [c.place, c.whole, c.chars])).toEqual([
      ['host:Application', true, 20_000],
      ['collector:ForwardedEvents', true, 20_000],
      ['siem:siem', false, held],
    ]);
    expect(long).toMatchObject({ cut_at: 'siem', cut_chars: held });
    expect(long.siem).toMatchObject({ arrived: true, whole: false, chars: held });
    const f = evaluate('windows.eventfwd.canary-whole', doc);
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(new RegExp(`cut first in SIEM siem at ${held} of 20000 characters`));
    expect(f.reason).toMatch(new RegExp(`in SIEM siem after \\d+ ms, cut at ${held} characters`));
  });

  it('dropped: the short event reaches the WEC, the long one never does (a forwarder drops large events)', async () => {
    const { doc } = await plant('write-eventlog-51-long.json', {
      longCanary: true,
      collectorHop: (t) => (t.length > 16_384 ? undefined : t),
      maxWait: 0.3,
    });
    expect(doc.canaries.find((c) => c.name === 'short')).toMatchObject({ arrived: true });
    expect(longOf(doc)).toMatchObject({ planted: true, seen_locally: true, arrived: false, dropped_at: 'collector' });
    const f = evaluate('windows.eventfwd.canary-whole', doc);
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(/the short event arrived on col but this one did not: dropped on the way/);
    // The long event's loss is canary-whole's verdict; canary-arrives judges the short event.
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
  });

  it('dropped in the SIEM: whole on the WEC; Elasticsearch holds the short event, never the long one', async () => {
    const { doc } = await plant('write-eventlog-51-long.json', {
      longCanary: true,
      maxWait: 0.5,
      siem: (log) =>
        serve((marker) =>
          marker.endsWith('-2')
            ? product('elasticsearch/canary-search-empty.json')
            : product('elasticsearch/winlogbeat-canary-hit.json').replaceAll('__MARKER__', marker),
        ),
    });
    const long = longOf(doc)!;
    expect(long).toMatchObject({ arrived: true, whole: true, dropped_at: 'siem', siem: { arrived: false } });
    expect(long.cut_at).toBeUndefined();
    const f = evaluate('windows.eventfwd.canary-whole', doc);
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(/whole on col, but not in SIEM siem where the short event is: dropped there/);
  });

  it('whole on the WEC, neither event in the SIEM: whether it arrives whole there is unknown, not a pass', async () => {
    const { doc } = await plant('write-eventlog-51-long.json', {
      longCanary: true,
      maxWait: 0.5,
      siem: () => serve(() => product('elasticsearch/canary-search-empty.json')),
    });
    const long = longOf(doc)!;
    expect(long).toMatchObject({ arrived: true, whole: true, siem: { arrived: false } });
    expect(long.dropped_at).toBeUndefined();
    const f = evaluate('windows.eventfwd.canary-whole', doc);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/not found in SIEM siem, where the short event is not either: whether it arrives/);
    // The short event's absence is canary-in-siem's failure.
    expect(evaluate('windows.eventfwd.canary-in-siem', doc).status).toBe('fail');
  });

  it('PowerShell 7 (eventcreate): the long canary is not written and the check says so, inconclusive', async () => {
    const { doc, sent } = await plant('eventcreate-ps7-long.json', { longCanary: true });
    expect(doc.canaries.map((c) => c.name)).toEqual(['short']);
    expect(doc.long_not_written).toMatch(
      /^eventcreate \(PowerShell 7 has no Write-EventLog; eventcreate is given only/,
    );
    // eventcreate is given the short text only: the long one never reaches its command line.
    expect(sent).toContain('/D $socreadyMessage 2>&1');
    expect(sent).not.toContain('/D $socreadyLongMessage');
    const f = evaluate('windows.eventfwd.canary-whole', doc);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/^long canary \(20000 characters\) not written: eventcreate \(PowerShell 7/);
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
  });

  it('Write-EventLog refusing the long text leaves the short event written, long verdict inconclusive', async () => {
    const { doc } = await plant('write-eventlog-51-long-refused.json', { longCanary: 30_000 });
    expect(doc.canaries.map((c) => [c.name, c.planted])).toEqual([['short', true]]);
    expect(doc.long_not_written).toBe('The parameter is incorrect');
    expect(evaluate('windows.eventfwd.canary-whole', doc).status).toBe('inconclusive');
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
  });

  it('without long_canary nothing long is written and the check does not apply', async () => {
    const { doc, sent } = await plant('write-eventlog-51.json');
    expect(doc.canaries.map((c) => c.name)).toEqual(['short']);
    expect(doc.long_requested_chars).toBeUndefined();
    expect(sent).not.toContain('socreadyLongMessage');
    expect(evaluate('windows.eventfwd.canary-whole', doc).status).toBe('not-applicable');
  });
});
