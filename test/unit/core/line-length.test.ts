// `npm run lint` runs scripts/check-line-length.mjs: Biome wraps code at 120 columns but not long strings and
// comments, so the script is what keeps every line of TypeScript and JavaScript within 120 characters.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'check-line-length.mjs');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'socready-lines-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const check = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

describe('line length check (npm run lint)', () => {
  it('fails naming file:line for a line over 120 characters in src, test, bench or scripts', () => {
    const root = tree({
      'src/a.ts': `const ok = '${'a'.repeat(105)}';\nconst long = '${'b'.repeat(110)}';\n`,
      'test/unit/b.test.ts': `// ${'c'.repeat(118)}\n`,
      'bench/c.ts': 'export {};\n',
      'scripts/d.mjs': `\n\n/* ${'d'.repeat(120)} */\n`,
    });
    const r = check(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('src/a.ts:2: 126 characters (max 120)');
    expect(r.stderr).toContain('test/unit/b.test.ts:1: 121 characters (max 120)');
    expect(r.stderr).toContain('scripts/d.mjs:3: 126 characters (max 120)');
    expect(r.stderr).not.toContain('src/a.ts:1');
    expect(r.stderr).toContain('3 line(s) over 120 characters');
  });

  it('counts characters, not bytes, and leaves the YAML catalog, templates and non-code fixtures alone', () => {
    const root = tree({
      'src/ja.ts': `export const t = '${'監'.repeat(100)}';\n`,
      'checks/linux/x.yaml': `title: { en: "${'x'.repeat(200)}" }\n`,
      'templates/report.hbs': `<p>${'y'.repeat(200)}</p>\n`,
      'test/fixtures/logs/access.log': `${'z'.repeat(300)}\n`,
    });
    const r = check(root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes on this repository', () => {
    const r = check(REPO_ROOT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
