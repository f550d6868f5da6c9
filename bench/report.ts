// Benchmark of the human-facing renderers: a report of 200 targets and 5,000 findings, rendered to HTML and to
// PDF (browser start included), with the PDF page count. Run: npx tsx bench/report.ts [targets] [findings]
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Report, TargetResult } from '../src/model.js';
import { renderHtml } from '../src/report/html.js';
import { pdfPageCount, renderPdf } from '../src/report/pdf.js';
import { FIXTURES_DIR } from '../test/helpers/paths.js';

/** Scales the hand-built fixture up: its checks are cloned into new check ids and spread over many targets. */
export function syntheticReport(targetCount: number, findingCount: number): Report {
  const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'html', 'report-full.json'), 'utf8')) as Report;
  const templates = [...new Map(base.findings.map((f) => [f.check, f])).values()];
  const checksNeeded = Math.ceil(findingCount / targetCount);
  const targets: TargetResult[] = Array.from({ length: targetCount }, (_, i) => {
    const t = base.targets[i % base.targets.length] as TargetResult;
    const id = `host-${String(i + 1).padStart(3, '0')}`;
    return { ...t, id, address: `10.${Math.floor(i / 250)}.${i % 250}.10`, host: { ...t.host, hostname: id } };
  });
  const findings: Finding[] = [];
  const evidence: Report['evidence'] = [];
  // A fixed pseudo-random sequence keeps the bench repeatable.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let c = 0; c < checksNeeded && findings.length < findingCount; c++) {
    const tpl = templates[c % templates.length] as Finding;
    const check = `${tpl.check}.v${Math.floor(c / templates.length) + 1}`;
    for (const t of targets) {
      if (findings.length >= findingCount) break;
      const r = rand();
      const status =
        t.status === 'unreachable'
          ? 'inconclusive'
          : r < 0.7
            ? 'pass'
            : r < 0.85
              ? 'fail'
              : r < 0.91
                ? 'warn'
                : r < 0.95
                  ? 'inconclusive'
                  : r < 0.98
                    ? 'not-applicable'
                    : 'fail';
      const id = `ev-${findings.length}`;
      evidence.push({ ...(base.evidence[0] as Report['evidence'][number]), id, target: t.id });
      const f: Finding = {
        ...tpl,
        check,
        target: t.id,
        status,
        evidence: [id],
        excerpt: status === 'pass' ? undefined : (tpl.excerpt ?? 'No rules'),
        reason: status === 'inconclusive' ? 'sudo -n: a password is required' : undefined,
      };
      if (r >= 0.98)
        f.waiver = {
          justification: 'Accepted risk, ticket SEC-1182',
          expires: '2027-03-31',
          expired: false,
          file: 'waivers.yaml',
        };
      findings.push(f);
    }
  }
  return { ...base, targets, findings, evidence };
}

async function main(): Promise<void> {
  const targetCount = Number(process.argv[2] ?? 200);
  const findingCount = Number(process.argv[3] ?? 5000);
  const report = syntheticReport(targetCount, findingCount);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures scale with load)`,
  );
  console.log(
    `report: ${report.targets.length} targets, ${report.findings.length} findings, ${report.evidence.length} ` +
      'evidence records',
  );

  for (const lang of ['en', 'ja'] as const) {
    const runs: number[] = [];
    let size = 0;
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      size = renderHtml(report, { lang }).length;
      runs.push(performance.now() - t0);
    }
    console.log(
      `html ${lang}: first ${runs[0]?.toFixed(0)} ms (incl. template compile), then ` +
        `${Math.min(...runs.slice(1)).toFixed(0)}-${Math.max(...runs.slice(1)).toFixed(0)} ms; ` +
        `${(size / 1024 / 1024).toFixed(2)} MiB`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), 'socready-bench-'));
  try {
    for (const lang of ['ja', 'en'] as const) {
      const out = join(dir, `report.${lang}.pdf`);
      const t0 = performance.now();
      await renderPdf(report, { lang, out });
      const ms = performance.now() - t0;
      const pages = pdfPageCount(readFileSync(out));
      console.log(
        `pdf ${lang}: ${(ms / 1000).toFixed(2)} s incl. browser start and two print passes (TOC page ` +
          `numbers); ${pages} pages; ${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB`,
      );
    }
    const out = join(dir, 'report.single.pdf');
    const t0 = performance.now();
    await renderPdf(report, { lang: 'en', out, tocPageNumbers: false });
    console.log(`pdf en, one pass (TOC without page numbers): ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('report.ts')) await main();
