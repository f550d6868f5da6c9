import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderHdf } from '../../../src/report/formats/hdf.js';
import { renderJunit } from '../../../src/report/formats/junit.js';
import { renderMarkdown } from '../../../src/report/formats/markdown.js';
import { renderSarif } from '../../../src/report/formats/sarif.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { GOLDEN_DIR, run } from './fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function sarifValidator() {
  const {
    id,
    $schema: _draft04,
    ...schema
  } = JSON.parse(readFileSync(join(FIXTURES_DIR, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
  // The OASIS schema declares draft-04. The keywords it uses validate the same under ajv's draft-07 engine; only the
  // draft-04 `id` is spelt `$id` there (ajv ships no draft-04 meta-schema to check the schema itself against).
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  return ajv.compile({ $id: id, ...schema });
}

describe('Markdown summary', () => {
  it('matches the golden English summary', async () => {
    await expect(renderMarkdown(run(2), { lang: 'en' })).toMatchFileSnapshot(join(GOLDEN_DIR, 'run3.en.md'));
  });
  it('matches the golden Japanese summary', async () => {
    await expect(renderMarkdown(run(2), { lang: 'ja' })).toMatchFileSnapshot(join(GOLDEN_DIR, 'run3.ja.md'));
  });
  it('stays well under the 1 MiB GitHub job summary limit and caps the findings it lists', () => {
    const r = run(2);
    const many = {
      ...r,
      findings: Array.from({ length: 5000 }, (_, i) => ({ ...r.findings[4]!, target: `host-${i}` })),
    };
    const md = renderMarkdown(many, { lang: 'en' });
    expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
    expect(md).toContain('4,975 more not shown');
  });
});

describe('JUnit XML', () => {
  it('matches the golden file', async () => {
    await expect(renderJunit(run(2), { lang: 'en' })).toMatchFileSnapshot(join(GOLDEN_DIR, 'run3.junit.xml'));
  });
  it('has one test case per check and target, with counts that add up', () => {
    const r = run(2);
    const xml = renderJunit(r, { lang: 'en' });
    expect(xml.match(/<testcase /g)).toHaveLength(r.findings.length);
    const head = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(xml)!;
    expect(Number(head[1])).toBe(r.findings.length);
    expect(xml.match(/<failure /g)).toHaveLength(Number(head[2]));
    expect(xml.match(/<error /g)).toHaveLength(Number(head[3]));
    expect(xml.match(/<skipped /g)).toHaveLength(Number(head[4]));
    // The active waiver is skipped with its justification; the expired one still fails and says the waiver expired.
    expect(xml).toMatch(
      new RegExp(
        String.raw`<testcase classname="siem\.retention\.days" name="siem-01" time="0">\s*<skipped message="waive` +
          'd until 2027-03-31: Storage budget',
      ),
    );
    expect(xml).toMatch(
      /classname="linux\.audit\.immutable" name="db-01"[\s\S]*?<failure[\s\S]*?Waiver expired on 2026-10-15/,
    );
  });
});

describe('SARIF 2.1.0', () => {
  const validate = sarifValidator();

  it('validates against the OASIS SARIF 2.1.0 schema in both languages, with and without passes', () => {
    for (const lang of ['en', 'ja'] as const) {
      for (const includePasses of [false, true]) {
        const log = JSON.parse(renderSarif(run(2), { lang, includePasses }));
        const ok = validate(log);
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }
    }
  });

  it('the schema check is not a rubber stamp: a wrong suppression field is rejected', () => {
    const log = JSON.parse(renderSarif(run(2), { lang: 'en' }));
    const waived = log.runs[0].results.find((r: { suppressions?: unknown[] }) => r.suppressions);
    waived.suppressions[0].state = 'accepted';
    expect(validate(log)).toBe(false);
  });

  it('matches the golden file', async () => {
    await expect(renderSarif(run(2), { lang: 'en' })).toMatchFileSnapshot(join(GOLDEN_DIR, 'run3.sarif'));
  });

  it('carries rule metadata and maps findings to results', () => {
    const log = JSON.parse(renderSarif(run(2), { lang: 'ja' }));
    const r0 = log.runs[0];
    const rule = r0.tool.driver.rules.find((r: { id: string }) => r.id === 'linux.audit.rules.bpf');
    expect(rule.shortDescription.text).toBe('bpf() システムコールが監査されている');
    expect(rule.properties['security-severity']).toBe('8.0');
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['audit-policy', 'T1014', 'T1205.002']));
    const bpf = r0.results.find((r: { ruleId: string }) => r.ruleId === 'linux.audit.rules.bpf');
    expect(bpf).toMatchObject({ kind: 'fail', level: 'error', locations: [{ logicalLocations: [{ name: 'db-01' }] }] });
    expect(r0.tool.driver.rules[bpf.ruleIndex].id).toBe('linux.audit.rules.bpf');
    const inconclusive = r0.results.find((r: { ruleId: string }) => r.ruleId === 'siem.health.ingest-lag');
    expect(inconclusive).toMatchObject({ kind: 'review', level: 'none' });
    const waived = r0.results.find((r: { ruleId: string }) => r.ruleId === 'siem.retention.days');
    expect(waived.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
    const expired = r0.results.find(
      (r: { ruleId: string; locations: { logicalLocations: { name: string }[] }[] }) =>
        r.ruleId === 'linux.audit.immutable' && r.locations[0]!.logicalLocations[0]!.name === 'db-01',
    );
    expect(expired.suppressions).toBeUndefined();
    expect(expired.properties.waiver_expired.expires).toBe('2026-10-15');
    expect(r0.properties.soar_verdict).toBe('semi-automatic');
  });
});

describe('Heimdall Data Format', () => {
  it('has the InSpec exec JSON shape Heimdall requires', () => {
    const r = run(2);
    const hdf = JSON.parse(renderHdf(r, { lang: 'en' }));
    for (const k of ['platform', 'profiles', 'statistics', 'version']) expect(hdf).toHaveProperty(k);
    expect(hdf.platform).toMatchObject({ name: 'socready', release: '0.1.0' });
    const p = hdf.profiles[0];
    for (const k of ['name', 'sha256', 'supports', 'attributes', 'groups', 'controls']) expect(p).toHaveProperty(k);
    const checks = new Set(r.findings.map((f) => f.check));
    expect(p.controls).toHaveLength(checks.size);
    let results = 0;
    for (const c of p.controls) {
      for (const k of ['id', 'impact', 'refs', 'tags', 'source_location', 'results']) expect(c).toHaveProperty(k);
      expect(c.impact).toBeGreaterThanOrEqual(0);
      expect(c.impact).toBeLessThanOrEqual(1);
      for (const res of c.results) {
        expect(typeof res.code_desc).toBe('string');
        expect(typeof res.start_time).toBe('string');
        expect(['passed', 'failed', 'skipped', 'error']).toContain(res.status);
        results++;
      }
    }
    expect(results).toBe(r.findings.length);
    expect(p.groups.flatMap((g: { controls: string[] }) => g.controls).sort()).toEqual([...checks].sort());
    const bpf = p.controls.find((c: { id: string }) => c.id === 'linux.audit.rules.bpf');
    expect(bpf.results.map((x: { status: string }) => x.status)).toEqual(['passed', 'failed']);
    expect(bpf.impact).toBe(0.7);
    const retention = p.controls.find((c: { id: string }) => c.id === 'siem.retention.days');
    expect(retention.waiver_data).toMatchObject({ expiration_date: '2027-03-31', run: true });
    expect(retention.impact).toBe(0);
    expect(hdf.statistics.controls.failed.total).toBe(r.findings.filter((f) => f.status === 'fail').length);
  });
  it('matches the golden file', async () => {
    await expect(renderHdf(run(2), { lang: 'en' })).toMatchFileSnapshot(join(GOLDEN_DIR, 'run3.hdf.json'));
  });
});
