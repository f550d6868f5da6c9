// CONTRIBUTING.md's worked examples are real files, quoted verbatim by the document and loaded here through the real
// catalog loader and evaluator, so the guide cannot drift from what the code accepts.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graylogInputs } from '../../../docs/examples/contributing/parser.js';
import { graylog } from '../../../docs/examples/contributing/product.js';
import { type Catalog, loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { CHECKS_DIR, PACKAGE_ROOT } from '../../../src/paths.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { fixtureHost } from '../../fixtures/linux/hosts.js';

const EXAMPLES = join(PACKAGE_ROOT, 'docs', 'examples', 'contributing');
const FILES = [
  'checks/linux/sshd-facility.yaml',
  'probes/graylog.yaml',
  'checks/siem/graylog.yaml',
  'parser.ts',
  'product.ts',
  'fixtures/inputstates.json',
];

/** The shipped catalog with the examples added where CONTRIBUTING.md says to put them. */
const root = mkdtempSync(join(tmpdir(), 'socready-contrib-'));
cpSync(CHECKS_DIR, root, { recursive: true });
cpSync(join(EXAMPLES, 'probes', 'graylog.yaml'), join(root, 'probes', 'graylog.yaml'));
cpSync(join(EXAMPLES, 'checks', 'linux', 'sshd-facility.yaml'), join(root, 'linux', 'sshd-facility.yaml'));
cpSync(join(EXAMPLES, 'checks', 'siem'), join(root, 'siem'), { recursive: true });
const catalog: Catalog = loadCatalog(root, [], graylog.parsers);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const answered = (stdout: string): ProbeResult => ({
  stdout,
  stderr: '',
  exitCode: 200,
  truncated: false,
  durationMs: 3,
});

describe('CONTRIBUTING.md worked examples', () => {
  it('quotes every example file verbatim', () => {
    const guide = readFileSync(join(PACKAGE_ROOT, 'CONTRIBUTING.md'), 'utf8');
    for (const file of FILES) expect(guide, file).toContain(readFileSync(join(EXAMPLES, file), 'utf8').trim());
  });

  it('add a check: loads with the shipped probes and parser and decides a real host', () => {
    expect(catalog.problems.map((p) => p.message)).toEqual([]);
    const check = catalog.checks.find((c) => c.id === 'example.sshd.syslog-facility')!;
    expect(check.file).toBe(join('linux', 'sshd-facility.yaml'));
    const outputs = fixtureHost('hardened', catalog.probes.values());
    expect(evaluateCheck(check, outputs, { targetId: 'h', kind: 'linux', parsers: catalog.parsers }).status).toBe(
      'pass',
    );
  });

  it('add a parser: verified by the loader against its declared probes and facts, run by the evaluator', () => {
    const check = catalog.checks.find((c) => c.id === 'example.graylog.inputs-running')!;
    expect(catalog.parsers.get('example-graylog-inputs')).toBe(graylogInputs);
    const fixture = readFileSync(join(EXAMPLES, 'fixtures', 'inputstates.json'), 'utf8');
    const failing = evaluateCheck(
      check,
      { 'graylog-input-states': answered(fixture) },
      { targetId: 'g', kind: 'siem', parsers: catalog.parsers },
    );
    expect(failing.status).toBe('fail');
    const running = fixture.replace('"FAILED"', '"RUNNING"');
    expect(
      evaluateCheck(
        check,
        { 'graylog-input-states': answered(running) },
        { targetId: 'g', kind: 'siem', parsers: catalog.parsers },
      ).status,
    ).toBe('pass');
  });

  it('add a product: identifies itself from its API root and offers probes the catalog has', () => {
    expect(graylog.identify('{"cluster_id":"c","version":"6.1.4","hostname":"gl-01"}')).toEqual({
      os: 'Graylog 6.1.4',
      hostname: 'gl-01',
    });
    expect(graylog.identify('<html>')).toEqual({});
    for (const p of graylog.probes) expect(catalog.probes.has(p), p).toBe(true);
    expect(catalog.probes.get('graylog-input-states')?.products).toEqual(['graylog']);
  });

  it('refuses the parser example once its declared facts no longer cover the check', () => {
    const narrowed = { ...graylogInputs, facts: ['inputs'] };
    const broken = loadCatalog(root, [], [narrowed]);
    expect(broken.problems.map((p) => p.field)).toEqual(['example.graylog.inputs-running.condition']);
  });
});
