// `npm run build` ends with scripts/bin-executable.mjs: tsc writes new files 0644, and `npx socready` in a clone runs
// the bin directly once npm's exec cache links the package, so a fresh build must leave the bin executable.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'bin-executable.mjs');

function packageWithBin(bin: unknown, files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'socready-bin-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', bin }));
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '#!/usr/bin/env node\n');
    chmodSync(join(root, file), 0o644);
  }
  return root;
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('bin-executable (end of npm run build)', () => {
  it('turns a 0644 bin written by tsc into 0755, for every entry of a bin map', () => {
    const root = packageWithBin({ a: 'dist/a.js', b: 'dist/sub/b.js' }, ['dist/a.js', 'dist/sub/b.js']);
    const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(modeOf(join(root, 'dist/a.js'))).toBe(0o755);
    expect(modeOf(join(root, 'dist/sub/b.js'))).toBe(0o755);
  });

  it('accepts the string form of bin and adds execute only where read is allowed', () => {
    const root = packageWithBin('cli.js', ['cli.js']);
    chmodSync(join(root, 'cli.js'), 0o640);
    expect(spawnSync(process.execPath, [SCRIPT, root]).status).toBe(0);
    expect(modeOf(join(root, 'cli.js'))).toBe(0o750);
  });

  it('fails naming the missing file when a bin was not built', () => {
    const root = packageWithBin({ a: 'dist/missing.js' }, []);
    const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('missing.js');
  });

  it("is the last step of this package's build script", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } };
    expect(pkg.scripts.build).toMatch(/&& node scripts\/bin-executable\.mjs$/);
  });
});
