// The Windows host canary end to end, with doubles only at the I/O edges (no PowerShell and no SIEM run here): the
// host is socready's real PowerShell transport driving a stand-in executable (test/fixtures/pwsh/fake-pwsh.mjs) that
// answers the canary write and the Get-WinEvent read-back in the documented shapes (Write-EventLog on Windows
// PowerShell 5.1, eventcreate's SUCCESS / "ERROR: Access denied" lines on PowerShell 7, an unregistered source); the
// Windows Event Collector is a transport double that shows what the host wrote in the forwarded-events read's format;
// the SIEM is a local HTTP server answering Elasticsearch `_search` (Winlogbeat fields) and Splunk's search export
// (WinEventLog:Application) through the real API source.
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
import type { Target, TransportError } from '../../src/model.js';
import { createPowerShellTransport } from '../../src/transport/powershell.js';
import { eventLogTailScript } from '../../src/transport/pwsh-canary.js';
import { buildCollectionScript } from '../../src/transport/pwsh-script.js';
import type { Transport } from '../../src/transport/types.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { FAKE_PWSH, ok, product, WINDOWS_CANARY_PROBE } from '../helpers/windows-canary.js';

const catalog = loadCatalog();
const MARKER = /socready-canary-r1-win1-[0-9a-f]{8}-1/;

let dir: string;
let server: Server | undefined;
beforeAll(() => {
  chmodSync(FAKE_PWSH, 0o755);
  dir = mkdtempSync(join(tmpdir(), 'socready-wincanary-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A SIEM impersonation: the API root, then every search answered by `search` with the request's marker filled in. */
async function siem(
  search: (marker: string) => { status: number; body: string },
): Promise<{ url: string; n: () => number }> {
  let searches = 0;
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const q = `${u.searchParams.get('q') ?? ''} ${u.searchParams.get('search') ?? ''}`;
    const marker = MARKER.exec(q)?.[0] ?? '';
    const a = req.url === '/' ? { status: 200, body: product('elasticsearch/root.json') } : search(marker);
    if (req.url !== '/') searches++;
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body.replaceAll('__MARKER__', marker));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}`, n: () => searches };
}

/** The scripts the fake PowerShell ran (its log), to find the planted marker and check what was sent. */
const scriptsOf = (log: string) => {
  try {
    return readFileSync(log, 'utf8');
  } catch {
    return '';
  }
};

/**
 * A Windows Event Collector double: its ForwardedEvents read shows the host's event after `afterReads` reads;
 * `fail` makes it unreachable (open) or its read answer an error (a missing channel).
 */
function wec(
  hostLog: string,
  afterReads = 0,
  fail?: { open?: string; read?: TransportError },
): { collector: Transport; commands: string[] } {
  const commands: string[] = [];
  const collector: Transport = {
    name: 'fake-wec',
    open: async () => (fail?.open ? { kind: 'unreachable', message: fail.open } : undefined),
    run: async (command: string) => {
      // Whatever reaches a collector must pass the read-only tripwire like any probe.
      buildCollectionScript([{ id: 'run', script: command }]);
      commands.push(command);
      if (fail?.read) return { ...ok(''), exitCode: 1, error: fail.read };
      const marker = MARKER.exec(scriptsOf(hostLog))?.[0];
      const line =
        marker && commands.length > afterReads
          ? `48213 2026-12-03T11:00:01.0200000Z WIN-JP01.corp.example ${marker} windows canary ${marker}-END\n`
          : '';
      return ok(`==> ForwardedEvents <==\n${line}`);
    },
    readFile: async () => ok(''),
    describe: async () => ({ platform: 'windows' }),
    close: async () => undefined,
  };
  return { collector, commands };
}

async function plant(
  fixture: string,
  o: {
    siemProduct?: string;
    siemUrl?: string;
    wecAfterReads?: number;
    maxWait?: number;
    wecFails?: { open?: string; read?: TransportError };
  } = {},
): Promise<{ doc: HostCanaryDocument; sent: string; collectorCommands: string[] }> {
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
  const { collector, commands } = wec(log, o.wecAfterReads, o.wecFails);
  const siemTarget: Target = {
    id: 'siem',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url: o.siemUrl ?? 'http://127.0.0.1:9', product: o.siemProduct ?? 'elasticsearch', token_env: 'T' },
  };
  const plan: WindowsCanaryPlan = {
    active: true,
    runId: 'r1',
    targetId: 'win1',
    settings: { collector: 'wec', max_wait: o.maxWait ?? 2 },
    collectorId: 'wec',
    collectorPaths: ['ForwardedEvents'],
    collectorCommand: eventLogTailScript(['ForwardedEvents']),
    collector,
    ...(o.siemUrl
      ? {
          siem: {
            id: 'siem',
            product: o.siemProduct ?? 'elasticsearch',
            source: new ApiProbeSource(siemTarget, { env: { T: 'auditor:s3cret-pass' } }),
          },
        }
      : {}),
  };
  const source = new PowerShellProbeSource(transport, { canary: plan });
  try {
    expect(source.plans(WINDOWS_CANARY_PROBE)).toBe(true);
    const r = await source.collect(WINDOWS_CANARY_PROBE);
    expect(r.error).toBeUndefined();
    expect(r.stdout).not.toContain('s3cret-pass');
    return { doc: r.data as HostCanaryDocument, sent: scriptsOf(log), collectorCommands: commands };
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

describe('Windows host canary (PowerShell path, fixture-tested)', () => {
  it('PowerShell 5.1: Write-EventLog, read back with its record id, then found on the WEC and in ES', async () => {
    const es = await siem(() => ({ status: 200, body: product('elasticsearch/winlogbeat-canary-hit.json') }));
    const { doc, sent, collectorCommands } = await plant('write-eventlog-51.json', { siemUrl: es.url });
    const c = doc.canaries[0]!;
    expect(doc.canaries).toHaveLength(1);
    expect(c.marker).toMatch(MARKER);
    expect(c).toMatchObject({
      planted: true,
      seen_locally: true,
      arrived: true,
      where: 'ForwardedEvents',
      whole: true,
      local_event: {
        log: 'Application',
        provider: 'socready',
        event_id: 100,
        record_id: 48213,
        time_created: '2026-12-03T11:00:00.2100000Z',
        written_by: 'Write-EventLog',
      },
      siem: { target: 'siem', arrived: true },
    });
    expect(c.latency_ms).toBeGreaterThanOrEqual(0);
    expect(c.siem!.fields).toEqual(expect.arrayContaining(['winlog.event_id', 'winlog.record_id', 'winlog.channel']));
    expect(c.summary).toMatch(/written by Write-EventLog as Application event 100 record 48213 .*arrived on wec/);
    // What reached the host: the write (5.1 branch and the eventcreate fallback, never a source registration) and
    // the read-back by the marker; the collector was read with the forwarded-events script.
    expect(sent).toContain('Write-EventLog -LogName Application -Source $socreadySource -EventId 100');
    expect(sent).toContain('eventcreate.exe /L APPLICATION /T INFORMATION /SO $socreadySource /ID 100');
    expect(sent).not.toMatch(/New-EventLog|CreateEventSource/);
    expect(sent).toContain('Get-WinEvent -FilterHashtable $socreadyFilter');
    expect(collectorCommands[0]).toContain("foreach ($socreadyLog in @('ForwardedEvents'))");
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('pass');
    expect(evaluate('windows.eventfwd.canary-in-siem', doc).status).toBe('pass');
  });

  it('PowerShell 7: eventcreate writes it; Splunk finds it under WinEventLog:Application with its fields', async () => {
    const splunk = await siem(() => ({ status: 200, body: product('splunk/wineventlog-canary-export.ndjson') }));
    const { doc } = await plant('eventcreate-ps7.json', { siemUrl: splunk.url, siemProduct: 'splunk' });
    const c = doc.canaries[0]!;
    expect(c.local_event?.written_by).toBe('eventcreate');
    expect(c.last_seen).toBe('collector:ForwardedEvents');
    expect(c.siem).toMatchObject({ arrived: true });
    expect(c.siem!.fields).toEqual(expect.arrayContaining(['EventCode', 'RecordNumber', 'source', 'sourcetype']));
  });

  it('eventcreate "ERROR: Access denied" is not planted: no collector read, inconclusive findings', async () => {
    const { doc, collectorCommands } = await plant('eventcreate-access-denied.json');
    const c = doc.canaries[0]!;
    expect(c).toMatchObject({ planted: false, arrived: false, last_seen: 'not planted', seen_locally: null });
    expect(c.plant_error).toMatch(/^access denied \(eventcreate: ERROR: Access denied\)/);
    expect(collectorCommands).toEqual([]);
    expect(evaluate('windows.eventfwd.canary-arrives', doc).status).toBe('inconclusive');
  });

  it('an unregistered source is reported with the one-time registration, never registered by socready', async () => {
    const { doc } = await plant('source-not-registered.json');
    expect(doc.canaries[0]!.plant_error).toMatch(
      /^source not registered .*eventcreate \/L APPLICATION .*\/SO socready/,
    );
    const denied = await plant('write-eventlog-denied.json');
    expect(denied.doc.canaries[0]!.plant_error).toMatch(/^access denied \(Requested registry access is not allowed/);
  });

  it('written but never forwarded: a fail that says the host holds it and the WEC does not', async () => {
    const { doc, collectorCommands } = await plant('write-eventlog-51.json', { wecAfterReads: 1000, maxWait: 0.3 });
    const c = doc.canaries[0]!;
    expect(c).toMatchObject({
      planted: true,
      seen_locally: true,
      arrived: false,
      last_seen: 'host:Application record 48213',
    });
    expect(collectorCommands.length).toBeGreaterThan(1);
    expect(doc.polls).toBe(collectorCommands.length);
    const f = evaluate('windows.eventfwd.canary-arrives', doc);
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(/record 48213 at \S+; did not arrive on wec within 0.3 s/);
  });

  it('a WEC that cannot be reached, or whose channel is missing: the arrival is inconclusive, not a fail', async () => {
    const unreachable = await plant('write-eventlog-51.json', {
      maxWait: 0.3,
      wecFails: { open: 'WinRM cannot complete the operation (wec.corp.example)' },
    });
    expect(unreachable.collectorCommands).toEqual([]);
    expect(unreachable.doc.collector_read_ok).toBe(false);
    const f = evaluate('windows.eventfwd.canary-arrives', unreachable.doc);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/collector wec: unreachable: WinRM cannot complete the operation/);

    const missing = await plant('write-eventlog-51.json', {
      maxWait: 0.3,
      wecFails: {
        read: { kind: 'other', message: 'There is not an event log on the localhost computer that matches' },
      },
    });
    expect(missing.collectorCommands).toHaveLength(1);
    expect(missing.doc.collector_read_ok).toBe(false);
    const g = evaluate('windows.eventfwd.canary-arrives', missing.doc);
    expect(g.status).toBe('inconclusive');
    expect(g.reason).toMatch(/collector wec: other: There is not an event log/);
  });

  it('written but not in the host log either (exit 0, no event): seen_locally false, a fail', async () => {
    const { doc } = await plant('not-read-back.json', { wecAfterReads: 1000, maxWait: 0.2 });
    expect(doc.canaries[0]).toMatchObject({ planted: true, seen_locally: false, arrived: false });
    expect(doc.canaries[0]!.summary).toContain("not found in the host's own Application log");
  }, 20_000);

  it('a SIEM that refuses the credential (401) leaves the SIEM check inconclusive, after one search', async () => {
    const es = await siem(() => ({ status: 401, body: product('elasticsearch/security-401.json') }));
    const { doc } = await plant('write-eventlog-51.json', { siemUrl: es.url });
    expect(doc.canaries[0]!.siem).toMatchObject({ arrived: false, searches: 1 });
    expect(doc.canaries[0]!.siem!.error).toMatch(/^auth-failed/);
    expect(evaluate('windows.eventfwd.canary-in-siem', doc).status).toBe('inconclusive');
    expect(es.n()).toBe(1);
  });
});
