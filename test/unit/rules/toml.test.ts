import { describe, expect, it } from 'vitest';
import { parseToml, TomlError } from '../../../src/rules/toml.js';

describe('parseToml', () => {
  it('reads tables, arrays of tables nested under the last element, and dotted keys', () => {
    const doc = parseToml(`
title = "x"
[rule]
name = "n"
a.b.c = 1
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1003"
[[rule.threat.technique.subtechnique]]
id = "T1003.001"
[rule.threat.tactic]
id = "TA0006"
[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = "TA0005"
`);
    expect(doc.title).toBe('x');
    const rule = doc.rule as Record<string, unknown>;
    expect(rule.a).toEqual({ b: { c: 1 } });
    const threat = rule.threat as Record<string, unknown>[];
    expect(threat).toHaveLength(2);
    expect(threat[0]!.technique).toEqual([{ id: 'T1003', subtechnique: [{ id: 'T1003.001' }] }]);
    expect(threat[0]!.tactic).toEqual({ id: 'TA0006' });
    expect(threat[1]!.tactic).toEqual({ id: 'TA0005' });
  });

  it('reads the four string kinds with their escaping rules', () => {
    const doc = parseToml(
      [
        String.raw`basic = "tab\there \"q\" \u00e9"`,
        String.raw`literal = 'C:\Windows\System32'`,
        'ml = """',
        'line one \\',
        '    continues',
        'line two"""',
        "mll = '''",
        String.raw`regex ~ "C:\\Program Files( \(x86\))?\\.*"`,
        "'''",
      ].join('\n'),
    );
    expect(doc.basic).toBe('tab\there "q" é');
    expect(doc.literal).toBe('C:\\Windows\\System32');
    expect(doc.ml).toBe('line one continues\nline two');
    expect(doc.mll).toBe(String.raw`regex ~ "C:\\Program Files( \(x86\))?\\.*"` + '\n');
  });

  it('reads numbers, booleans, dates, multi-line arrays with comments and inline tables', () => {
    const doc = parseToml(`
i = 1_000
neg = -7
hex = 0xff
f = 0.75
e = 1e3
t = true
d = 2024-03-11
dt = 1979-05-27T07:32:00Z
arr = [
  "a", # first
  "b",
]
inline = { package = "windows", version = "^1.5.0" }
`);
    expect(doc).toMatchObject({
      i: 1000,
      neg: -7,
      hex: 255,
      f: 0.75,
      e: 1000,
      t: true,
      d: '2024-03-11',
      dt: '1979-05-27T07:32:00Z',
      arr: ['a', 'b'],
    });
    expect(doc.inline).toEqual({ package: 'windows', version: '^1.5.0' });
  });

  it('rejects duplicate keys, redefined tables and bad values with line and column', () => {
    expect(() => parseToml('a = 1\na = 2')).toThrow(/2:1: duplicate key "a"/);
    expect(() => parseToml('[t]\nx = 1\n[t]\ny = 2')).toThrow(/defined twice/);
    expect(() => parseToml('x = nope')).toThrow(TomlError);
    expect(() => parseToml('x = "open')).toThrow(/1:\d+: unterminated string/);
    expect(() => parseToml('x = [1, 2')).toThrow(/expected "," or "\]"/);
  });
});
