import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { EvtxEvent } from '../../../src/sigma/events/windows.js';
import { loadRuleText } from '../../../src/sigma/loader.js';
import { Prefilter } from '../../../src/sigma/prefilter.js';
import { compileRegex, regexLiteral } from '../../../src/sigma/regex.js';
import type { CompiledDetectionRule, SigmaEvent } from '../../../src/sigma/types.js';
import { ev, PROC, rule, run } from './helpers.js';

/** Several rules in one engine, each a process_creation rule with its own id. */
function engineOf(detections: string[]): SigmaEngine {
  const rules = detections.flatMap((d, i) => {
    const text =
      `title: t${i}\nid: r${i}\nlogsource:\n  product: windows\n  category: ` + `process_creation\ndetection:\n${d}\n`;
    const r = loadRuleText(text, `r${i}.yml`);
    if (r.failures.length) throw new Error(r.failures.map((f) => f.error).join('; '));
    return r.rules;
  });
  return new SigmaEngine(rules);
}

/** Matches through the prefilter (process) and without it (every rule runs): they must agree. */
function agree(engine: SigmaEngine, events: SigmaEvent[]): Record<string, number> {
  const viaPrefilter = run(engine, events);
  const direct: Record<string, number> = {};
  for (const e of events) for (const id of engine.matchIds(e)) direct[id] = (direct[id] ?? 0) + 1;
  expect(viaPrefilter).toEqual(direct);
  return viaPrefilter;
}

function needOf(detection: string): CompiledDetectionRule['need'] {
  return (rule(detection).detections[0] as CompiledDetectionRule).need;
}

describe('literal prefilter', () => {
  it('needs every and-ed selection: a rule is no candidate while one part has no literal present', () => {
    const need = needOf(
      "  img:\n    Image|endswith: '\\csi.exe'\n  co:\n    Company: 'Microsoft Corporation'\n  condition: img and co",
    );
    expect(need).toHaveLength(2);
    const p = new Prefilter([{ need }]);
    expect(p.candidates(ev({ Image: 'C:\\x\\svchost.exe', Company: 'Microsoft Corporation' }))).toEqual([]);
    expect(p.candidates(ev({ Image: 'C:\\x\\CSI.EXE', Company: 'Microsoft Corporation' }))).toEqual([0]);
  });

  it('places anchored literals: an ending found mid-value or a prefix found later does not count', () => {
    const ends = new Prefilter([{ need: needOf("  s:\n    Image|endswith: '\\cmd.exe'\n  condition: s") }]);
    expect(ends.candidates(ev({ Image: 'C:\\cmd.exe.bak' }))).toEqual([]);
    expect(ends.candidates(ev({ Image: 'C:\\Windows\\CMD.exe' }))).toEqual([0]);
    const starts = new Prefilter([{ need: needOf("  s:\n    CommandLine|startswith: 'certutil'\n  condition: s") }]);
    expect(starts.candidates(ev({ CommandLine: 'x certutil -decode' }))).toEqual([]);
    expect(starts.candidates(ev({ CommandLine: 'CertUtil -decode' }))).toEqual([0]);
    const exact = new Prefilter([{ need: needOf('  s:\n    EventID: 16\n  condition: s') }]);
    expect(exact.candidates(ev({ EventID: 1 }))).toEqual([]);
    expect(exact.candidates(ev({ EventID: 116 }))).toEqual([]);
    expect(exact.candidates(ev({ EventID: 16 }))).toEqual([0]);
  });

  it('agrees with running every rule, on case, lists, numbers, anchors and characters that lower-case oddly', () => {
    const engine = engineOf([
      "  s:\n    Image|endswith:\n      - '\\cmd.exe'\n      - '\\powershell.exe'\n      - '\\pwsh.exe'\n    " +
        "  - '\\wscript.exe'\n  condition: s",
      "  s:\n    CommandLine|contains|all:\n      - 'kerberos::'\n      - '/ptt'\n  condition: s",
      "  a:\n    Image|endswith: '\\rundll32.exe'\n  b:\n    CommandLine|contains: 'javascript:'\n  condition: a and b",
      "  a:\n    ParentImage|endswith: '\\winword.exe'\n  b:\n    Image|endswith: '\\cmd.exe'\n  c:\n    " +
        "Image|endswith: '\\mshta.exe'\n  condition: a and (b or c)",
      "  s:\n    CommandLine|startswith: 'İcmd'\n  condition: s",
      '  s:\n    EventID:\n      - 1\n      - 4688\n  filter:\n    User: SYSTEM\n  condition: s and not filter',
      "  s:\n    CommandLine|contains: '^^'\n  condition: s",
      "  s:\n    CommandLine|re: '\\x41BC[0-9]'\n  condition: s",
    ]);
    const events = [
      { Image: 'C:\\Windows\\System32\\CMD.EXE', CommandLine: 'cmd /c whoami', EventID: 1, User: 'alice' },
      { Image: 'C:\\Windows\\System32\\cmd.exe.bak', CommandLine: 'x', EventID: 4688, User: 'SYSTEM' },
      // Kelvin sign (U+212A) lower-cases to an ASCII "k": the matchers see "kerberos::".
      { Image: 'C:\\m.exe', CommandLine: 'm.exe \u212Aerberos::ptt /ptt' },
      { Image: ['C:\\a.exe', 'C:\\Windows\\rundll32.exe'], CommandLine: ['x', 'JavaScript:alert(1)'] },
      { ParentImage: 'C:\\Office\\WINWORD.EXE', Image: 'C:\\Windows\\System32\\mshta.exe' },
      { ParentImage: 'C:\\Office\\WINWORD.EXE', Image: 'C:\\Windows\\System32\\notepad.exe' },
      // İ lower-cases to two characters: positions shift, anchors must be judged on the lower-cased value.
      { CommandLine: 'İcmd /c dir', Image: 'İ\\cmd.exe' },
      { CommandLine: 'c^^m^^d', EventID: '1' },
      { CommandLine: 'ABC7 and more', EventID: 3 },
      { CommandLine: 'abc7', Image: null },
    ].map((f) => ev(f));
    const counts = agree(engine, events);
    expect(counts).toEqual({ r0: 2, r1: 1, r2: 1, r3: 1, r4: 1, r5: 2, r6: 1, r7: 1 });
  });

  it('finds keywords in any value, in values the field passes scan and in the others, nested ones included', () => {
    const engine = engineOf([
      "  keywords:\n    - 'sekurlsa::'\n    - 'gentilkiwi.com'\n  condition: keywords",
      "  s:\n    Image|endswith: '\\lsass.exe'\n  condition: s",
    ]);
    const evtx = (data: Record<string, unknown>) =>
      new EvtxEvent({
        Event: { System: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1 }, EventData: data },
      });
    const events = [
      evtx({ Image: 'C:\\x\\SEKURLSA::logonpasswords.exe' }),
      evtx({ Image: 'C:\\x\\a.exe', Comment: 'see gentilkiwi.com' }),
      evtx({ Image: 'C:\\x\\a.exe', Nested: { Deep: ['x', 'sekurlsa::pth'] } }),
      evtx({ Image: 'C:\\x\\a.exe', Comment: 'nothing here' }),
      ev({ Image: 'C:\\Windows\\lsass.exe', Other: 'GentilKiwi.com' }, PROC),
    ];
    expect(agree(engine, events)).toEqual({ r0: 4, r1: 1 });
  });

  it('remembers values per field without changing results, also once the memory fills or pauses', () => {
    const engine = engineOf([
      "  s:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains: ' /c '\n  condition: s",
    ]);
    const events: SigmaEvent[] = [];
    for (let i = 0; i < 12_000; i++) {
      // Repeating images, unique command lines: one field remembered, one paused.
      const image = i % 3 === 0 ? 'C:\\Windows\\cmd.exe' : `C:\\Windows\\tool${i % 7}.exe`;
      events.push(ev({ Image: image, CommandLine: i % 5 === 0 ? `cmd /c echo ${i}` : `cmd /k echo ${i}` }));
    }
    const counts = run(engine, events);
    const expected = events.filter((_, i) => i % 3 === 0 && i % 5 === 0).length;
    expect(counts).toEqual({ r0: expected });
  });
});

describe('regex guard', () => {
  it('takes no literal from escapes that stand for other characters', () => {
    expect(regexLiteral('\\x41bc')).toBe('bc');
    expect(regexLiteral('ab\\u0041cd')).toBe('ab');
    expect(regexLiteral('\\cJxyz')).toBe('xyz');
    expect(regexLiteral('(a)\\k<n>zz')).toBe('zz');
    expect(regexLiteral('\\101bc')).toBe('bc');
    expect(compileRegex('\\101BC', {}).test('ABC')).toBe(true);
  });

  it('rules values out by their literal run and still matches the rest', () => {
    const re = compileRegex('evil\\d+\\.exe', {});
    expect(re.test('run evil42.exe now')).toBe(true);
    expect(re.test('run good42.exe now')).toBe(false);
    const ci = compileRegex('EVIL\\d+', { i: true });
    expect(ci.test('x evil7')).toBe(true);
    const punct = compileRegex('::\\w+', { i: true });
    expect(punct.test('sekurlsa::LogonPasswords')).toBe(true);
    expect(punct.test('sekurlsa:LogonPasswords')).toBe(false);
  });
});
