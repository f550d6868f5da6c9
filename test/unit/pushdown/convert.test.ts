// Conversion of Sigma rules into SIEM queries: routing by log source, field mapping tables, and exact reasons for
// what does not convert. The comparison harness itself is checked so that its "same meaning" can fail.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Unconvertible } from '../../../src/pushdown/ir.js';
import { toLuceneRegex } from '../../../src/pushdown/regex-flavour.js';
import { convertBare, convertRule } from '../../../src/pushdown/targets.js';
import { disagreement, evaluate, parseEsqlWhere, parseLucene, parseSpl } from '../../helpers/query-eval.js';

const rule = (detection: string, logsource = 'product: windows\n  category: process_creation') =>
  parse(`title: T\nid: r1\nlevel: high\nlogsource:\n  ${logsource}\ndetection:\n${detection}`) as Record<
    string,
    unknown
  >;

const WHOAMI = rule("  sel:\n    Image|endswith: '\\whoami.exe'\n    CommandLine|contains: '/all'\n  condition: sel");

describe('the comparison harness', () => {
  it('finds an event on which AND and OR of the same terms differ (Lucene and SPL)', () => {
    expect(disagreement(parseLucene('a:x AND b:y'), parseLucene('a:x OR b:y'))).toBeDefined();
    expect(disagreement(parseSpl('a="x" b="y"'), parseSpl('a="x" OR b="y"'))).toBeDefined();
    expect(disagreement(parseSpl('a="x" OR b="y" c="z"'), parseSpl('(a="x" OR b="y") c="z"'))).toBeUndefined();
  });
});

describe('convertRule', () => {
  it("routes process_creation to Sysmon 1 and Security 4688 in Elastic, with each path's field names", () => {
    const c = convertRule(WHOAMI, 'elastic');
    expect(c.unsupported).toBeUndefined();
    expect(c.branches).toEqual([
      'Security 4688',
      'Microsoft-Windows-Sysmon/Operational 1',
      'ECS event.category (process_creation)',
    ]);
    const q = parseLucene(c.queries!.lucene!);
    const sysmon = {
      'winlog.channel': 'Microsoft-Windows-Sysmon/Operational',
      'event.code': '1',
      'winlog.event_data.Image': 'C:\\Windows\\System32\\whoami.exe',
      'winlog.event_data.CommandLine': 'whoami /all',
    };
    const security = {
      'winlog.channel': 'Security',
      'event.code': '4688',
      'winlog.event_data.NewProcessName': 'C:\\Windows\\System32\\whoami.exe',
      'winlog.event_data.CommandLine': 'whoami /all',
    };
    const ecs = {
      'event.category': 'process',
      'event.type': 'start',
      'host.os.type': 'windows',
      'process.executable': 'C:\\x\\whoami.exe',
      'process.command_line': 'whoami /all',
    };
    const other = { ...sysmon, 'event.code': '3' };
    expect([sysmon, security, ecs, other].map((e) => evaluate(q, e))).toEqual([true, true, true, false]);
    expect(c.queries!.esql).toContain('FROM logs-*,winlogbeat-* | WHERE');
  });

  it(
    'routes to Splunk WinEventLog sources with EventCode, and ' + 'Sentinel to DeviceProcessEvents with MDE columns',
    () => {
      const s = convertRule(WHOAMI, 'splunk');
      expect(s.queries!.spl).toContain('source="WinEventLog:Microsoft-Windows-Sysmon/Operational"');
      expect(s.queries!.spl).toContain('EventCode="1"');
      const k = convertRule(WHOAMI, 'sentinel');
      expect(k.queries!.kql).toContain(
        'DeviceProcessEvents | where FolderPath endswith "\\\\whoami.exe" and ProcessCommandLine contains "/all"',
      );
      expect(k.queries!.kql).toContain(
        '(SecurityEvent | where EventID == 4688 and NewProcessName endswith "\\\\whoami.exe"',
      );
    },
  );

  it(
    'says why a rule does not convert: correlation, unrouted log source, unmapped field, regex flavour, ' + 'modifier',
    () => {
      expect(convertRule({ title: 'c', correlation: { type: 'event_count' } }, 'elastic').unsupported).toEqual({
        kind: 'correlation',
        reason: 'correlation rule (type event_count) is not pushed down; its base rules are',
      });
      expect(
        convertRule(rule('  sel:\n    a: b\n  condition: sel', 'product: linux\n  service: auditd'), 'splunk')
          .unsupported?.kind,
      ).toBe('logsource');
      const unmapped = convertRule(rule('  sel:\n    Hashes|contains: abc\n  condition: sel'), 'sentinel').unsupported;
      expect(unmapped?.kind).toBe('field-mapping');
      expect(unmapped?.reason).toContain('field Hashes has no mapping');
      const look = convertRule(rule("  sel:\n    CommandLine|re: 'a(?=b)'\n  condition: sel"), 'elastic').unsupported;
      expect(look).toEqual({
        kind: 'regex',
        reason:
          'regular expression uses look-around, named groups or inline flags, which Lucene regular expressions ' +
          'do not support',
      });
      expect(convertRule(rule('  sel:\n    UtcTime|hour: 3\n  condition: sel'), 'elastic').unsupported?.kind).toBe(
        'modifier',
      );
    },
  );

  it('keeps a Splunk regex under OR as an eval flag tested by a later search', () => {
    const spl = convertBare(
      parse('detection:\n  a:\n    f|re: x+y\n  b:\n    g: z\n  condition: a or b') as Record<string, unknown>,
      'spl',
    );
    expect(spl).toBe('*\n| eval socready_t0=if(match(\'f\', "x+y"), "1", "0")\n| search socready_t0="1" OR g="z"');
  });
});

describe('Elasticsearch Query DSL', () => {
  it('compares values case-insensitively unless the rule says |cased, and keeps not as must_not', () => {
    const dsl = JSON.parse(
      convertBare(
        parse(
          "detection:\n  s:\n    a|endswith: '\\\\X.exe'\n    b|cased: Ab\n  f:\n    c: 5\n  condition: s and not f",
        ) as Record<string, unknown>,
        'dsl',
      ),
    );
    expect(dsl).toEqual({
      bool: {
        filter: [
          {
            bool: {
              filter: [
                { wildcard: { a: { value: '*\\\\X.exe', case_insensitive: true } } },
                { term: { b: { value: 'Ab' } } },
              ],
            },
          },
          { bool: { must_not: [{ term: { c: 5 } }] } },
        ],
      },
    });
  });
});

describe('ES|QL three-valued logic', () => {
  it("keeps, under Sigma's not, the events that lack the field (a bare not would make them null and drop them)", () => {
    const where = convertBare(
      parse('detection:\n  s:\n    a: x\n  f:\n    b: y\n  condition: s and not f') as Record<string, unknown>,
      'esql',
    );
    expect(where).toBe('a=="x" and not coalesce(b=="y", false)');
    expect(evaluate(parseEsqlWhere(where), { a: 'x' })).toBe(true);
    expect(evaluate(parseEsqlWhere('a=="x" and not (b=="y")'), { a: 'x' })).toBe(false);
  });
});

describe('Lucene regular expressions', () => {
  it('anchors a search-semantics regex for whole-term matching and rewrites shorthand classes', () => {
    expect(toLuceneRegex('^cmd\\.exe$', { i: false, m: false, s: false })).toBe('cmd\\.exe');
    expect(toLuceneRegex('a|b', { i: false, m: false, s: false })).toBe('.*(a|b).*');
    expect(toLuceneRegex('\\d+', { i: false, m: false, s: true })).toBe('.*([0-9]+).*');
    expect(() => toLuceneRegex('(a)\\1', { i: false, m: false, s: false })).toThrow(Unconvertible);
  });

  it(
    'spells whitespace and "not a newline" with the characters ' + 'themselves (Lucene reads \\t and \\n as letters)',
    () => {
      expect(toLuceneRegex('a\\sb.c', { i: false, m: false, s: false })).toBe('.*(a[ \t\n\r\f\u000b]b[^\n]c).*');
      expect(toLuceneRegex('[\\w.-]+', { i: false, m: false, s: true })).toBe('.*([A-Za-z0-9_\\.-]+).*');
    },
  );
});

describe('Splunk values the search command cannot spell', () => {
  it('turns a ? wildcard or a literal * into an anchored case-insensitive regex filter', () => {
    const spl = convertBare(
      parse('detection:\n  s:\n    f: "a?c"\n    g: "x\\\\*y"\n  condition: s') as Record<string, unknown>,
      'spl',
    );
    expect(spl).toBe('*\n| regex f="(?is)^a.c$"\n| regex g="(?is)^x\\\\*y$"');
    const q = parseSpl(spl);
    expect(
      [
        { f: 'ABC', g: 'x*y' },
        { f: 'abbc', g: 'x*y' },
        { f: 'abc', g: 'xzy' },
      ].map((e) => evaluate(q, e)),
    ).toEqual([true, false, false]);
  });
});
