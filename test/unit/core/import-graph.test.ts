import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  duplicateExports,
  findCycles,
  type ImportGraph,
  importSpecifiers,
  type Layering,
  layeringViolations,
  readImportGraph,
} from '../../helpers/import-graph.js';
import { REPO_ROOT } from '../../helpers/paths.js';

/**
 * Which top-level parts of src/ may import which, from the bottom up: a module imports its own layer and the ones
 * below. Data flows inventory → collect → evaluate → analyse → score → render; the per-target path in collect/ runs
 * the evaluator, so collect/ sits above checks/ and parsers/ (which never reach back into collect/). The web live
 * probes (HTTP, TLS handshake, canary, log search) are ways of reaching a target, beside transport/. The log-source
 * catalog is an input (the inventory's estate is checked against it); the source map built from it is an analysis.
 */
const LAYERS: Layering = [
  { name: 'base', members: ['model', 'paths', 'version', 'util'] },
  {
    name: 'inputs',
    members: [
      'transport',
      'web/http',
      'web/tls',
      'web/logs',
      'web/canary',
      'inventory',
      'questionnaire',
      'attack',
      'rules',
      'sigma',
      'sources/catalog',
      'cost/tables',
      'cost/timestamps',
      'cost/basis',
      'cost/logstat',
      'cost/web-sample',
    ],
  },
  {
    name: 'evaluate',
    members: [
      'parsers',
      'products',
      'database/products',
      'checks',
      'cost/linux-volume',
      'cost/web-volume',
      'cost/windows-volume',
      'cost/database-volume',
      'cost/parsers',
      'cost/siem-volume',
      // The SIEM-limit parsers (Splunk licence log, disk headroom, security retention) and their name table.
      'cost/security-sources',
      'cost/splunk-ingest',
      'cost/es-headroom',
      'cost/security-retention',
    ],
  },
  { name: 'collect', members: ['collect', 'web', 'database'] },
  { name: 'analyse', members: ['coverage', 'detect', 'playbook', 'sources', 'pushdown', 'sensors', 'cost'] },
  { name: 'score', members: ['score'] },
  { name: 'render', members: ['report', 'summary'] },
  { name: 'run', members: ['scan', 'analyse', 'run-outputs', 'shard'] },
  { name: 'entry', members: ['commands', 'program', 'cli'] },
];

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the import graph of src/', () => {
  const graph = readImportGraph(join(REPO_ROOT, 'src'));

  it('reads every module of src/ with its relative imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('scan.ts')).toContain('analyse.ts');
  });

  it('has no import cycle', () => {
    const cycles = findCycles(graph).map((c) => c.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('imports only downwards through the declared layers', () => {
    const violations = layeringViolations(graph, LAYERS);
    expect(violations, violations.join('\n')).toEqual([]);
  });
});

/**
 * Same-named exports that are different things (each command's `register`, two condition languages), or known
 * duplicates left for their owners (report/i18n.ts and report/formats/locale.ts both format dates and numbers).
 * A name added here needs a reason; a second levelName or glob-to-regex is what this test is for.
 */
const SAME_NAME_DIFFERENT_THINGS = new Set([
  'register',
  'parseCondition',
  'evaluate',
  'loadRules',
  'loadCatalog',
  'ReadOptions',
  'Outputs',
  'LogSource',
  'GateOptions',
  'blindSources',
  'durationMs',
  'severityRank',
  'expandHome',
  'formatDate',
  'formatNumber',
  'formatPercent',
]);

describe('exported names of src/', () => {
  it('declares each exported helper, label table and type in one module only', () => {
    const dupes = [...duplicateExports(join(REPO_ROOT, 'src'))].filter(
      ([name]) => !SAME_NAME_DIFFERENT_THINGS.has(name),
    );
    expect(dupes.map(([name, files]) => `${name}: ${files.join(', ')}`)).toEqual([]);
  });
});

describe('the cycle and layering checker', () => {
  it('finds a cycle and prints it as a path that closes on its first module', () => {
    const cycles = findCycles(graphOf({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts', 'd.ts'], 'd.ts': [] }));
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('finds a module that imports itself and each of two separate cycles', () => {
    const cycles = findCycles(
      graphOf({ 'a.ts': ['a.ts'], 'x/b.ts': ['x/c.ts'], 'x/c.ts': ['x/b.ts'], 'd.ts': ['x/b.ts'] }),
    );
    expect(cycles).toEqual(
      expect.arrayContaining([
        ['a.ts', 'a.ts'],
        ['x/b.ts', 'x/c.ts', 'x/b.ts'],
      ]),
    );
    expect(cycles).toHaveLength(2);
  });

  it('reports no cycle in a graph that only shares dependencies (a diamond)', () => {
    expect(findCycles(graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['d.ts'], 'c.ts': ['d.ts'], 'd.ts': [] }))).toEqual(
      [],
    );
  });

  it('places a module named in a layer there, before its folder', () => {
    const layers: Layering = [
      { name: 'low', members: ['web/http'] },
      { name: 'high', members: ['web'] },
    ];
    const graph = graphOf({ 'web/http.ts': ['web/scan.ts'], 'web/scan.ts': ['web/http.ts'] });
    expect(layeringViolations(graph, layers)).toEqual(['web/http.ts (low) imports web/scan.ts (high), a higher layer']);
  });

  it('reports an import from a higher layer and a folder that no layer names', () => {
    const layers: Layering = [
      { name: 'low', members: ['util'] },
      { name: 'high', members: ['collect'] },
    ];
    const graph = graphOf({
      'util/progress.ts': ['collect/assess.ts'],
      'collect/assess.ts': ['util/pool.ts'],
      'util/pool.ts': [],
      'stray/x.ts': [],
    });
    expect(layeringViolations(graph, layers)).toEqual([
      'util/progress.ts (low) imports collect/assess.ts (high), a higher layer',
      'stray/x.ts belongs to no declared layer',
    ]);
  });

  it('reads imports, type imports, re-exports, side-effect imports and import() types, and skips packages', () => {
    const source = [
      'import { a,',
      "  b } from './a.js';",
      "import type { T } from '../t.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "import YAML from 'yaml';",
      "import { x } from 'node:fs';",
      "let n: import('./f.js').N;",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['../t.js', './a.js', './c.js', './d.js', './e.js', './f.js']);
  });

  describe('on a tree of files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-graph-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };

    it('resolves .js specifiers to the .ts sources and fails on the cycle they form', () => {
      write('analyse.ts', "import type { ScanOptions } from './scan.js';\nexport const x = 1;\n");
      write('scan.ts', "import { x } from './analyse.js';\nexport interface ScanOptions { n: number }\n");
      write('util/a.ts', "export * from '../scan.js';\n");
      const graph = readImportGraph(dir);
      expect(graph.get('util/a.ts')).toEqual(['scan.ts']);
      expect(findCycles(graph)).toEqual([['analyse.ts', 'scan.ts', 'analyse.ts']]);
    });

    it('names the module whose import resolves to no file', () => {
      write('broken/b.ts', "import { y } from './missing.js';\n");
      expect(() => readImportGraph(dir)).toThrow("broken/b.ts: import './missing.js' resolves to no file");
    });
  });
});
