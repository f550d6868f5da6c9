import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS, readCapped } from '../../../src/util/read-capped.js';
import { readYamlFile } from '../../../src/util/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-capped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('whole-file reads with a stated size limit', () => {
  it('reads a file at the limit and refuses one byte more, naming the file, its size and the limit', () => {
    const ok = join(dir, 'ok.txt');
    const big = join(dir, 'big.txt');
    writeFileSync(ok, 'x'.repeat(100));
    writeFileSync(big, 'x'.repeat(101));
    expect(readCapped(ok, 100)).toBe('x'.repeat(100));
    expect(() => readCapped(big, 100, 'a test file')).toThrow(`${big}: is 101 bytes; the limit for a test file is 100 bytes`);
  });

  it('refuses a device that never ends (size 0 on disk) once it passes the limit', () => {
    expect(() => readCapped('/dev/zero', 1000)).toThrow(/more than 1000 bytes; the limit/);
  });

  it('refuses a YAML input past 4 MiB before parsing it', () => {
    const file = join(dir, 'inventory.yaml');
    writeFileSync(file, `version: 1\ntargets: []\n# ${'a'.repeat(INPUT_LIMITS.yaml)}\n`);
    expect(() => readYamlFile(file)).toThrow(/inventory\.yaml: is 41943\d\d bytes \(4\.0 MiB\); the limit for a YAML file is 4194304 bytes \(4\.0 MiB\)/);
  });
});
