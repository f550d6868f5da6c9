// One contract for every check of every platform folder (linux, windows, web, products and any folder to come):
// references resolve, fact paths are facts the parser declares, ATT&CK ids are live in the shipped catalog, both
// languages are written, and every probe is read-only by what its declared kind allows.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildCollectionScript } from '../../../src/transport/pwsh-script.js';
import { describe, expect, it } from 'vitest';
import { SHIPPED_CATALOG } from '../../../src/attack/catalog.js';
import { checkFolders, loadCatalog } from '../../../src/checks/catalog.js';
import { searchAllowed } from '../../../src/collect/api-source.js';
import { factPaths } from '../../../src/checks/condition.js';
import type { ProbeDef } from '../../../src/checks/types.js';
import { declaresFact } from '../../../src/parsers/define.js';
import { PARSER_INDEX, PARSER_MODULES } from '../../../src/parsers/index.js';
import { CHECKS_DIR } from '../../../src/paths.js';
import { PRODUCTS } from '../../../src/products/index.js';
import { DATABASE_PARSERS, DATABASE_PRODUCTS } from '../../../src/database/products.js';

const catalog = loadCatalog();
const probes = [...catalog.probes.values()];
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

interface AttackCatalog {
  techniques: { id: string; deprecated: boolean; revoked: boolean }[];
  data_components: { name: string; deprecated: boolean; revoked: boolean }[];
}

/** What a probe of each kind may do; anything that writes, reloads, signals or changes state is refused. */
const SH_WRITES = new RegExp(
  String.raw`\brm\b|\bmv\b|\bcp\b|\btee\b|>\s*\/(?!dev\/null)|>>|\bauditctl\s+-[DRaAwWedfbr]\b|` +
    String.raw`\bsystemctl\s+(start|stop|restart|reload|enable|disable|mask)\b|` +
    String.raw`\bservice\s+\S+\s+(start|stop|restart|reload)\b|\bkill(all)?\b|` +
    String.raw`augenrules\s+--load|\bsed\s+-i\b|\b(nginx|squid)\s+-s\b|\bapache2ctl\s+(-k\s+)?(graceful|` +
    String.raw`restart|stop|start)\b|\bsquid\s+-k\s+(reconfigure|shutdown|` +
    String.raw`kill|rotate)\b`,
);
const PS_WRITES = new RegExp(
  String.raw`\b(Set|New|Remove|Clear|Stop|Start|Restart|Disable|Enable|Register|` +
    'Unregister|Install|Uninstall|Add|Rename|Move|Copy|Write|Out-File|' +
    String.raw`Invoke-WebRequest|Invoke-RestMethod)-[A-Z]\w*|\bauditpol\s+\/set\b|` +
    String.raw`\bwevtutil\s+(sl|set-log|cl|clear-log)\b|\bsc(\.exe)?\s+(config|` +
    String.raw`stop|start|delete)\b|\breg(\.exe)?\s+(add|delete|import)\b`,
  'i',
);

function readOnlyProblem(p: ProbeDef): string | undefined {
  switch (p.kind) {
    case 'command':
      if (p.platform === 'windows')
        return PS_WRITES.test(p.command!) ? 'PowerShell command that changes state' : undefined;
      return SH_WRITES.test(p.command!) ? 'shell command that writes, reloads or signals' : undefined;
    case 'file':
    case 'glob':
      // Export probes read the files the inventory lists (src/collect/export-source.ts); their path names the command.
      if (p.platform === 'export') return p.products?.length ? undefined : 'export probe without products';
      return p.path!.startsWith('/') ? undefined : 'file and glob probes read absolute paths only';
    case 'http':
      // POST only to a read-only search endpoint every product it is asked of allows (SEARCH_ENDPOINTS).
      if (p.method === 'POST')
        return p.body &&
          (p.products ?? []).length > 0 &&
          p.products!.every((product) => searchAllowed(product, p.path!.split('?')[0]!))
          ? undefined
          : `POST ${p.path} is not a read-only search endpoint of ${(p.products ?? []).join(', ') || 'any product'}`;
      return ['GET', 'HEAD'].includes(p.method ?? 'GET') ? undefined : `http method ${p.method}`;
    case 'query':
      // One read-only statement: SELECT or SHOW, nothing chained (the schema says the same; this is the contract).
      return /^(SELECT|SHOW) [^;]*$/.test(p.query ?? '') &&
        !/\b(INTO\s+OUTFILE|INTO\s+DUMPFILE|FOR\s+UPDATE|pg_read_file|lo_import|dblink)\b/i.test(p.query ?? '')
        ? undefined
        : 'query that is not one plain SELECT/SHOW';
    case 'live':
      // A live probe that sends something the server logs must say so, so it runs only with --active.
      if (p.active === undefined) return 'live probe without `active`';
      // The log sample only reads the server's logs on its host (sizes, a bounded tail): nothing is sent to it.
      return p.live === 'tls-handshake' || p.live === 'log-sample' || p.active
        ? undefined
        : `live probe ${p.live} sends traffic but is not marked active`;
  }
}

describe('the check catalog, every platform folder', () => {
  it('loads every check folder with no problem, and each folder holds checks', () => {
    expect(catalog.problems.map((p) => p.message)).toEqual([]);
    for (const folder of checkFolders(CHECKS_DIR))
      expect(
        catalog.checks.some((c) => c.file!.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
  });

  it('names probes that exist and that its parser reads, and only facts its parser declares', () => {
    for (const check of catalog.checks) {
      const parser = PARSER_INDEX.get(check.parser);
      expect(parser, `${check.id}: parser ${check.parser}`).toBeDefined();
      for (const p of check.probes) {
        expect(catalog.probes.has(p), `${check.id}: probe ${p}`).toBe(true);
        expect(parser!.probes, `${check.id}: ${check.parser} reads ${p}`).toContain(p);
      }
      for (const cond of [check.condition, check.applies_if, check.warn_if, check.inconclusive_if]) {
        for (const path of factPaths(cond)) expect(declaresFact(parser!, path), `${check.id}: fact ${path}`).toBe(true);
      }
      if (check.explain)
        expect(declaresFact(parser!, check.explain), `${check.id}: explain ${check.explain}`).toBe(true);
    }
  });

  it('registers parsers that read existing probes, each used by some check', () => {
    for (const parser of PARSER_MODULES) {
      for (const p of parser.probes) expect(catalog.probes.has(p), `${parser.name}: probe ${p}`).toBe(true);
      expect(
        catalog.checks.some((c) => c.parser === parser.name),
        `${parser.name} is used by a check`,
      ).toBe(true);
    }
  });

  it('maps only ATT&CK techniques and data components that are live in the shipped ATT&CK catalog', () => {
    const attack = JSON.parse(readFileSync(SHIPPED_CATALOG, 'utf8')) as AttackCatalog;
    const live = new Set(attack.techniques.filter((t) => !t.revoked && !t.deprecated).map((t) => t.id));
    const components = new Set(attack.data_components.filter((d) => !d.revoked && !d.deprecated).map((d) => d.name));
    for (const check of catalog.checks) {
      expect(
        (check.maps.attack?.length ?? 0) + (check.maps.owasp?.length ?? 0),
        `${check.id} maps to ATT&CK or OWASP`,
      ).toBeGreaterThan(0);
      for (const t of check.maps.attack ?? []) expect(live.has(t), `${check.id}: ${t}`).toBe(true);
      for (const d of check.maps.data_components ?? []) expect(components.has(d), `${check.id}: ${d}`).toBe(true);
    }
  });

  it('writes every text in English and Japanese', () => {
    for (const check of catalog.checks) {
      const texts = {
        title: check.title,
        rationale: check.rationale,
        remediation: check.remediation,
        ...((check as { fail_title?: typeof check.title }).fail_title
          ? { fail_title: (check as { fail_title?: typeof check.title }).fail_title! }
          : {}),
      };
      for (const [field, text] of Object.entries(texts)) {
        expect(text.en.trim().length, `${check.id}.${field}.en`).toBeGreaterThan(0);
        expect(JAPANESE.test(text.ja), `${check.id}.${field}.ja`).toBe(true);
      }
    }
  });

  it('keeps every probe read-only by what its declared kind allows', () => {
    expect(probes.map((p) => [p.id, readOnlyProblem(p)]).filter(([, problem]) => problem)).toEqual([]);
    expect(probes.filter((p) => p.kind === 'live' && !p.active).map((p) => p.live)).toEqual([
      'tls-handshake',
      'log-sample',
    ]);
  });

  it('writes every POSIX command probe (linux, web) in sh syntax', () => {
    for (const probe of probes.filter(
      (p) => p.kind === 'command' && p.platform !== 'windows' && p.shell !== 'powershell',
    )) {
      const r = spawnSync('sh', ['-n', '-c', probe.command!], { encoding: 'utf8' });
      expect(r.stderr, probe.id).toBe('');
    }
  });

  it('keeps every PowerShell database probe within the collection script rules (read-only, no exit)', () => {
    const ps = probes.filter((p) => p.shell === 'powershell');
    expect(ps.map((p) => p.id)).toContain('mssql-login-audit-level');
    for (const p of ps) expect(() => buildCollectionScript([{ id: p.id, script: p.command! }]), p.id).not.toThrow();
  });

  it('has a product module for every product the probes are asked of, offering exactly those probes', () => {
    // API products; database products (platform database) have their own modules, checked below.
    // Exported-configuration products (platform export) have theirs in src/products/exports.ts (exports.test.ts).
    const api = probes.filter((p) => p.platform !== 'database' && p.platform !== 'export');
    const named = new Set(api.flatMap((p) => p.products ?? []));
    expect(PRODUCTS.map((p) => p.name).sort()).toEqual([...named].sort());
    for (const product of PRODUCTS) {
      const offered = api.filter((p) => p.products?.includes(product.name)).map((p) => p.id);
      expect([...product.probes].sort(), product.name).toEqual(offered.sort());
      for (const parser of product.parsers)
        expect(PARSER_INDEX.get(parser.name), `${product.name}: ${parser.name}`).toBe(parser);
    }
  });
});

describe('database probes', () => {
  it('name only products with a database module, whose parsers are registered', () => {
    const named = new Set(probes.filter((p) => p.platform === 'database').flatMap((p) => p.products ?? []));
    expect([...named].sort()).toEqual(Object.keys(DATABASE_PRODUCTS).sort());
    for (const parser of DATABASE_PARSERS) expect(PARSER_INDEX.get(parser.name)).toBe(parser);
  });
});

describe('the contract catches what it promises to', () => {
  it('flags a writing command, a state-changing http method and an unmarked live probe', () => {
    expect(
      readOnlyProblem({ id: 'x', platform: 'linux', kind: 'command', command: 'systemctl restart auditd' }),
    ).toBeDefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'windows', kind: 'command', command: 'auditpol /set /category:*' }),
    ).toBeDefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'windows', kind: 'command', command: 'Set-ItemProperty -Path HKLM:\\x' }),
    ).toBeDefined();
    expect(readOnlyProblem({ id: 'x', platform: 'api', kind: 'http', path: '/', method: 'POST' })).toBeDefined();
    // A POST to a path that is not one of the product's read-only searches, or one without its body, is refused.
    const post = {
      id: 'x',
      platform: 'api',
      kind: 'http',
      method: 'POST',
      body: '{}',
      products: ['opensearch'],
    } as const;
    expect(
      readOnlyProblem({ ...post, path: '/_plugins/_security_analytics/detectors', products: ['opensearch'] }),
    ).toBeDefined();
    expect(
      readOnlyProblem({ ...post, path: '/_plugins/_security_analytics/rules/_search', products: ['wazuh'] }),
    ).toBeDefined();
    const { body: _none, ...noBody } = post;
    expect(
      readOnlyProblem({ ...noBody, path: '/_plugins/_security_analytics/rules/_search', products: ['opensearch'] }),
    ).toBeDefined();
    expect(
      readOnlyProblem({
        ...post,
        path: '/_plugins/_security_analytics/rules/_search?pre_packaged=true',
        products: ['opensearch'],
      }),
    ).toBeUndefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'web', kind: 'live', live: 'body-canary', active: false }),
    ).toBeDefined();
    expect(readOnlyProblem({ id: 'x', platform: 'linux', kind: 'command', command: 'auditctl -l' })).toBeUndefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'database', kind: 'query', query: 'SELECT 1; DROP TABLE t' }),
    ).toBeDefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'database', kind: 'query', query: "SELECT * FROM t INTO OUTFILE '/tmp/x'" }),
    ).toBeDefined();
    expect(
      readOnlyProblem({ id: 'x', platform: 'database', kind: 'query', query: 'SET GLOBAL general_log = 1' }),
    ).toBeDefined();
    expect(
      readOnlyProblem({
        id: 'x',
        platform: 'database',
        kind: 'query',
        query: "SHOW GLOBAL VARIABLES LIKE 'server_audit%'",
      }),
    ).toBeUndefined();
  });
});
