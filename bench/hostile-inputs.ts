// Generators of hostile inputs at any size, shared by bench/hostile.ts (full sizes) and the hostile-size tests
// (scaled down). Each writes into a folder it is given and returns the path of what it wrote.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/**
 * A CACAO 2.0 playbook of `n` steps: a chain of if-conditions each with a destructive action on one branch. `nested`:
 * each condition is an allow-list check whose refusal ends the run, so every action sits under every earlier check
 * and the end step has n/2 predecessors at every depth of the dominator tree (quadratic for Cooper-Harvey-Kennedy).
 */
export function cacaoPlaybook(dir: string, n: number, shape: 'chain' | 'nested' = 'chain'): string {
  const start = `start--${uuid(0)}`;
  const end = `end--${uuid(1)}`;
  const workflow: Record<string, unknown> = { [start]: { type: 'start', on_completion: `if-condition--${uuid(2)}` } };
  let i = 2;
  while (i < n) {
    const cond = `if-condition--${uuid(i)}`;
    const act = `action--${uuid(i + 1)}`;
    const next = i + 2 < n ? `if-condition--${uuid(i + 2)}` : end;
    workflow[cond] =
      shape === 'nested'
        ? {
            type: 'if-condition',
            name: 'Host not on the critical asset allow-list',
            condition: `__host__:value != 'dc${i}'`,
            on_true: act,
            on_false: end,
          }
        : { type: 'if-condition', condition: `__n__:value > ${i}`, on_true: act, on_false: next };
    workflow[act] = {
      type: 'action',
      name: `Isolate host ${i}`,
      commands: [{ type: 'http-api', command: 'POST /api/v1/hosts/__host__:value/isolate HTTP/1.1' }],
      agent: `http-api--${uuid(99_999_999)}`,
      on_completion: next,
    };
    i += 2;
  }
  workflow[end] = { type: 'end' };
  const pb = {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${randomUUID()}`,
    name: `Hostile playbook of ${n} steps`,
    created_by: `identity--${uuid(5)}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    playbook_variables: { __n__: { type: 'integer', value: 1 }, __host__: { type: 'string', external: true } },
    workflow_start: start,
    workflow,
    agent_definitions: {
      [`http-api--${uuid(99_999_999)}`]: { type: 'http-api', name: 'EDR', address: { url: ['https://edr.example'] } },
    },
  };
  const file = join(dir, `playbook-${shape}-${n}.json`);
  writeFileSync(file, JSON.stringify(pb));
  return file;
}

/** A Sigma rule whose condition is `n` search identifiers joined by `or`. */
export function orRule(dir: string, n: number): string {
  const lines = [
    'title: big',
    `id: ${uuid(7)}`,
    'logsource: {product: windows, category: process_creation}',
    'detection:',
  ];
  for (let k = 0; k < n; k++) lines.push(`  s${k}: {Image: x${k}.exe}`);
  lines.push(`  condition: ${Array.from({ length: n }, (_, k) => `s${k}`).join(' or ')}`);
  const file = join(dir, `or-${n}.yml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A file of one line of `bytes` characters (NDJSON-looking: it starts with `{`). */
export function longLine(dir: string, bytes: number): string {
  const file = join(dir, `line-${bytes}.json`);
  writeFileSync(file, `{"a":"${'x'.repeat(Math.max(0, bytes - 8))}"}\n`);
  return file;
}

/** A gzip file expanding to `bytes` of one byte value (0 or newline), written by streaming. */
export async function gzipBomb(dir: string, bytes: number, fill: 0 | 10): Promise<string> {
  const file = join(dir, `bomb-${fill === 0 ? 'zeros' : 'newlines'}-${bytes}.log.gz`);
  const gz = createGzip({ level: 9 });
  const out = createWriteStream(file);
  gz.pipe(out);
  const block = Buffer.alloc(1 << 20, fill);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!gz.write(left >= block.length ? block : block.subarray(0, left)))
      await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await new Promise<void>((r) => out.once('close', () => r()));
  return file;
}

/** An inventory of about `bytes` bytes: many linux targets, or one target with one huge string field. */
export function bigInventory(dir: string, bytes: number, shape: 'targets' | 'string'): string {
  const file = join(dir, `inventory-${shape}-${bytes}.yaml`);
  if (shape === 'string') {
    writeFileSync(
      file,
      `version: 1\ntargets:\n  - id: big\n    kind: linux\n    address: ${'a'.repeat(bytes)}\n    transport: local\n`,
    );
    return file;
  }
  const one = (k: number) =>
    `  - id: host-${k}\n    kind: linux\n    address: 10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}\n   ` +
    ' transport: ssh\n    ssh: { user: audit, key: /keys/id_ed25519 }\n';
  const per = one(0).length;
  const parts = ['version: 1\ntargets:\n'];
  for (let k = 0; k * per < bytes; k++) parts.push(one(k));
  writeFileSync(file, parts.join(''));
  return file;
}

/**
 * One real evidence file of this machine (the Linux collection script run here, read-only), as a template whose host
 * name is __HOST__. `cli`: the socready entry to ask for the script (the built dist/src/cli.js, or src/cli.ts with
 * tsx). Cached in `dir`.
 */
export function evidenceSample(dir: string, cli: string): string {
  const sample = join(dir, 'sample.json');
  if (!existsSync(sample)) {
    const script = join(dir, 'collect.sh');
    const loader = cli.endsWith('.ts') ? ['--import', 'tsx'] : [];
    writeFileSync(script, execFileSync(process.execPath, [...loader, cli, 'collect-script', '--platform', 'linux']));
    execFileSync('sh', [script, sample], { stdio: 'ignore' });
  }
  return readFileSync(sample, 'utf8').replace(/("hostname"\s*:\s*)"[^"]*"/, '$1"__HOST__"');
}

/** A folder of `n` evidence files: `sample` (a collection-script output) with __HOST__ replaced by a host name each. */
export function evidenceFolder(dir: string, n: number, sample: string, ext = '.json'): string {
  const folder = join(dir, 'evidence', String(n));
  mkdirSync(folder, { recursive: true });
  for (let k = 0; k < n; k++) writeFileSync(join(folder, `host-${k}${ext}`), sample.replace(/__HOST__/g, `host-${k}`));
  return folder;
}
