import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { acquireAuditLock } from '../helpers/audit-lock.js';
import { runCli } from '../helpers/cli.js';

function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.findings.map((f) => [f.check, f.status]));
}

describe('offline evidence: the collection script replayed with scan --evidence', () => {
  let dir: string;
  let live: Report;
  let offline: Report;
  let evidenceFile: string;
  let lock: ChildProcess | undefined;

  afterAll(() => lock?.stdin?.end());

  beforeAll(async () => {
    // The audit rules must not change between the two readings (the auditd integration test changes them).
    lock = await acquireAuditLock();
    dir = mkdtempSync(join(tmpdir(), 'socready-offline-'));
    const script = await runCli(['collect-script', '--platform', 'linux']);
    expect(script.code).toBe(0);
    writeFileSync(join(dir, 'collect.sh'), script.stdout);
    evidenceFile = join(dir, 'host.json');
    // The same machine, the same moment: the live scan and the script see the same configuration.
    const [liveRun] = await Promise.all([
      runCli(['scan', '-o', join(dir, 'live'), '--json', '--hosts-only', '--no-html']),
      Promise.resolve(
        execFileSync('sh', [join(dir, 'collect.sh'), evidenceFile], { stdio: ['ignore', 'ignore', 'pipe'] }),
      ),
    ]);
    live = JSON.parse(readFileSync(join(JSON.parse(liveRun.stdout).run_dir, 'report.json'), 'utf8'));
    const offRun = await runCli([
      'scan',
      '--evidence',
      evidenceFile,
      '-o',
      join(dir, 'offline'),
      '--json',
      '--hosts-only',
      '--no-html',
    ]);
    expect(offRun.code).toBe(0);
    offline = JSON.parse(readFileSync(join(JSON.parse(offRun.stdout).run_dir, 'report.json'), 'utf8'));
  }, 480_000);

  it('writes one valid JSON evidence file with every Linux probe of the catalog', () => {
    const data = JSON.parse(readFileSync(evidenceFile, 'utf8'));
    expect(data).toMatchObject({ format: 'socready-evidence', version: 1, platform: 'linux' });
    expect(Object.keys(data.probes).length).toBeGreaterThan(10);
  });

  it('gives the same finding for every check as the live scan of the same host', () => {
    expect(offline.run.mode).toBe('evidence');
    expect(offline.findings.length).toBe(live.findings.length);
    expect(statuses(offline)).toEqual(statuses(live));
  });

  it('evaluates the good files of a folder, lists a malformed one as an error target, and exits 2', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    copyFileSync(evidenceFile, join(folder, 'good.json'));
    writeFileSync(join(folder, 'bad.json'), '{"format":"something-else"}');
    const r = await runCli([
      'scan',
      '--evidence',
      folder,
      '-o',
      join(dir, 'mixed-out'),
      '--json',
      '--hosts-only',
      '--no-html',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json');
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    const bad = report.targets.find((t) => t.id === 'bad')!;
    expect(bad).toMatchObject({ status: 'error', error: { kind: 'config' } });
    expect(report.findings.filter((f) => f.target !== 'bad').length).toBe(live.findings.length);
  });
});
