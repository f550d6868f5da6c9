// Hostile inputs through the CLI (issue 18): crashes become a located exit 2, nothing of a secret file is printed,
// nothing is written outside the output folder. Every hostile file is generated here, in a temp folder.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/report/pdf.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CANARY = 'CANARY-7f3a-SECRET';
const REPORT = join(FIXTURES_DIR, 'reports', 'acme', '2026-11-01T0900Z-e5f6', 'report.json');

function aliasBomb(): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** No stack trace, no "internal error", nothing of the canary or of a shadow line. */
function clean(r: CliResult): void {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |ELOOP|ReferenceError/);
  expect(`${r.stdout}${r.stderr}`).not.toContain(CANARY);
  expect(`${r.stdout}${r.stderr}`).not.toContain('root:*');
}

describe('alias bombs: exit 2 naming file, line and column', () => {
  const inventory = file('inventory-bomb.yaml', aliasBomb());
  const native = file('native-bomb.yaml', `socready_playbook: 1\nid: x\n${aliasBomb()}`);
  const xsoar = file('xsoar-bomb.yml', `starttaskid: "0"\ntasks: {}\n${aliasBomb()}`);
  it.each([
    ['inventory validate', ['inventory', 'validate', inventory], 'inventory-bomb.yaml'],
    ['scan -i', ['scan', '-i', inventory, '-o', join(dir, 'bomb-out')], 'inventory-bomb.yaml'],
    ['playbook validate (native)', ['playbook', 'validate', native], 'native-bomb.yaml'],
    ['playbook dry-run (XSOAR)', ['playbook', 'dry-run', xsoar], 'xsoar-bomb.yml'],
  ])('%s', async (_what, args, name) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+: YAML aliases expand past 100`));
    clean(r);
    expect(existsSync(join(dir, 'bomb-out'))).toBe(false);
  });
});

describe('output paths: one writer, exit 2 with the path and the reason', () => {
  const blocker = file('blocker', 'a regular file where a folder should be');
  it.each([
    ['a folder', dir, 'it is a folder'],
    ['a path under a regular file', join(blocker, 'x.md'), 'cannot create the output folder'],
    ['a full device', '/dev/full', 'no space left on the device'],
    ['an unwritable place (sysfs refuses even root)', '/sys/socready-hostile.md', 'permission denied'],
  ])('report -o %s', async (_what, out, reason) => {
    const r = await runCli(['report', REPORT, '--format', 'md', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`socready: ${out}: cannot write: `);
    expect(r.stderr).toContain(reason);
    clean(r);
  });

  it('scan -o under a regular file: exit 2 before any work, naming the folder', async () => {
    const r = await runCli([
      'scan',
      '--evidence',
      join(dir, 'nothing-here'),
      '-o',
      join(blocker, 'runs'),
      '--no-html',
      '--hosts-only',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(blocker, 'runs'));
    clean(r);
  });

  it(
    'coverage --navigator creates the missing folders, as report --format pdf does, and leaves no temporary ' + 'file',
    async () => {
      const r = await runCli([
        'coverage',
        '--rules',
        join(REPO_ROOT, 'checks', 'rules'),
        '--navigator',
        join(dir, 'nope', 'deeper', 'layer.json'),
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'nope', 'deeper', 'layer.json'), 'utf8'))).toHaveProperty('techniques');
      expect(readdirSync(join(dir, 'nope', 'deeper'))).toEqual(['layer.json']);
    },
  );
});

describe('directory walks', () => {
  it('detect --events over a folder with a symlink loop reads the events and names the skipped link', async () => {
    const events = join(dir, 'events');
    mkdirSync(join(events, 'sub'), { recursive: true });
    writeFileSync(join(events, 'sub', 'a.ndjson'), '{"EventID": 1, "Image": "C:\\\\x.exe"}\n');
    symlinkSync('..', join(events, 'sub', 'loop'));
    const r = await runCli(['detect', '--events', events, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toBe(1);
    expect(r.stderr).toContain(`warning: ${join(events, 'sub', 'loop')}: symbolic link loop`);
    clean(r);
  });
});

describe('nothing read or printed where it should not be', () => {
  const shadow = file('shadow', `root:*:20200:0:99999:7:::${CANARY}\n`);

  it('an evidence file that is a symlink to a secret is refused, named once on stderr, and never quoted', async () => {
    const folder = join(dir, 'evidence');
    mkdirSync(folder);
    symlinkSync(shadow, join(folder, 'host.json'));
    const r = await runCli(['scan', '--evidence', folder, '-o', join(dir, 'ev-out'), '--no-html', '--hosts-only']);
    expect(r.code).toBe(2);
    clean(r);
    const lines = r.stderr.split('\n').filter((l) => l.includes('host.json'));
    expect(lines).toEqual([
      expect.stringContaining('host.json: is a symbolic link: refused (pass --follow-symlinks to read it)'),
    ]);
  });

  it(
    'with --follow-symlinks, or named directly, a secret file is "invalid JSON" and its first bytes are not ' +
      'printed',
    async () => {
      for (const args of [
        ['--evidence', join(dir, 'evidence'), '--follow-symlinks'],
        ['--evidence', shadow],
      ]) {
        const r = await runCli(['scan', ...args, '-o', join(dir, 'ev-out'), '--no-html', '--hosts-only']);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/(host\.json|shadow)(:\d+:\d+)?: invalid JSON \(not a socready evidence file\)/);
        clean(r);
      }
    },
  );

  it('a waivers path that is a secret file or a device: refused by name, the scan ends, nothing quoted', async () => {
    for (const waivers of [shadow, '/dev/zero']) {
      const inv = file(
        'inventory-waivers.yaml',
        `version: 1\norganization: Acme\ntargets: []\nwaivers: ${waivers}\nrules: []\nplaybooks: []\nscenarios: []\n`,
      );
      const r = await runCli(['scan', '-i', inv, '-o', join(dir, 'wv-out'), '--no-html', '--hosts-only'], {
        timeoutMs: 60_000,
      });
      expect(r.code).not.toBeNull(); // not killed: /dev/zero used to be read until memory ran out
      expect(r.stderr).toContain(waivers);
      clean(r);
    }
  });
});

describe('control characters', () => {
  it('report --format md prints no ESC from a report string', async () => {
    const report = JSON.parse(readFileSync(REPORT, 'utf8'));
    report.run.organization = 'Acme\u001b]0;pwned\u0007\u001b[2J';
    const r = await runCli(['report', file('esc-report.json', JSON.stringify(report)), '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Acme');
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

function hasBrowser(): boolean {
  try {
    findBrowser();
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasBrowser())('PDF rendering', () => {
  it('writes nothing into $HOME and removes its temporary browser folder', async () => {
    const home = join(dir, 'home');
    const tmp = join(dir, 'tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    const out = join(dir, 'pdf', 'deeper', 'report.pdf');
    const r = await runCli(['report', REPORT, '--format', 'pdf', '-o', out], {
      env: { HOME: home, TMPDIR: tmp },
      timeoutMs: 300_000,
    });
    expect(r.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('find', [home, '-mindepth', '1'], { encoding: 'utf8' })).toBe('');
    expect(readdirSync(tmp).filter((n) => n.startsWith('socready-chromium-'))).toEqual([]);
  }, 300_000);
});
