// The database canary followed to where the host forwards: a real PostgreSQL 15 + pgaudit writes it, a real rsyslog
// sender ships the log file (imfile) to a real collector on loopback, and an Elasticsearch contract server (the
// documented _search answers, test/fixtures/products) holds it once the collector has it, as an indexer fed by the
// collector would. The SIEM requests go through the real API source: GET only, no body.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { evaluateCheck } from '../../src/checks/evaluate.js';
import { markerLine } from '../../src/database/arrival.js';
import { DatabaseProbeSource } from '../../src/database/source.js';
import type { DbCanaryDocument } from '../../src/parsers/database/canary.js';
import type { Finding, Target } from '../../src/model.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { haveDatabases, type PgInstance, RO_PASSWORD, startPostgres } from '../helpers/databases.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { type RsyslogPair, rsyslogAvailable, startRsyslogPair } from '../helpers/rsyslog.js';

const catalog = loadCatalog();
const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', 'elasticsearch', p), 'utf8');

describe('markerLine', () => {
  it('markerLine finds the line and file of a marker, and not a longer marker that starts with it', () => {
    const out =
      "==> /c/remote.log <==\nx postgres: AUDIT: SESSION,1,1,READ,SELECT,,,SELECT 'socready-canary-a-1',<n>\n";
    expect(markerLine(out, 'socready-canary-a-1')).toEqual({
      where: '/c/remote.log',
      line: "x postgres: AUDIT: SESSION,1,1,READ,SELECT,,,SELECT 'socready-canary-a-1',<n>",
    });
    expect(markerLine(out, 'socready-canary-a')).toBeUndefined();
    // A forwarded event 33205 (one line per event on a WEC): the statement comes late, and the marker is kept.
    const event = `90211 2026-12-03T10:15:03Z WIN-SQL01 Audit event: ${'x:y '.repeat(300)}statement:SELECT 'm-1' a:b`;
    const long = markerLine(`==> ForwardedEvents <==\r\n${event}\r\n`, 'm-1')!;
    expect(long.where).toBe('ForwardedEvents');
    expect(long.line.startsWith('90211 2026-12-03T10:15:03Z WIN-SQL01 Audit event: ')).toBe(true);
    expect(long.line).toContain("statement:SELECT 'm-1' a:b");
    expect(long.line.length).toBeLessThan(420);
  });
});

describe.skipIf(!haveDatabases() || !rsyslogAvailable)(
  'database canary: written, then arrived at the collector and the SIEM',
  () => {
    let pg: PgInstance;
    let pair: RsyslogPair;
    let server: Server | undefined;
    const seen: { method: string; url: string; bodyBytes: number }[] = [];

    beforeAll(async () => {
      pg = await startPostgres({
        shared_preload_libraries: `'pgaudit'`,
        'pgaudit.log': `'read,write,ddl,role'`,
        log_line_prefix: `'%m [%p] %u@%d %h %c '`,
      });
      pair = await startRsyslogPair({ files: [{ path: `${pg.logDir}/postgresql.log`, tag: 'postgres:' }] });
    }, 60_000);
    afterAll(async () => {
      pg?.stop();
      await pair?.stop();
    });
    afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

    /** An Elasticsearch that holds whatever the collector holds (`indexes: false`: an index nothing feeds). */
    async function elasticsearch(indexes: boolean): Promise<string> {
      server = createServer((req, res) => {
        let bytes = 0;
        req.on('data', (c: Buffer) => (bytes += c.length));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, bodyBytes: bytes });
          res.writeHead(200, { 'content-type': 'application/json' });
          if (req.url === '/') return res.end(fixture('root.json'));
          const q = new URL(req.url!, 'http://x').searchParams.get('q') ?? '';
          const marker = /"(socready-canary-[\w-]+)"/.exec(q)?.[1] ?? '';
          const held = indexes && marker !== '' && readFileSync(pair.collectorLog, 'utf8').includes(marker);
          res.end(
            held
              ? fixture('db-canary-search-hit.json').replaceAll('__MARKER__', marker)
              : fixture('canary-search-empty.json'),
          );
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
    }

    async function run(siemUrl: string): Promise<{ finding: Finding; doc: DbCanaryDocument }> {
      const target: Target = {
        id: 'pg-fwd',
        kind: 'database',
        address: '127.0.0.1',
        tags: [],
        transport: 'local',
        database: { product: 'postgresql', host: 'db-host', user: 'socready_ro', password_env: 'PW', port: pg.port },
      };
      const siem: Target = {
        id: 'siem',
        kind: 'siem',
        address: '127.0.0.1',
        tags: [],
        transport: 'http',
        api: { url: siemUrl, product: 'elasticsearch', token_env: 'SIEM_TOKEN' },
      };
      const source = new DatabaseProbeSource(target, {
        hostTransport: createLocalTransport(),
        active: true,
        runId: 'arrival',
        logWaitMs: 5000,
        pollMs: 100,
        env: { PW: RO_PASSWORD },
        arrival: {
          collectorId: 'collector',
          collectorPaths: [pair.collectorLog],
          collector: createLocalTransport(),
          siem: {
            id: 'siem',
            product: 'elasticsearch',
            index: 'logs-postgresql*',
            source: new ApiProbeSource(siem, { env: { SIEM_TOKEN: 'auditor:s3cret-pass' } }),
          },
          maxWaitMs: 4000,
          pollMs: 100,
        },
      });
      const probes = ['pg-settings', 'pg-role-settings', 'pg-config-files', 'db-canary'].map(
        (id) => catalog.probes.get(id)!,
      );
      expect(await source.open()).toBeUndefined();
      try {
        const outputs = Object.fromEntries(await source.collectAll(probes));
        const check = catalog.checks.find((c) => c.id === 'database.postgresql.canary-arrived')!;
        const finding = evaluateCheck(check, outputs, { targetId: 'pg-fwd', kind: 'database' });
        return { finding, doc: outputs['db-canary']!.data as DbCanaryDocument };
      } finally {
        await source.close();
      }
    }

    it('passes with where and how long: server log, collector file, then the SIEM with its fields', async () => {
      const { finding, doc } = await run(await elasticsearch(true));
      expect(finding.status, finding.reason).toBe('pass');
      expect(finding.reason).toMatch(
        new RegExp(
          'written in .*postgresql\\.log after \\d+ ms; arrived on collector in .*remote\\.log after \\d+ ms; ' +
            'in SIEM siem after \\d+ ms \\(fields: .*postgresql\\.log\\.query',
        ),
      );
      expect(doc.arrival!.line).toContain(`SELECT '${doc.marker}'`);
      // A measured figure within the stated wait (not a speed assertion: a loaded runner is slower).
      expect(doc.arrival!.latency_ms).toBeGreaterThanOrEqual(0);
      expect(doc.arrival!.latency_ms).toBeLessThanOrEqual(doc.arrival!.max_wait_ms);
      const searches = seen.filter((r) => r.url.includes('_search'));
      expect(searches.length).toBeGreaterThanOrEqual(1);
      expect(seen.every((r) => r.method === 'GET' && r.bodyBytes === 0)).toBe(true);
      expect(searches[0]!.url).toMatch(/^\/logs-postgresql\*\/_search\?size=5&.*q=%22socready-canary-arrival-pg-fwd-/);
      expect(JSON.stringify(doc)).not.toContain('s3cret-pass');
    }, 60_000);

    it('fails when the collector has it but the SIEM index never does: the last stop decides', async () => {
      const { finding } = await run(await elasticsearch(false));
      expect(finding.status).toBe('fail');
      expect(finding.reason).toMatch(
        /arrived on collector in .*remote\.log after \d+ ms; not found in SIEM siem \(\d+ searches\)/,
      );
    }, 60_000);
  },
);
