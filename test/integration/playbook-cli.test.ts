// `socready playbook dry-run | validate`: the JSON contract and the exit codes (0 loaded and completed, 1 --fail-on,
// 2 input that cannot be loaded).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS_DIR } from '../../src/paths.js';
import { FIXTURES_DIR, REPO_ROOT, SHARED_DIR } from '../helpers/paths.js';

const EX = join(CHECKS_DIR, 'playbooks');
const FIX = join(FIXTURES_DIR, 'playbook');

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(FIX, 'cli-harness.ts'), 'playbook', ...args],
      { cwd: REPO_ROOT, encoding: 'utf8' },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 3) : 0, stdout, stderr });
      },
    );
  });
}

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('socready playbook dry-run', () => {
  it('prints one JSON document per playbook with the contract fields and exits 0 whatever it found', async () => {
    const r = await run(
      'dry-run',
      join(EX, 'cacao-auto-contain-dangerous.json'),
      join(EX, 'native-waf-block.yaml'),
      '--alert',
      join(EX, 'alerts', 'sqli-web-attacker.json'),
      join(EX, 'alerts', 'fp-internal-scanner.json'),
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    const docs = lines(r.stdout);
    expect(docs).toHaveLength(2);
    for (const d of docs) {
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining(['playbook', 'valid', 'validation', 'guardrail_findings', 'runs']),
      );
      expect(Object.keys(d.playbook as object)).toEqual(expect.arrayContaining(['id', 'name', 'format']));
      const runs = d.runs as { alert: unknown; steps: unknown[]; actions: unknown[] }[];
      expect(runs).toHaveLength(2);
      for (const x of runs) expect(Object.keys(x)).toEqual(expect.arrayContaining(['alert', 'steps', 'actions']));
      for (const f of d.guardrail_findings as Record<string, unknown>[])
        expect(Object.keys(f)).toEqual(expect.arrayContaining(['kind', 'step_id', 'severity', 'message']));
      for (const v of d.validation as Record<string, unknown>[])
        expect(Object.keys(v)).toEqual(expect.arrayContaining(['tier', 'path', 'message']));
    }
    expect((docs[0]!.playbook as { format: string }).format).toBe('cacao');
    expect(
      (docs[0]!.guardrail_findings as { kind: string }[]).some((f) => f.kind === 'unguarded-destructive-action'),
    ).toBe(true);
    expect((docs[1]!.playbook as { format: string }).format).toBe('native');
    expect(docs[1]!.guardrail_findings).toEqual([]);
  });

  it(
    'text output: a legend explains the step markers, and no step is listed right after the done step of a ' +
      'path that ended',
    async () => {
      const r = await run(
        'dry-run',
        join(EX, 'native-waf-block.yaml'),
        '--alert',
        join(EX, 'alerts', 'fp-backup-service-logons.json'),
      );
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(
        /^legend: "\?" = reached only through .*would-execute = .*undecidable = .*awaits-human = /,
      );
      const done = lines.findIndex((l) => /^\s+\d+\. .*would-execute done\b/.test(l));
      expect(done).toBeGreaterThan(0);
      expect(lines[done + 1]).not.toMatch(/^\s+\d+\. /);
    },
  );

  it('explores every branch without --alert (one run, alert null, conditions undecidable)', async () => {
    const r = await run('dry-run', join(EX, 'cacao-waf-block-guarded.json'), '--format', 'json');
    expect(r.code).toBe(0);
    const [d] = lines(r.stdout);
    const runs = d!.runs as { alert: unknown; steps: { type: string; status: string }[] }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]!.alert).toBeNull();
    const conds = runs[0]!.steps.filter((s) => s.type === 'if-condition');
    expect(conds).toHaveLength(3);
    expect(conds.every((s) => s.status === 'undecidable')).toBe(true);
  });

  const dangerous = join(EX, 'cacao-auto-contain-dangerous.json');

  it('exits 1 with --fail-on high for the dangerous example, 0 with --fail-on low for the guarded one', async () => {
    expect((await run('dry-run', dangerous, '--fail-on', 'high')).code).toBe(1);
    expect((await run('dry-run', join(EX, 'cacao-waf-block-guarded.json'), '--fail-on', 'low')).code).toBe(0);
  });

  it('exits 1 with --fail-on critical only once a false positive shows the blast radius', async () => {
    // Without alerts there is no blast radius, so nothing is critical yet…
    expect((await run('dry-run', dangerous, '--fail-on', 'critical')).code).toBe(0);
    // …with a false positive there is.
    expect(
      (
        await run(
          'dry-run',
          dangerous,
          '--alert',
          join(EX, 'alerts', 'fp-internal-scanner.json'),
          '--fail-on',
          'critical',
        )
      ).code,
    ).toBe(1);
  });

  it('exits 2 for a playbook that cannot be loaded, still printing the others', async () => {
    const r = await run(
      'dry-run',
      join(FIX, 'broken.json'),
      join(EX, 'cacao-waf-block-guarded.json'),
      '--format',
      'json',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json(:\d+:\d+)?: invalid JSON/);
    const docs = lines(r.stdout);
    expect(docs.map((d) => d.valid)).toEqual([false, true]);
    expect(docs[0]!.error).toMatch(/invalid JSON/);
  });

  it('exits 2 for a bad alert file or a bad option', async () => {
    expect(
      (await run('dry-run', join(EX, 'cacao-waf-block-guarded.json'), '--alert', join(FIX, 'alert-not-object.json')))
        .code,
    ).toBe(2);
    expect((await run('dry-run', join(EX, 'cacao-waf-block-guarded.json'), '--fail-on', 'severe')).code).toBe(2);
  });

  it('loads an invalid but readable playbook (exit 0) and says so', async () => {
    const r = await run(
      'dry-run',
      join(SHARED_DIR, 'playbooks', 'cacao-soarca', 'test-missing_step_playbook.json'),
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]!.valid).toBe(false);
  });
});

describe('socready playbook validate', () => {
  it('exits 0 for valid files', async () => {
    expect(
      (
        await run(
          'validate',
          join(SHARED_DIR, 'playbooks', 'cacao-oasis', 'basic-example-1.json'),
          join(EX, 'native-waf-block.yaml'),
        )
      ).code,
    ).toBe(0);
  });

  it('exits 2 (bad input, as the README says) when a file is read but invalid, naming the problem', async () => {
    const invalid = await run('validate', join(SHARED_DIR, 'playbooks', 'cacao-soarca', 'test-infinite_playbook.json'));
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain('unbounded loop');
  });

  it('exits 2 when a file cannot be loaded', async () => {
    expect((await run('validate', join(FIX, 'broken.json'))).code).toBe(2);
  });
});
