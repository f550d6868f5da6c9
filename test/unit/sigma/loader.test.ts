import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { loadRuleText, loadRules } from '../../../src/sigma/loader.js';
import { compileRegex, hasNestedQuantifier } from '../../../src/sigma/regex.js';
import { ev } from './helpers.js';

describe('rule loading', () => {
  it('loads good files and lists bad ones with file, line and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigma-'));
    writeFileSync(
      join(dir, 'good.yml'),
      'title: ok\nid: g\nlogsource:\n  product: windows\ndetection:\n  s:\n    A: 1\n  condition: s\n',
    );
    writeFileSync(join(dir, 'syntax.yml'), 'title: [unclosed\n');
    writeFileSync(
      join(dir, 'schema.yml'),
      'title: x\nlogsource:\n  product: windows\ndetection:\n  s:\n    A: 1\n  condition: s\nlevel: urgent\n',
    );
    writeFileSync(join(dir, 'nodetect.yml'), 'title: x\nlogsource:\n  product: windows\n');
    const r = loadRules([dir]);
    expect(r.rules.map((x) => x.id)).toEqual(['g']);
    const byFile = Object.fromEntries(r.failures.map((f) => [f.path.split('/').pop(), f.error]));
    expect(byFile['syntax.yml']).toMatch(/^line \d+:\d+: YAML syntax/);
    expect(byFile['schema.yml']).toMatch(/line 8:.*level: must be one of informational, low, medium, high, critical/);
    expect(byFile['nodetect.yml']).toMatch(/missing required field "detection"/);
    expect(r.failures).toHaveLength(3);
  });

  it('keeps the good documents of a multi-document file and names the bad document and the line of the bad key', () => {
    const r = loadRuleText(
      'title: a\nid: a\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n---\ntitle: ' +
        'b\nid: b\nlogsource: {product: windows}\ndetection:\n  s: {A|nope: 1}\n  condition: s\n',
      'multi.yml',
    );
    expect(r.rules.map((x) => x.id)).toEqual(['a']);
    expect(r.failures).toEqual([
      { path: 'multi.yml', error: "document 2: line 12:7: detection.s: unsupported modifier 'nope' on field A" },
    ]);
  });

  it('merges Sigma 1.0 action: global documents into the following rules', () => {
    const r = loadRuleText(
      'action: global\ntitle: g\nlogsource: {product: windows}\ndetection:\n  condition: s\n---\nid: ' +
        'one\ndetection:\n  s: {A: 1}\n---\nid: two\ndetection:\n  s: {A: 2}\n',
      'global.yml',
    );
    expect(r.failures).toEqual([]);
    expect(r.rules.map((x) => x.id)).toEqual(['one', 'two']);
  });

  it('applies meta-filters to the rules they name', () => {
    const r = loadRuleText(
      'title: rar\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\nlogsource: {product: windows, category: ' +
        'process_creation}\ndetection:\n  s: {Image|endswith: \\rar.exe}\n  condition: s\n---\ntitle: ' +
        'admins\nlogsource: {product: windows, category: process_creation}\nfilter:\n  rules: ' +
        '[6f3e2987-db24-4c78-a860-b4f4095a7095]\n  selection:\n    User|startswith: adm_\n  condition: ' +
        'selection\n',
      'filter.yml',
    );
    expect(r.failures).toEqual([]);
    const e = new SigmaEngine(r.rules);
    expect(e.matchIds(ev({ Image: 'c:\\rar.exe', User: 'bob' }))).toEqual(['6f3e2987-db24-4c78-a860-b4f4095a7095']);
    expect(e.matchIds(ev({ Image: 'c:\\rar.exe', User: 'adm_bob' }))).toEqual([]);
  });
});

describe('regular expression guard', () => {
  it('finds the shapes that backtrack catastrophically', () => {
    for (const bad of ['(a+)+$', '(a|aa)*b', '(\\w+\\s?)*$', '(?:.*\\)){1,}x', '((ab)*)+'])
      expect(hasNestedQuantifier(bad)).toBe(true);
    for (const ok of ['a+b*', '(abc)+', '(a|b)', '[a-z]+\\d{2,5}', 'x(?:foo)?y', '(ab){3}'])
      expect(hasNestedQuantifier(ok)).toBe(false);
  });

  it('runs a risky regex in linear time instead of hanging', () => {
    const r = compileRegex('^(a+)+$', {});
    expect(r.engine).toBe('linear');
    const started = process.hrtime.bigint();
    expect(r.test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(r.test('aaaa')).toBe(true);
    // not a timing assertion on speed, only that it returned at all; a backtracking engine would not in our lifetime
    expect(process.hrtime.bigint() > started).toBe(true);
  });

  it('keeps case-insensitivity for risky regexes on the linear engine', () => {
    const r = compileRegex('(ab+)+c', { i: true });
    expect(r.engine).toBe('linear');
    expect(r.test('xABBbC')).toBe(true);
  });

  it('rejects risky regexes the linear engine cannot run, naming the reason', () => {
    expect(() => compileRegex('(a+)+\\1', {})).toThrow(/nested quantifiers.*cannot run in linear time/);
  });
});
