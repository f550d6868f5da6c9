import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport } from '../../../src/transport/local.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'socready-local-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'os-release'), 'PRETTY_NAME="Fixture OS"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local transport', () => {
  const t = createLocalTransport();

  it('runs a command through sh and returns exit code, stdout and stderr', async () => {
    expect(await t.open()).toBeUndefined();
    const r = await t.run('echo out; echo err >&2; exit 4');
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 4, truncated: false });
    expect(r.error).toBeUndefined();
  });

  it('kills the whole process group of a hanging command at the timeout', async () => {
    const marker = join(dir, 'child-survived');
    const r = await t.run(`(sleep 2; touch ${marker}) & sleep 30`, { timeoutMs: 300 });
    expect(r.error?.kind).toBe('timeout');
    await new Promise((res) => setTimeout(res, 2500));
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('caps a flood and flags it truncated', async () => {
    const r = await t.run('yes', { maxBytes: 10_000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBe(10_000);
  });

  it('reads files below a rootdir and maps errors', async () => {
    const rooted = createLocalTransport({ rootdir: dir });
    expect((await rooted.readFile('/etc/os-release')).stdout).toContain('Fixture OS');
    expect((await rooted.readFile('/etc/missing')).error?.kind).toBe('not-found');
    const d = join(dir, 'etc', 'dir.d');
    mkdirSync(d);
    chmodSync(d, 0o755);
    expect((await rooted.readFile('/etc/dir.d')).error?.kind).toBe('other');
  });

  it('keeps non-UTF-8 output byte for byte', async () => {
    const r = await t.run(`printf '\\351t\\351'`);
    expect(r.binary).toBe(true);
    expect([...Buffer.from(r.stdout, 'latin1')]).toEqual([0xe9, 0x74, 0xe9]);
  });

  it('describes this machine as linux', async () => {
    const info = await t.describe();
    expect(info.platform).toBe('linux');
    expect(info.kernel).toBeTruthy();
  });
});
