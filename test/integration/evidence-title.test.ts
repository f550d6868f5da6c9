// `scan --evidence`: the report is about the hosts that produced the evidence (or the inventory's organisation),
// never about the consultant's machine that happened to evaluate it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { evidenceHostsTitle } from '../../src/scan.js';
import { runCli } from '../helpers/cli.js';

function evidence(host: string): string {
  return JSON.stringify({
    format: 'socready-evidence',
    version: 1,
    platform: 'linux',
    collected_at: '2026-01-05T10:00:00Z',
    host: { hostname: host },
    probes: {},
  });
}

async function scan(args: string[], out: string): Promise<{ report: Report; html: string }> {
  // SOCREADY_ORG names the organisation explicitly and would win: this test is about the default.
  const r = await runCli(['scan', ...args, '-o', out, '--json', '--hosts-only'], { env: { SOCREADY_ORG: undefined } });
  expect(r.code, r.stderr).toBe(0);
  const runDir = (JSON.parse(r.stdout) as { run_dir: string }).run_dir;
  return {
    report: JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report,
    html: readFileSync(join(runDir, 'report.html'), 'utf8'),
  };
}

describe('scan --evidence titles the report with the evidence hosts or the inventory organisation', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'socready-evidence-title-'));
    mkdirSync(join(dir, 'fleet'));
    writeFileSync(join(dir, 'fleet', 'a.json'), evidence('db-07'));
    writeFileSync(join(dir, 'fleet', 'b.json'), evidence('web-03'));
    writeFileSync(join(dir, 'inventory.yaml'), 'version: 1\norganization: Example Bank\ntargets: []\n');
    // The test is meaningless on a machine that happens to carry one of the evidence names.
    expect(['db-07', 'web-03']).not.toContain(hostname());
  });

  it('one evidence file and no inventory: the report is titled with the host that produced it', async () => {
    const { report, html } = await scan(['--evidence', join(dir, 'fleet', 'a.json')], join(dir, 'one'));
    expect(report.run.organization).toBe('db-07');
    expect(html).toMatch(/<h1 class="cover-org">db-07<\/h1>/);
    expect(html).not.toContain(`<h1 class="cover-org">${hostname()}<`);
  });

  it('a folder of evidence files and no inventory: every host is named', async () => {
    const { report } = await scan(['--evidence', join(dir, 'fleet')], join(dir, 'fleet-out'));
    expect(report.run.organization).toBe('db-07, web-03');
  });

  it('with an inventory: the inventory organisation titles the report', async () => {
    const { report } = await scan(
      ['-i', join(dir, 'inventory.yaml'), '--evidence', join(dir, 'fleet', 'a.json')],
      join(dir, 'inv'),
    );
    expect(report.run.organization).toBe('Example Bank');
  });

  it('a large fleet is named by its first three hosts and a count', () => {
    expect(evidenceHostsTitle(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c (+2)');
  });
});
