// Hostile inputs at the library level (issue 18): every file is generated here, in a temp folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOfflineEvidence } from '../../../src/collect/offline.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadPlaybookFile } from '../../../src/playbook/load.js';
import { renderReport } from '../../../src/report/render.js';
import { loadWaivers } from '../../../src/score/waivers.js';
import { loadRules } from '../../../src/sigma/loader.js';
import { listEventFiles } from '../../../src/sigma/events/reader.js';
import { terminalSummary } from '../../../src/summary.js';
import { INPUT_LIMITS, parseJsonText, readInputText } from '../../../src/util/input-file.js';
import { writeOutputFile } from '../../../src/util/output-file.js';
import { InputError, readYamlFile } from '../../../src/util/validate.js';
import { run } from '../report-formats/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-hostile-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CANARY = 'CANARY-7f3a-SECRET';
const SHADOW = `root:*:20200:0:99999:7:::${CANARY}\n`;

/** Nine levels of nine aliases: a few hundred bytes that expand to 9^9 strings ("billion laughs"). */
function aliasBomb(prefix = ''): string {
  const lines = [`${prefix}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 9; i++)
    lines.push(
      `${prefix}a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    return e as InputError;
  }
  throw new Error('expected an error');
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('one YAML loader: alias bombs are a located input error, not a ReferenceError', () => {
  it.each([
    ['an inventory', () => loadInventory(file('inv-bomb.yaml', aliasBomb()))],
    [
      'a native playbook',
      () => loadPlaybookFile(file('native-bomb.yaml', `socready_playbook: 1\nid: x\n${aliasBomb()}`)),
    ],
    [
      'an XSOAR playbook',
      () => loadPlaybookFile(file('xsoar-bomb.yml', `starttaskid: "0"\ntasks: {}\n${aliasBomb()}`)),
    ],
    ['a waivers file', () => loadWaivers(file('waivers-bomb.yaml', `waivers:\n${aliasBomb('  ')}`))],
  ])('%s', (_what, load) => {
    const e = thrown(load);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/-bomb\.ya?ml:\d+:\d+: YAML aliases expand past 100/);
  });

  it('a Sigma rule file with an alias bomb is a failure of that file, and the load goes on', () => {
    const r = loadRules([file('rule-bomb.yml', `title: x\n${aliasBomb()}`)]);
    expect(r.failures[0]?.error).toMatch(/line \d+:\d+: YAML aliases expand past 100/);
  });

  it('refuses a YAML file over the size limit before parsing it', () => {
    const big = file('big.yaml', `a: "${'x'.repeat(64)}"\n`);
    const e = thrown(() => readYamlFile(big, { maxBytes: 32 }));
    expect(e.message).toMatch(/big\.yaml: is .* over the .* limit/);
    expect(INPUT_LIMITS.yamlBytes).toBeGreaterThan(1024 * 1024);
  });
});

describe('errors name the file and the problem, never its content', () => {
  it("a JSON parse error gives the place, not Node's quote of the text", () => {
    const e = thrown(() => parseJsonText(SHADOW, 'shadow'));
    // Node 20 gives no position for an unexpected token, later versions do: the place is shown when known.
    expect(e.message).toMatch(/^shadow(:1:1)?: invalid JSON$/);
    expect(thrown(() => parseJsonText(`{"a": "${CANARY}"`, 'cut.json')).message).not.toContain(CANARY);
  });

  it('a YAML syntax error carries no code frame or quoted text', () => {
    const e = thrown(() => readYamlFile(file('frame.yaml', `key: [${CANARY}\n  other: *${CANARY}\n`)));
    expect(e.message).toMatch(/^.*frame\.yaml:\d+:\d+: YAML syntax/);
    expect(e.message).not.toContain(CANARY);
    expect(e.message).not.toContain('\n');
  });

  it(
    'an evidence file that is a symbolic link is refused unless links are allowed, and its content is never ' +
      'quoted',
    () => {
      const secret = file('shadow', SHADOW);
      const link = join(dir, 'host.json');
      symlinkSync(secret, link);
      const refused = thrown(() => readOfflineEvidence(link));
      expect(refused.message).toContain('host.json: is a symbolic link: refused (pass --follow-symlinks');
      const followed = thrown(() => readOfflineEvidence(link, { followSymlinks: true }));
      expect(followed.message).toMatch(/host\.json(:1:1)?: invalid JSON \(not a socready evidence file\)/);
      for (const e of [refused, followed, thrown(() => readOfflineEvidence(secret))])
        expect(e.message).not.toMatch(/root|CANARY/);
    },
  );

  it('refuses devices and FIFOs (which would block or never end) instead of reading them', () => {
    expect(thrown(() => readInputText('/dev/zero', { maxBytes: 1024 })).message).toBe(
      '/dev/zero: is not a regular file (a device, FIFO or socket): refused',
    );
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(thrown(() => loadWaivers(fifo)).message).toContain('is not a regular file');
    expect(thrown(() => readInputText(dir, { maxBytes: 1024 })).message).toContain('is a folder');
  });
});

describe('directory walks', () => {
  it('name and skip a symbolic link loop and a second link to the same folder, reading every file once', () => {
    const root = join(dir, 'events');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.json'), '{}\n');
    writeFileSync(join(root, 'sub', 'b.json'), '{}\n');
    symlinkSync('..', join(root, 'sub', 'loop'));
    symlinkSync(join(root, 'sub'), join(root, 'twin'));
    const skipped: string[] = [];
    const files = listEventFiles([root], (p, reason) => skipped.push(`${p}: ${reason}`));
    expect(files).toEqual([join(root, 'a.json'), join(root, 'sub', 'b.json')]);
    expect(skipped).toEqual([
      `${join(root, 'sub', 'loop')}: symbolic link loop (leads back to a folder above it): skipped`,
      `${join(root, 'twin')}: same folder already read through another path: skipped`,
    ]);
  });

  it('a rule folder with a loop loads its rules and lists the loop as a failure', () => {
    const root = join(dir, 'rules');
    mkdirSync(root);
    symlinkSync('.', join(root, 'self'));
    const r = loadRules([root]);
    expect(r.failures).toEqual([
      { path: join(root, 'self'), error: 'symbolic link loop (leads back to a folder above it): skipped' },
    ]);
  });
});

describe('one output writer', () => {
  it('creates missing parent folders', () => {
    const out = join(dir, 'nope', 'deeper', 'layer.json');
    writeOutputFile(out, '{}\n');
    expect(readFileSync(out, 'utf8')).toBe('{}\n');
  });

  it.each([
    ['a folder', () => dir, /cannot write: it is a folder/],
    [
      'a path under a regular file',
      () => join(dir, 'big.yaml', 'x.html'),
      /cannot write: cannot create the output folder: .*(a file is in the way|not a folder)/,
    ],
    ['a full device', () => '/dev/full', /\/dev\/full: cannot write: no space left on the device \(ENOSPC\)/],
    ['a read-only place', () => '/sys/socready-test.html', /cannot write: (permission denied|read-only file system)/],
  ])('answers %s with an input error naming the path and the reason', (_what, path, reason) => {
    const e = thrown(() => writeOutputFile(path(), 'report'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(path());
    expect(e.message).toMatch(reason);
  });

  let small: string | undefined;
  try {
    small = mkdtempSync(join(dir, 'tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small], { stdio: 'ignore' });
  } catch {
    small = undefined; // not root, or no mount in this sandbox: the device test above still covers ENOSPC
  }
  it.skipIf(!small)('a write that fills the disk leaves the previous report whole and no temporary file', () => {
    try {
      const report = join(small!, 'report.json');
      writeOutputFile(report, '{"previous": true}\n');
      const e = thrown(() => writeOutputFile(report, 'x'.repeat(256 * 1024)));
      expect(e.message).toMatch(/report\.json: cannot write: no space left on the device \(ENOSPC\)/);
      expect(readFileSync(report, 'utf8')).toBe('{"previous": true}\n');
      expect(readdirSync(small!)).toEqual(['report.json']);
    } finally {
      execFileSync('umount', [small!]);
    }
  });
});

describe('control characters never reach a text output', () => {
  const ESC = '\u001b]0;pwned\u0007\u001b[2J';
  const hostile = () => {
    const r = run(2);
    r.run.organization = `Acme${ESC}`;
    const f = r.findings.find((x) => x.status === 'fail')!;
    f.title = { en: `bad${ESC}`, ja: `bad${ESC}` };
    f.excerpt = `evidence${ESC}`;
    return r;
  };

  it.each(['md', 'junit', 'sarif', 'hdf'] as const)('%s', async (format) => {
    const text = (await renderReport(hostile(), format, { lang: 'en' }))!;
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(text).not.toContain('\\u001b');
  });

  it('the terminal summary', () => {
    expect(terminalSummary(hostile(), {}, false)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
