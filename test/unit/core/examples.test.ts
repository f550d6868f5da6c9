// The sharded-scan examples (examples/): each validates against its engine's own JSON Schema (GitHub's workflow
// schema from SchemaStore, Kubernetes' batch/v1 Job), and every socready command they run, expanded by a real shell
// as the engine would (matrix value or JOB_COMPLETION_INDEX in), is a real command with real options of socready's
// commander program, with the shard index/count the engine hands out.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../../src/program.js';
import { FIXTURES_DIR, REPO_ROOT } from '../../helpers/paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const EXAMPLES = join(REPO_ROOT, 'examples');

function validator(file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(FIXTURES_DIR, 'schemas', file), 'utf8')));
}

function yamlDocs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS() as Record<string, unknown>;
  });
}

/**
 * Runs a script in a real shell with `socready`, `npm` and `rm` replaced by stubs on PATH (nothing is installed or
 * removed), and returns the argument vector of every socready call.
 */
function socreadyCalls(script: string, env: Record<string, string>, shell = 'bash'): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'socready-example-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls');
  writeFileSync(
    join(bin, 'socready'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> ${log}\nprintf '\\n' >> ${log}\n`,
  );
  for (const stub of ['npm', 'rm']) writeFileSync(join(bin, stub), '#!/bin/sh\nexit 0\n');
  for (const f of ['socready', 'npm', 'rm']) chmodSync(join(bin, f), 0o755);
  writeFileSync(log, '');
  execFileSync(shell, ['-e', '-c', script], {
    cwd: dir,
    env: { ...env, PATH: `${bin}:/usr/bin:/bin`, HOME: dir, NPM_CONFIG_PREFIX: dir },
    stdio: 'ignore',
  });
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\0').filter((_, i, a) => i < a.length - 1));
}

/** Parses argv with socready's own program, actions replaced by a recorder: unknown commands or options throw. */
async function parseWithProgram(argv: string[]): Promise<{ command: string; opts: Record<string, unknown> }> {
  const program = buildProgram();
  let seen: { command: string; opts: Record<string, unknown> } | undefined;
  const quiet = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    if (cmd.commands.length === 0) {
      cmd.action((...args: unknown[]) => {
        seen = { command: cmd.name(), opts: (args.at(-1) as Command).opts() };
      });
    }
    for (const sub of cmd.commands) quiet(sub);
  };
  quiet(program);
  await program.parseAsync(argv, { from: 'user' });
  return seen!;
}

/** GitHub's `${{ ... }}` expressions the example uses: the matrix value and the workflow's env. */
function githubExpand(text: string, ctx: { matrix: Record<string, unknown>; env: Record<string, string> }): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(matrix|env)\.([A-Za-z_]+)$/.exec(expr);
    if (!m) throw new Error(`expression the test does not evaluate: ${expr}`);
    return String((m[1] === 'matrix' ? ctx.matrix : ctx.env)[m[2]!]);
  });
}

describe('examples/github-actions/socready-sharded.yml', () => {
  const file = join(EXAMPLES, 'github-actions', 'socready-sharded.yml');
  const [workflow] = yamlDocs(file) as [
    {
      env: Record<string, string | number>;
      jobs: Record<
        string,
        {
          strategy?: { matrix: { shard: number[] } };
          needs?: string;
          steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
        }
      >;
    },
  ];

  it("validates against SchemaStore's GitHub workflow schema", () => {
    const validate = validator('github-workflow.json');
    expect(validate(workflow), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('fails the schema when a job is broken, so the check can fail', () => {
    const validate = validator('github-workflow.json');
    const broken = structuredClone(workflow) as unknown as { jobs: { scan: Record<string, unknown> } };
    broken.jobs.scan['runs-on'] = undefined;
    broken.jobs.scan.strategy = { matrix: 'four' };
    expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
  });

  it('runs every shard 1..n once, uploads each, and merges after all of them', async () => {
    const env = Object.fromEntries(Object.entries(workflow.env).map(([k, v]) => [k, String(v)]));
    const { scan, merge } = workflow.jobs;
    const shards = scan!.strategy!.matrix.shard;
    const count = Number(env.SHARDS);
    expect(shards).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    for (const shard of shards) {
      const runs = scan!.steps.filter((s) => s.run?.includes('socready '));
      const calls = runs.flatMap((s) => socreadyCalls(githubExpand(s.run!, { matrix: { shard }, env }), env));
      expect(calls.length).toBe(1);
      const parsed = await parseWithProgram(calls[0]!);
      expect(parsed.command).toBe('scan');
      expect(parsed.opts.shard).toEqual({ index: shard, count });
      expect(parsed.opts.inventory).toBe('inventory.yaml');
    }
    const upload = scan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe(`socready-shard-\${{ matrix.shard }}`);
    expect(merge!.needs).toBe('scan');
    const download = merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with?.pattern).toBe('socready-shard-*');
    const mergeRuns = merge!.steps.filter((s) => s.run?.includes('socready '));
    const calls = mergeRuns.flatMap((s) => socreadyCalls(githubExpand(s.run!, { matrix: {}, env }), env));
    expect(calls.length).toBe(1);
    const parsed = await parseWithProgram(calls[0]!);
    expect(parsed.command).toBe('merge');
    expect(parsed.opts).toMatchObject({ inventory: 'inventory.yaml', failUnder: 2 });
  });
});

interface K8sJob {
  kind: string;
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        containers: {
          command: string[];
          env?: { name: string; value: string }[];
          volumeMounts: { mountPath: string }[];
        }[];
      };
    };
  };
}

describe('examples/kubernetes: an Indexed Job of shards and a merge Job', () => {
  const [scanJob] = yamlDocs(join(EXAMPLES, 'kubernetes', 'socready-sharded-job.yaml')) as unknown as [K8sJob];
  const [mergeJob] = yamlDocs(join(EXAMPLES, 'kubernetes', 'socready-merge-job.yaml')) as unknown as [K8sJob];
  const containerEnv = (job: K8sJob) =>
    Object.fromEntries((job.spec.template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));

  it("validates both Jobs against Kubernetes' batch/v1 Job schema", () => {
    const validate = validator('kubernetes-job-batch-v1.json');
    for (const job of [scanJob, mergeJob]) expect(validate(job), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('fails the schema on a misspelt field, so the check can fail', () => {
    const validate = validator('kubernetes-job-batch-v1.json');
    const broken = structuredClone(scanJob) as unknown as { spec: Record<string, unknown> };
    broken.spec.completionsMode = broken.spec.completionMode;
    expect(validate(broken)).toBe(false);
  });

  it('gives pod JOB_COMPLETION_INDEX = 0..n-1 shard index+1 of n, each in its own folder of the volume', async () => {
    expect(scanJob.spec.completionMode).toBe('Indexed');
    const count = scanJob.spec.completions!;
    expect(scanJob.spec.parallelism).toBe(count);
    const container = scanJob.spec.template.spec.containers[0]!;
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    const outs = new Set<string>();
    for (let index = 0; index < count; index++) {
      const calls = socreadyCalls(
        container.command[2]!,
        { ...containerEnv(scanJob), JOB_COMPLETION_INDEX: String(index) },
        'sh',
      );
      expect(calls.length).toBe(1);
      const parsed = await parseWithProgram(calls[0]!);
      expect(parsed.command).toBe('scan');
      expect(parsed.opts.shard).toEqual({ index: index + 1, count });
      expect(String(parsed.opts.out).startsWith('/reports/')).toBe(true);
      outs.add(String(parsed.opts.out));
    }
    expect(outs.size).toBe(count);
    expect(container.volumeMounts.map((m) => m.mountPath)).toContain('/reports');
  });

  it('merges every shard folder of the shared volume with socready merge', async () => {
    const container = mergeJob.spec.template.spec.containers[0]!;
    const calls = socreadyCalls(container.command[2]!, containerEnv(mergeJob), 'sh');
    expect(calls.length).toBe(1);
    const parsed = await parseWithProgram(calls[0]!);
    expect(parsed.command).toBe('merge');
    expect(parsed.opts.inventory).toBe('/config/inventory.yaml');
    expect(calls[0]).toContain('/reports/shards/*/*');
  });

  it('the command check itself refuses an option socready does not have', async () => {
    await expect(parseWithProgram(['scan', '--shards', '1/4'])).rejects.toThrow(/unknown option/);
    await expect(parseWithProgram(['scan', '--shard', '5/4'])).rejects.toThrow(/--shard takes i\/n/);
  });
});
