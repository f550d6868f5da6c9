import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/detect.js';
import { estimateFalsePositives } from '../../../src/detect/estimate.js';
import { AUTO_WORKERS_MIN_BYTES, autoWorkers } from '../../../src/detect/run.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'detect-cli-'));
const RULES = join(dir, 'rules.yml');
writeFileSync(
  RULES,
  `title: Whoami
id: r-whoami
logsource: {product: windows, category: process_creation}
detection:
  s: {Image|endswith: '\\whoami.exe'}
  condition: s
level: medium
---
title: Many whoami
id: c-whoami
correlation:
  type: event_count
  generate: true
  rules: [r-whoami]
  group-by: [Computer]
  timespan: 1h
  condition: {gte: 2}
level: high
---
title: Broken
id: r-broken
logsource: {product: windows}
detection:
  s: {A|bogus: 1}
  condition: s
`,
);
const sysmon1 = (t: string, image: string) =>
  JSON.stringify({
    Event: {
      System: {
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'ws1',
        TimeCreated: { '#attributes': { SystemTime: t } },
      },
      EventData: { Image: image },
    },
  });
const EVENTS = join(dir, 'events.ndjson.gz');
writeFileSync(
  EVENTS,
  gzipSync(
    [
      sysmon1('2026-11-20T10:00:00Z', 'C:\\Windows\\System32\\whoami.exe'),
      sysmon1('2026-11-20T10:01:00Z', 'C:\\Windows\\System32\\whoami.exe'),
      sysmon1('2026-11-21T09:00:00Z', 'C:\\Windows\\notepad.exe'),
    ].join('\n'),
  ),
);

async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  process.exitCode = undefined;
  const program = new Command('socready').exitOverride();
  register(program);
  await program.parseAsync(['node', 'socready', 'detect', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  log.mockRestore();
  write.mockRestore();
  return { out: out.join('\n'), err: err.join(''), code };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('socready detect', () => {
  it('prints exactly the JSON contract: rules_loaded, rules_failed, events, matches', async () => {
    const r = await cli('--rules', RULES, '--events', EVENTS, '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['rules_loaded', 'rules_failed', 'events', 'matches']);
    expect(doc.rules_loaded).toBe(2);
    expect(doc.rules_failed).toEqual([
      { path: RULES, error: "document 3: line 24:7: detection.s: unsupported modifier 'bogus' on field A" },
    ]);
    expect(doc.events).toBe(3);
    expect(doc.matches).toEqual([
      { rule_id: 'r-whoami', title: 'Whoami', level: 'medium', count: 2 },
      { rule_id: 'c-whoami', title: 'Many whoami', level: 'high', count: 1 },
    ]);
  });

  it('prints the same JSON with --workers 2 (threads) as with --workers 1, and refuses a bad count', async () => {
    const one = await cli('--rules', RULES, '--events', EVENTS, '--format', 'json', '--workers', '1');
    const two = await cli('--rules', RULES, '--events', EVENTS, '--format', 'json', '--workers', '2');
    expect(one.code).toBe(0);
    expect(two).toEqual(one);
    expect(JSON.parse(two.out).matches).toHaveLength(2);
    expect(await cli('--rules', RULES, '--events', EVENTS, '--workers', '0')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--workers must be auto or a whole number/),
    });
  });

  it('chooses worker threads only for large inputs (--workers auto)', () => {
    expect(autoWorkers(AUTO_WORKERS_MIN_BYTES - 1, 8)).toBe(1);
    expect(autoWorkers(AUTO_WORKERS_MIN_BYTES, 8)).toBe(2);
    expect(autoWorkers(AUTO_WORKERS_MIN_BYTES, 1)).toBe(1);
  });

  it('prints a readable table by default', async () => {
    const r = await cli('--rules', RULES, '--events', EVENTS);
    expect(r.out).toMatch(/rules loaded: 2 {3}rules failed: 1 {3}events: 3/);
    expect(r.out).toMatch(/COUNT\s+LEVEL\s+RULE ID\s+TITLE/);
    expect(r.out).toMatch(/2\s+medium\s+r-whoami\s+Whoami/);
  });

  it('exits 2 with a message on missing paths or bad options', async () => {
    expect(await cli('--rules', RULES, '--events', join(dir, 'nope'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not found: .*nope/),
    });
    expect(await cli('--rules', RULES)).toMatchObject({ code: 2 });
    expect(await cli('--rules', RULES, '--events', EVENTS, '--format', 'xml')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--format/),
    });
  });

  it('uses the built-in rule pack when no --rules is given', async () => {
    const r = await cli('--events', EVENTS, '--format', 'json');
    expect(JSON.parse(r.out).rules_loaded).toBeGreaterThan(15);
  });

  it.skipIf(!existsSync(join(SHARED_DIR, 'sigma', 'regression_data')))(
    'matches the regression samples of a folder (reads pretty-printed evtx_dump JSON)',
    async () => {
      const sample = join(
        SHARED_DIR,
        'sigma',
        'regression_data',
        'rules',
        'windows',
        'process_creation',
        'proc_creation_win_certutil_download',
      );
      const r = await cli(
        '--rules',
        join(SHARED_DIR, 'sigma', 'rules', 'windows', 'process_creation', 'proc_creation_win_certutil_download.yml'),
        '--events',
        sample,
        '--format',
        'json',
      );
      expect(JSON.parse(r.out).matches).toEqual([
        {
          rule_id: '19b08b1c-861d-4e75-a1ef-ea0c1baf202b',
          title: 'Suspicious Download Via Certutil.EXE',
          level: 'medium',
          count: 1,
        },
      ]);
    },
  );
});

describe('false-positive estimation', () => {
  it('counts alerts per rule per day over NDJSON (gzip) and CSV exports', async () => {
    const csv = join(dir, 'export.csv');
    writeFileSync(
      csv,
      'timestamp,Channel,EventID,Image,Computer\n2026-11-22T08:00:00Z,Microsoft-Windows-Sysmon/Operational,1,' +
        '"C:\\Windows\\System32\\whoami.exe",ws2\n2026-11-22T09:00:00Z,Microsoft-Windows-Sysmon/Operational,1,"' +
        'C:\\x\\calc.exe",ws2\n',
    );
    const e = await estimateFalsePositives({ rulePaths: [RULES], exports: [EVENTS, csv] });
    expect(e.events).toBe(5);
    expect(e.days).toBe(3);
    expect(e.first).toBe('2026-11-20T10:00:00.000Z');
    expect(e.last).toBe('2026-11-22T09:00:00.000Z');
    expect(e.rules.map((r) => [r.rule_id, r.alerts, r.by_day])).toEqual([
      ['r-whoami', 3, { '2026-11-20': 2, '2026-11-22': 1 }],
      ['c-whoami', 1, { '2026-11-20': 1 }],
    ]);
    expect(e.alerts_total).toBe(4);
    expect(e.alerts_per_day).toBe(1.33);
    expect(e.top_noisy[0]!.rule_id).toBe('r-whoami');
  });

  it('is reachable from the command line with --estimate and --format json', async () => {
    const r = await cli('--rules', RULES, '--estimate', EVENTS, '--format', 'json');
    const doc = JSON.parse(r.out);
    expect(doc.alerts_total).toBe(3);
    expect(doc.days).toBe(2);
    expect(doc.top_noisy[0]).toMatchObject({ rule_id: 'r-whoami', alerts: 2, per_day: 1 });
  });
});
