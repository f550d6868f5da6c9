import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODIFIERS } from '../../../src/sigma/modifiers.js';
import { SHARED_DIR } from '../../helpers/paths.js';
import { base64offset } from '../../../src/sigma/pattern.js';
import { loadError, matches, rule } from './helpers.js';

describe('value matching', () => {
  it('compares case-insensitively by default and cased on request', () => {
    const r = rule("  sel:\n    Image: 'C:\\Windows\\cmd.exe'\n  condition: sel");
    expect(matches(r, { Image: 'c:\\windows\\CMD.EXE' })).toBe(true);
    const c = rule("  sel:\n    Image|cased: 'C:\\Windows\\cmd.exe'\n  condition: sel");
    expect(matches(c, { Image: 'c:\\windows\\CMD.EXE' })).toBe(false);
    expect(matches(c, { Image: 'C:\\Windows\\cmd.exe' })).toBe(true);
  });

  it('handles * and ? wildcards and their escapes', () => {
    const r = rule("  sel:\n    CommandLine: 'a*b?c'\n  condition: sel");
    expect(matches(r, { CommandLine: 'aXXXbYc' })).toBe(true);
    expect(matches(r, { CommandLine: 'aXXXbc' })).toBe(false);
    const lit = rule("  sel:\n    CommandLine: 'a\\*b\\?'\n  condition: sel");
    expect(matches(lit, { CommandLine: 'a*b?' })).toBe(true);
    expect(matches(lit, { CommandLine: 'aXb?' })).toBe(false);
    // \\* is a backslash followed by a wildcard
    const bs = rule("  sel:\n    CommandLine: 'x\\\\*'\n  condition: sel");
    expect(matches(bs, { CommandLine: 'x\\anything' })).toBe(true);
    expect(matches(bs, { CommandLine: 'xanything' })).toBe(false);
    // a plain backslash before other characters stays a backslash
    const path = rule("  sel:\n    Image|endswith: '\\rundll32.exe'\n  condition: sel");
    expect(matches(path, { Image: 'C:\\Windows\\System32\\rundll32.exe' })).toBe(true);
    expect(matches(path, { Image: 'C:\\Windows\\System32\\xrundll32.exe' })).toBe(false);
  });

  it('contains, startswith, endswith and all', () => {
    const r = rule("  sel:\n    CommandLine|contains|all:\n      - ' -enc '\n      - 'hidden'\n  condition: sel");
    expect(matches(r, { CommandLine: 'powershell -w hidden -enc AAA' })).toBe(true);
    expect(matches(r, { CommandLine: 'powershell -enc AAA' })).toBe(false);
    const s = rule("  sel:\n    CommandLine|startswith: 'net '\n  condition: sel");
    expect(matches(s, { CommandLine: 'NET user' })).toBe(true);
    expect(matches(s, { CommandLine: 'xnet user' })).toBe(false);
  });

  it('lists are OR, maps are AND, and lists of maps are OR of ANDs', () => {
    const r = rule(
      "  sel:\n    - Image|endswith: '\\a.exe'\n      User: bob\n    - Image|endswith: '\\b.exe'\n  condition: sel",
    );
    expect(matches(r, { Image: 'x\\a.exe', User: 'bob' })).toBe(true);
    expect(matches(r, { Image: 'x\\a.exe', User: 'eve' })).toBe(false);
    expect(matches(r, { Image: 'x\\b.exe' })).toBe(true);
  });

  it('exists checks presence only, null means absent or null, empty string means empty', () => {
    const ex = rule('  sel:\n    ParentImage|exists: true\n  condition: sel');
    expect(matches(ex, { ParentImage: null })).toBe(true);
    expect(matches(ex, { Image: 'x' })).toBe(false);
    const notEx = rule('  sel:\n    ParentImage|exists: false\n  condition: sel');
    expect(matches(notEx, { Image: 'x' })).toBe(true);
    const nul = rule('  sel:\n    OriginalFileName: null\n  condition: sel');
    expect(matches(nul, { Image: 'x' })).toBe(true);
    expect(matches(nul, { OriginalFileName: null })).toBe(true);
    expect(matches(nul, { OriginalFileName: '' })).toBe(false);
    const empty = rule("  sel:\n    OriginalFileName: ''\n  condition: sel");
    expect(matches(empty, { OriginalFileName: '' })).toBe(true);
    expect(matches(empty, { Image: 'x' })).toBe(false);
    expect(loadError("  sel:\n    A:\n      - ''\n      - null\n  condition: sel")).toMatch(
      /null cannot be part of a list/,
    );
  });

  it('neq matches values different from all given ones', () => {
    const r = rule('  sel:\n    User|neq:\n      - alice\n      - bob\n  condition: sel');
    expect(matches(r, { User: 'eve' })).toBe(true);
    expect(matches(r, { User: 'ALICE' })).toBe(false);
  });

  it('windash accepts -, /, en dash, em dash and horizontal bar', () => {
    const r = rule("  sel:\n    CommandLine|windash|contains: ' -decode '\n  condition: sel");
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(matches(r, { CommandLine: `certutil ${d}decode a b` })).toBe(true);
    expect(matches(r, { CommandLine: 'certutil +decode a b' })).toBe(false);
  });

  it('re with i, m and s sub-modifiers; case-sensitive by default', () => {
    const r = rule("  sel:\n    CommandLine|re: 'Invoke-[A-Z]+'\n  condition: sel");
    expect(matches(r, { CommandLine: 'x Invoke-MIMI' })).toBe(true);
    expect(matches(r, { CommandLine: 'x invoke-mimi' })).toBe(false);
    const i = rule("  sel:\n    CommandLine|re|i: 'invoke-[a-z]+'\n  condition: sel");
    expect(matches(i, { CommandLine: 'INVOKE-X' })).toBe(true);
    const m = rule("  sel:\n    CommandLine|re|m: '^second$'\n  condition: sel");
    expect(matches(m, { CommandLine: 'first\nsecond\nthird' })).toBe(true);
    const s = rule("  sel:\n    CommandLine|re|s: 'a.b'\n  condition: sel");
    expect(matches(s, { CommandLine: 'a\nb' })).toBe(true);
    const noS = rule("  sel:\n    CommandLine|re: 'a.b'\n  condition: sel");
    expect(matches(noS, { CommandLine: 'a\nb' })).toBe(false);
    const inline = rule("  sel:\n    CommandLine|re: '(?i)invoke'\n  condition: sel");
    expect(matches(inline, { CommandLine: 'INVOKE' })).toBe(true);
  });

  it('base64 and base64offset find encoded values', () => {
    const r = rule("  sel:\n    CommandLine|base64: 'whoami'\n  condition: sel");
    expect(matches(r, { CommandLine: Buffer.from('whoami').toString('base64') })).toBe(true);
    const off = rule("  sel:\n    CommandLine|base64offset|contains: 'http://'\n  condition: sel");
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const enc = Buffer.from(`${prefix}http://evil`).toString('base64');
      expect(matches(off, { CommandLine: `powershell -e ${enc}` })).toBe(true);
    }
    expect(matches(off, { CommandLine: Buffer.from('https:/x').toString('base64') })).toBe(false);
    expect(base64offset('http://', false)).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  });

  it('utf16le/wide, utf16be and utf16 (BOM) feed base64', () => {
    const wide = rule("  sel:\n    CommandLine|wide|base64offset|contains: 'ping'\n  condition: sel");
    const enc = Buffer.from('xping 127.0.0.1', 'utf16le').toString('base64');
    expect(matches(wide, { CommandLine: `powershell -enc ${enc}` })).toBe(true);
    const le = rule("  sel:\n    CommandLine|utf16le|base64: 'cmd'\n  condition: sel");
    expect(matches(le, { CommandLine: Buffer.from('cmd', 'utf16le').toString('base64') })).toBe(true);
    const be = rule("  sel:\n    CommandLine|utf16be|base64: 'cmd'\n  condition: sel");
    expect(matches(be, { CommandLine: Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64') })).toBe(true);
    const bom = rule("  sel:\n    CommandLine|utf16|base64: 'cmd'\n  condition: sel");
    expect(matches(bom, { CommandLine: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') })).toBe(
      true,
    );
  });

  it('lt, lte, gt, gte compare numbers', () => {
    const r = rule('  sel:\n    Size|gt: 100\n    Size|lte: 200\n  condition: sel');
    expect(matches(r, { Size: 150 })).toBe(true);
    expect(matches(r, { Size: '200' })).toBe(true);
    expect(matches(r, { Size: 100 })).toBe(false);
    expect(matches(r, { Size: 'abc' })).toBe(false);
    const lt = rule('  sel:\n    Size|lt: 10\n  condition: sel');
    expect(matches(lt, { Size: 9.5 })).toBe(true);
    const gte = rule('  sel:\n    Size|gte: 10\n  condition: sel');
    expect(matches(gte, { Size: 10 })).toBe(true);
  });

  it('time modifiers read parts of a date, alone or with a comparison', () => {
    const night = rule('  sel:\n    UtcTime|hour|gte: 22\n  condition: sel');
    expect(matches(night, { UtcTime: '2026-03-01 23:15:00.000' })).toBe(true);
    expect(matches(night, { UtcTime: '2026-03-01 08:15:00.000' })).toBe(false);
    const parts = rule(
      '  sel:\n    T|year: 2026\n    T|month: 3\n    T|day: 1\n    T|minute: 15\n    T|week: 9\n  condition: sel',
    );
    expect(matches(parts, { T: '2026-03-01T23:15:00Z' })).toBe(true);
    expect(matches(parts, { T: '2026-03-02T23:15:00Z' })).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 networks', () => {
    const r = rule("  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n      - 'fd00::/8'\n  condition: sel");
    expect(matches(r, { DestinationIp: '10.20.30.40' })).toBe(true);
    expect(matches(r, { DestinationIp: '11.0.0.1' })).toBe(false);
    expect(matches(r, { DestinationIp: 'fd12:3456::1' })).toBe(true);
    expect(matches(r, { DestinationIp: 'fe80::1' })).toBe(false);
    expect(matches(r, { DestinationIp: 'not-an-ip' })).toBe(false);
    const v4mapped = rule("  sel:\n    DestinationIp|cidr: '192.168.1.0/24'\n  condition: sel");
    expect(matches(v4mapped, { DestinationIp: '::ffff:192.168.1.9' })).toBe(true);
  });

  it('expand replaces placeholders from configuration; unknown ones never match and are reported', () => {
    const r = rule("  sel:\n    User|expand: '%Admins%'\n  condition: sel", {
      placeholders: { Admins: ['root', 'admin'] },
    });
    expect(matches(r, { User: 'admin' })).toBe(true);
    expect(matches(r, { User: 'alice' })).toBe(false);
    const missing = rule("  sel:\n    User|expand: '%Nobody%'\n  condition: sel");
    expect(matches(missing, { User: '%Nobody%' })).toBe(false);
    expect(missing.warnings[0]!.error).toMatch(/%Nobody% has no configured values/);
    const escaped = rule("  sel:\n    User|expand: '\\%plain%Admins%'\n  condition: sel", {
      placeholders: { Admins: ['x'] },
    });
    expect(matches(escaped, { User: '%plainx' })).toBe(true);
  });

  it('fieldref compares two fields of the same event, also with neq and endswith', () => {
    const r = rule('  sel:\n    User|fieldref: ParentUser\n  condition: sel');
    expect(matches(r, { User: 'A', ParentUser: 'a' })).toBe(true);
    expect(matches(r, { User: 'A', ParentUser: 'b' })).toBe(false);
    const n = rule('  sel:\n    User|fieldref|neq: ParentUser\n  condition: sel');
    expect(matches(n, { User: 'A', ParentUser: 'b' })).toBe(true);
    const e = rule('  sel:\n    TargetFilename|fieldref|endswith: Name\n  condition: sel');
    expect(matches(e, { TargetFilename: 'c:\\x\\evil.exe', Name: 'evil.exe' })).toBe(true);
  });

  it('keyword searches look at every value; |all needs every keyword', () => {
    const r = rule("  keywords:\n    - 'event::clear'\n    - 'event::drop'\n  condition: keywords");
    expect(matches(r, { Payload: 'mimikatz # EVENT::Clear' })).toBe(true);
    expect(matches(r, { Payload: 'nothing' })).toBe(false);
    const all = rule("  kw:\n    '|all':\n      - 'OabVirtualDirectory'\n      - ' -ExternalUrl '\n  condition: kw");
    expect(matches(all, { A: 'Set-OabVirtualDirectory', B: 'x -ExternalUrl y' })).toBe(true);
    expect(matches(all, { A: 'Set-OabVirtualDirectory' })).toBe(false);
  });

  it('matches numbers and booleans in events as strings, and arrays by any element', () => {
    const r = rule('  sel:\n    EventID: 4688\n    Flag: true\n  condition: sel');
    expect(matches(r, { EventID: '4688', Flag: 'True' })).toBe(true);
    const arr = rule("  sel:\n    Tags|contains: 'evil'\n  condition: sel");
    expect(matches(arr, { Tags: ['good', 'very-evil'] })).toBe(true);
  });

  it('rejects unknown modifiers and misuse with a precise reason', () => {
    expect(loadError("  sel:\n    A|foo: 'x'\n  condition: sel")).toMatch(/unsupported modifier 'foo' on field A/);
    expect(loadError("  sel:\n    A|base64: 'x*'\n  condition: sel")).toMatch(/base64.*wildcards/);
    expect(loadError("  sel:\n    A|i: 'x'\n  condition: sel")).toMatch(/sub-modifier of 're'/);
    expect(loadError("  sel:\n    A|gt: 'abc'\n  condition: sel")).toMatch(/not a number/);
    expect(loadError("  sel:\n    A|cidr: '10.0.0.0/33'\n  condition: sel")).toMatch(/prefix length/);
  });
});

describe('wildcard patterns with several *', () => {
  it('match in order, anchored at both ends, without backtracking blow-up', () => {
    const r = rule("  sel:\n    CommandLine: 'a*b*c'\n  condition: sel");
    expect(matches(r, { CommandLine: 'aXbYc' })).toBe(true);
    expect(matches(r, { CommandLine: 'abc' })).toBe(true);
    expect(matches(r, { CommandLine: 'acb' })).toBe(false);
    expect(matches(r, { CommandLine: 'aXbYcZ' })).toBe(false);
    expect(matches(r, { CommandLine: 'ac' })).toBe(false);
    // overlapping prefix and suffix: "ab*ba" must not accept "aba"
    const o = rule("  sel:\n    CommandLine: 'ab*ba'\n  condition: sel");
    expect(matches(o, { CommandLine: 'aba' })).toBe(false);
    expect(matches(o, { CommandLine: 'abba' })).toBe(true);
    const long = rule("  sel:\n    CommandLine|contains: 'x*y*z*w'\n  condition: sel");
    expect(matches(long, { CommandLine: `${'xyz'.repeat(30_000)}!` })).toBe(false);
  });
});

describe('the modifier table', () => {
  it('has an entry for every modifier the Sigma specification lists', () => {
    const spec = readFileSync(
      join(SHARED_DIR, 'sigma', 'spec', 'specification', 'sigma-appendix-modifiers.md'),
      'utf8',
    );
    const listed = [...spec.matchAll(/^\s*- `([a-z0-9]+)`:/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(25);
    expect(listed.filter((m) => !Object.hasOwn(MODIFIERS, m))).toEqual([]);
  });

  it.each([
    ['A|cidr|contains', "'10.0.0.0/8'", "'cidr' cannot be combined with contains"],
    ['A|exists|neq', 'true', "'exists' cannot be combined with neq"],
    ['A|lt|cased', '5', "'lt' cannot be combined with cased"],
    ['A|re|base64', "'x'", "'re' cannot be combined with base64"],
    ['A|base64|fieldref', 'B', "'fieldref' cannot be combined with base64"],
    ['A|contains|m', "'x'", "'m' is a sub-modifier of 're'"],
  ])('rejects %s, naming the search, the field, its modifiers and the line of the key', (key, value, reason) => {
    const error = loadError(`  sel:\n    B: 1\n    ${key}: ${value}\n  condition: sel`);
    expect(error).toContain(`line 9:5: detection.sel: `);
    expect(error).toContain(reason);
    if (!reason.includes('sub-modifier')) expect(error).toContain(key);
  });

  it('locates an error inside a list of maps by the key that caused it', () => {
    expect(loadError("  sel:\n    - A: 1\n    - B|cidr|all: '10.0.0.0/8'\n  condition: sel")).toBe(
      "line 9:7: detection.sel: B|cidr|all: 'cidr' cannot be combined with all",
    );
  });

  it('accepts the combinations the table allows, in any written order', () => {
    expect(matches(rule('  sel:\n    A|minute|lt: 30\n  condition: sel'), { A: '2024-01-01 10:15:00' })).toBe(true);
    expect(matches(rule("  sel:\n    A|i|re: '^ab'\n  condition: sel"), { A: 'ABC' })).toBe(true);
    expect(matches(rule('  sel:\n    A|endswith|fieldref: B\n  condition: sel'), { A: 'xyz', B: 'yz' })).toBe(true);
    expect(matches(rule("  sel:\n    A|neq|cidr: '10.0.0.0/8'\n  condition: sel"), { A: '192.168.0.1' })).toBe(true);
  });
});
