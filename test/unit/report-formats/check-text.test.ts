// report.json carries each check's text once (check_text) and a fleet's report is read value by value: the same scan
// written in the old shape (every finding whole) and the new one reads back to the same report and renders the same
// in every format, and a report past the old 256 MB whole-file cap is read.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../../src/model.js';
import { withCheckText } from '../../../src/report/check-text.js';
import { REPORT_FORMATS, renderReport } from '../../../src/report/render.js';
import { readReport, validateReport } from '../../../src/report/validate.js';
import { INPUT_LIMITS } from '../../../src/util/input-file.js';
import { writeOutputFile } from '../../../src/util/output-file.js';
import { jsonFilePieces, StreamedArray } from '../../../src/util/write-json.js';
import { InputError } from '../../../src/util/validate.js';
import { finding, report } from '../score/helpers.js';
import { RUN_FILES } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-check-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture run with a second host, so every check has findings on two targets (as a fleet has on thousands). */
function fleetRun(): Report {
  const r = readReport(RUN_FILES[2]!);
  const other = (f: Finding): Finding => ({ ...f, target: `${f.target}-b` });
  return {
    ...r,
    targets: [...r.targets, ...r.targets.map((t) => ({ ...t, id: `${t.id}-b` }))],
    findings: [...r.findings, ...r.findings.map(other)],
  };
}

function write(name: string, r: Report, shape: 'old' | 'new'): string {
  const file = join(dir, name);
  if (shape === 'old') writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  else writeOutputFile(file, jsonFilePieces(withCheckText(r)));
  return file;
}

describe('report.json check_text section', () => {
  it('is smaller than every finding whole and reads back to the same report', () => {
    const r = fleetRun();
    const oldFile = write('old.json', r, 'old');
    const newFile = write('new.json', r, 'new');
    const stored = JSON.parse(readFileSync(newFile, 'utf8'));
    expect(Object.keys(stored).at(-1)).toBe('check_text');
    expect(Object.keys(stored.check_text).sort()).toEqual([...new Set(r.findings.map((f) => f.check))].sort());
    expect(stored.findings.every((f: Partial<Finding>) => f.title === undefined && f.rationale === undefined)).toBe(
      true,
    );
    // Two findings per check here; a fleet has thousands (measured in bench/fleet: 162 MB -> 97 MB at 1,000 hosts).
    expect(statSync(newFile).size).toBeLessThan(statSync(oldFile).size * 0.95);
    expect(readReport(newFile)).toEqual(readReport(oldFile));
  });

  it('renders the same in every format from the old shape and the new one', async () => {
    const r = fleetRun();
    const fromOld = readReport(write('old-r.json', r, 'old'));
    const fromNew = readReport(write('new-r.json', r, 'new'));
    const formats = REPORT_FORMATS.filter((f) => f !== 'pdf' && (f !== 'navigator' || r.analyses.coverage));
    expect(formats).toEqual(expect.arrayContaining(['json', 'html', 'md', 'junit', 'sarif', 'hdf']));
    for (const format of formats) {
      for (const lang of ['en', 'ja'] as const) {
        const a = (await renderReport(fromOld, format, { lang }))!;
        const b = (await renderReport(fromNew, format, { lang }))!;
        // JSON: the same document (a finding's fields may come back in the order a scan writes them, not the file's).
        if (format === 'json') expect(JSON.parse(b), `${format} ${lang}`).toEqual(JSON.parse(a));
        else expect(b, `${format} ${lang}`).toBe(a);
      }
    }
  });

  it('keeps a finding whole when it lacks a text its check has elsewhere (no field is added on reading)', () => {
    const text = { en: 'x', ja: 'x' };
    const first = {
      ...finding('audit-policy', 'fail', { check: 'c.one', target: 'h1', rationale: text }),
      fail_title: text,
    };
    const second = finding('audit-policy', 'pass', { check: 'c.one', target: 'h2', rationale: text });
    const third = finding('audit-policy', 'pass', { check: 'c.one', target: 'h3', rationale: { en: 'y', ja: 'y' } });
    const r = report({ findings: [first, second, third] });
    const file = write('own.json', r, 'new');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.findings[1].own_text).toBe(true);
    expect(stored.findings[2].rationale).toEqual({ en: 'y', ja: 'y' });
    expect(readReport(file).findings).toEqual(r.findings);
  });

  it('writes a file that validates as it is against the published report schema (consumers read the file raw)', () => {
    const stored = JSON.parse(readFileSync(write('raw.json', fleetRun(), 'new'), 'utf8'));
    expect(() => validateReport(stored, 'raw.json')).not.toThrow();
    // Without the section, every finding must be whole; an own_text finding always is.
    const { check_text: _t, ...bare } = stored;
    expect(() => validateReport(bare, 'bare.json')).toThrow(
      /findings\.0: not a socready report: missing required field "title"/,
    );
    const own = { ...stored, findings: [{ ...stored.findings[0], own_text: true }, ...stored.findings.slice(1)] };
    expect(() => validateReport(own, 'own.json')).toThrow(/missing required field "title"/);
  });

  it('names a finding whose title is neither in it nor in check_text', () => {
    const r = report({ findings: [finding('audit-policy', 'fail', { check: 'c.two' })] });
    const stored = JSON.parse(
      JSON.stringify(withCheckText(r), (_k, v) => (v instanceof StreamedArray ? [...v.items()] : v)),
    );
    delete stored.check_text['c.two'].title;
    const file = join(dir, 'no-title.json');
    writeFileSync(file, JSON.stringify(stored));
    expect(() => readReport(file)).toThrow(/findings\.0: not a socready report: missing required field "title"/);
  });
});

describe('reading a large report.json', () => {
  // Generous timeouts: hundreds of MB written and read on a shared machine; no timing is asserted.
  it('reads a report over the old 256 MB whole-file cap, value by value', { timeout: 600_000 }, () => {
    // 2,700 findings of 100 KB excerpts each: 270 MB on disk, few objects in memory.
    const excerpt = 'x'.repeat(100 * 1024);
    const base = report({ findings: [] });
    const n = 2_700;
    const r = {
      ...base,
      findings: new StreamedArray(function* () {
        for (let i = 0; i < n; i++) yield finding('audit-policy', 'fail', { check: 'c.big', target: `h${i}`, excerpt });
      }) as unknown as Finding[],
    };
    const file = join(dir, 'large.json');
    writeOutputFile(file, jsonFilePieces(withCheckText(r)));
    expect(statSync(file).size).toBeGreaterThan(INPUT_LIMITS.jsonBytes);
    const back = readReport(file);
    expect(back.findings.length).toBe(n);
    expect(back.findings[n - 1]!.target).toBe(`h${n - 1}`);
    expect(back.findings[n - 1]!.excerpt!.length).toBe(excerpt.length);
    rmSync(file);
  });

  it('still refuses one value over the per-value cap, naming it', { timeout: 600_000 }, () => {
    const file = join(dir, 'one-big.json');
    const size = INPUT_LIMITS.jsonBytes + 16;
    const buf = Buffer.alloc(size + 32, 0x61);
    buf.write('{"findings": [{"excerpt": "', 0);
    buf.write('"}]}', size + 28);
    writeFileSync(file, buf);
    try {
      readReport(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/findings\[0\] is over the 256 MB limit for one value/);
    } finally {
      rmSync(file);
    }
  });
});
