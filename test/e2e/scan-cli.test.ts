import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { reportProblem } from '../helpers/report-problem.js';

const BUILT_CLI = join(REPO_ROOT, 'dist', 'src', 'cli.js');

function runBuilt(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The README's first command, as a new user runs it: the built CLI, no inventory, this machine, every analysis.
describe('socready scan end to end (built CLI, no inventory, HTML and PDF)', () => {
  let runDir: string;
  let report: Report;
  let scan: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    // Always the CLI as built from this tree (a stale dist would test old code).
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO_ROOT], {
      stdio: 'inherit',
    });
    expect(existsSync(BUILT_CLI)).toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'socready-e2e-'));
    scan = await runBuilt(['scan', '-o', out, '--pdf', '--lang', 'ja', '--json']);
    runDir = JSON.parse(scan.stdout).run_dir;
    report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
  }, 300_000);

  it('exits 0 and writes a report.json that validates against its schema', () => {
    expect(scan.code, scan.stderr).toBe(0);
    expect(reportProblem(report, 'report.json')).toBeUndefined();
    expect(report.targets).toHaveLength(1);
    expect(report.findings.length).toBeGreaterThan(20);
  });

  it('runs every analysis on the built-in rule pack, scenarios and example playbooks', () => {
    expect(report.analyses.coverage?.summary.rules_total).toBeGreaterThan(5);
    expect(report.analyses.detections?.summary.scenarios).toBeGreaterThan(5);
    expect(report.analyses.playbooks?.summary.playbooks).toBeGreaterThan(1);
    expect(report.score?.soar.verdict).toMatch(/^(ready|semi-automatic|not-yet)$/);
  });

  it('writes an HTML report with the executive summary and no script', () => {
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('lang="ja"');
    expect(html).not.toMatch(/<script\b/i);
    expect(html).toMatch(/SOAR/);
  });

  it('writes a PDF whose text has pages, Japanese and the SOAR verdict, with a CJK font embedded', () => {
    const pdf = join(runDir, 'report.pdf');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/成熟度|準備/);
    expect(text).toMatch(/SOAR/);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(1);
    // Chromium embeds Noto CJK glyphs as Type 3 fonts; a PDF with only DejaVu means the Japanese text is tofu boxes.
    expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toMatch(/Type 3/);
    // …and the PDF itself names the Noto CJK font it embedded (the machine's fontconfig would prove nothing).
    expect(readFileSync(pdf).toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJKjp-Regular/);
  });
});
