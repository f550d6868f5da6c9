import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLOB_DENIED, globCommand } from '../../../src/collect/glob.js';
import { splitGlobOutput } from '../../../src/util/file-sections.js';
import { globPermission } from '../../../src/collect/source.js';

const isRoot = process.getuid?.() === 0;
let root: string;

function runAs(user: string | undefined, command: string): { stdout: string; stderr: string } {
  const r = user
    ? spawnSync('su', [user, '-s', '/bin/sh', '-c', command], { encoding: 'utf8' })
    : spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'socready-glob-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'etc/rsyslog.d/sub'), { recursive: true, mode: 0o755 });
  writeFileSync(join(root, 'etc/rsyslog.d/10-fwd.conf'), '*.* @@collector:514\n');
  writeFileSync(join(root, "etc/rsyslog.d/sub/it's here.conf"), 'module(load="imfile")\n');
  mkdirSync(join(root, 'etc/audit/plugins.d'), { recursive: true });
  writeFileSync(join(root, 'etc/audit/plugins.d/au-remote.conf'), 'active = yes\n');
  chmodSync(join(root, 'etc'), 0o755);
  chmodSync(join(root, 'etc/audit'), 0o750);
});

describe('glob probes', () => {
  it('read every matching file below the root as ==> path <== sections, paths shown without the root', () => {
    const out = execFileSync('sh', ['-c', globCommand('/etc/rsyslog.d/*.conf', 1000, root)], { encoding: 'utf8' });
    expect(splitGlobOutput(out)).toEqual([{ path: '/etc/rsyslog.d/10-fwd.conf', content: '*.* @@collector:514\n' }]);
    const deep = execFileSync('sh', ['-c', globCommand('/etc/rsyslog.d/**/*.conf', 1000, root)], { encoding: 'utf8' });
    expect(splitGlobOutput(deep).map((f) => f.path)).toEqual([
      '/etc/rsyslog.d/10-fwd.conf',
      "/etc/rsyslog.d/sub/it's here.conf",
    ]);
  });

  it('print nothing and no error for a folder that does not exist', () => {
    const r = runAs(undefined, globCommand('/etc/none/*.conf', 100, root));
    expect(r).toEqual({ stdout: '', stderr: '' });
  });

  it.skipIf(!isRoot)(
    'report an unreadable folder (or parent folder) instead of looking empty, as a non-root user',
    () => {
      for (const glob of ['/etc/audit/plugins.d/*.conf', '/etc/audit/**/*.conf']) {
        const r = runAs('nobody', globCommand(glob, 100, root));
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`${GLOB_DENIED} /etc/audit`);
        const result = globPermission({
          stdout: r.stdout,
          stderr: r.stderr,
          exitCode: 0,
          truncated: false,
          durationMs: 1,
        });
        expect(result.error).toEqual({
          kind: 'permission-denied',
          message: '/etc/audit: permission denied (run with sudo or as root)',
        });
      }
    },
  );

  it('keep what it could read when only part of the tree is unreadable', () => {
    const partial = globPermission({
      stdout: '==> /etc/a.conf <==\nx\n',
      stderr: `${GLOB_DENIED} /etc/b\n`,
      exitCode: 0,
      truncated: false,
      durationMs: 1,
    });
    expect(partial.error).toBeUndefined();
  });
});
