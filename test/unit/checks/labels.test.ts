// Fact labels are catalog data (checks/labels): validated, tied to parsers that exist, matched by path pattern.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFor, loadFactLabels } from '../../../src/checks/labels.js';
import type { InputError } from '../../../src/util/validate.js';

function load(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'socready-labels-'));
  try {
    writeFileSync(join(dir, 'facts.yaml'), yaml);
    const problems: InputError[] = [];
    return { labels: loadFactLabels(dir, new Set(['auditd-service']), problems), problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fact labels', () => {
  it('loads labels per parser and refuses a parser that does not exist, naming the file', () => {
    const { labels, problems } = load('auditd-service:\n  running: { en: auditd running, ja: auditd の稼働 }\n');
    expect(problems).toEqual([]);
    expect(labels.get('auditd-service')).toEqual({ running: { en: 'auditd running', ja: 'auditd の稼働' } });
    const bad = load('no-such-parser:\n  running: { en: a, ja: b }\n');
    expect(bad.problems.map((p) => p.message)).toEqual([expect.stringContaining('unknown parser "no-such-parser"')]);
  });

  it('refuses a label without its Japanese words', () => {
    const { problems } = load('auditd-service:\n  running: { en: auditd running }\n');
    expect(problems).toHaveLength(1);
  });

  it('matches `*` to one segment, the most specific pattern winning', () => {
    const table = {
      'by_guid.*.state': { en: '{name}', ja: '{name}' },
      'by_guid.x.state': { en: 'x', ja: 'x' },
    };
    expect(labelFor(table, 'by_guid.g1.state')?.en).toBe('{name}');
    expect(labelFor(table, 'by_guid.x.state')?.en).toBe('x');
    expect(labelFor(table, 'by_guid.g1')).toBeUndefined();
  });
});
