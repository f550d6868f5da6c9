// Large and hostile configuration text. The third argument of each `it` is a generous time limit (8 s) that guards
// against catastrophic backtracking and quadratic scans (the old code took seconds to minutes on these inputs); it is a
// tripwire, not a benchmark. The bulk is followed by a line the pattern does not match, so a `^\s*` scan from every
// line
// start would have to run to it and fail. Each test also checks what is read after or inside the bulk, so a parser
// that gives up early fails too.
import { describe, expect, it } from 'vitest';
import { parseAuditRules } from '../../../../src/parsers/linux/audit-rules.js';
import { grubCmdline } from '../../../../src/parsers/linux/auditd.js';
import { syslogForwarders } from '../../../../src/parsers/linux/forwarding.js';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import {
  parseRsyslog,
  rainerParams,
  rsyslogGlobalTls,
  rsyslogIncludes,
  stripRsyslogComments,
} from '../../../../src/parsers/linux/rsyslog.js';
import { parseSyslogNg, syslogNgIncludes } from '../../../../src/parsers/linux/syslog-ng.js';
import { parseChronyTracking, parseTimesyncStatus } from '../../../../src/parsers/linux/timesync.js';
import { lineNumbers } from '../../../../src/parsers/linux/util.js';
import { ok } from '../../../fixtures/linux/hosts.js';

// Far above linear work even on a loaded 2-core CI machine (1 s flaked at load 12), far below the old quadratic scans.
const GUARD_MS = 8_000;
const ctx = { targetId: 't', kind: 'linux' as const };

/** Comment lines, each followed by an empty line (2 MB by default): what stripped comments leave is empty lines. */
function commentsAndBlankLines(bytes = 2_000_000): { text: string; lines: number } {
  const line = '# a commented-out setting, kept for reference by the packager ........................';
  const lines = Math.ceil(bytes / (line.length + 2)) * 2;
  return { text: `${line}\n\n`.repeat(lines / 2), lines };
}

describe('rsyslog on large input', () => {
  it(
    'parses a 2 MB rsyslog.conf of comments and blank lines without quadratic blow-up',
    () => {
      const bulk = commentsAndBlankLines();
      expect(bulk.text.length).toBeGreaterThan(2_000_000);
      // A directory include: a `/*` in `rsyslog.d/*.conf` opens a block comment for this parser (known quirk).
      const tail =
        '  $DefaultNetstreamDriver gtls\n\t$ActionSendStreamDriverMode 1\n  $IncludeConfig ' +
        '/etc/rsyslog.d/\n*.* @@siem.example.com:6514\n';
      const text = bulk.text + tail;
      expect(rsyslogGlobalTls(text)).toEqual({ driver: 'gtls', mode: '1' });
      expect(rsyslogIncludes(text)).toEqual(['/etc/rsyslog.d/*']);
      expect(parseRsyslog('/etc/rsyslog.conf', text, rsyslogGlobalTls(text))).toMatchObject([
        { host: 'siem.example.com', port: 6514, tls: true, line: bulk.lines + 4 },
      ]);
      const stripped = stripRsyslogComments(text);
      expect(stripped.split('\n')).toHaveLength(text.split('\n').length);
      expect(stripped.endsWith(tail)).toBe(true);
    },
    GUARD_MS,
  );

  it(
    'numbers the lines of 5,000 action() objects after 8 MB of comments without recounting from the top for each',
    () => {
      const bulk = commentsAndBlankLines(8_000_000);
      const actions = Array.from(
        { length: 5_000 },
        (_, i) => `local${i % 8}.* action(type="omfwd" target="10.0.${i >> 8}.${i & 255}" port="514" protocol="tcp")`,
      );
      const fws = parseRsyslog('/etc/rsyslog.conf', bulk.text + actions.join('\n'));
      expect(fws).toHaveLength(5_000);
      expect(fws[4_999]).toMatchObject({ host: '10.0.19.135', line: bulk.lines + 5_000, selector: 'local7.*' });
    },
    GUARD_MS,
  );

  it(
    'joins 50,000 backslash-continued lines into one selector line numbered by its first line',
    () => {
      const text =
        '# header\nauth.*;local0.* ' + `\\\n${'  \\ \n'.repeat(50_000)}\t@@siem.example.com:514\n*.* @relay:514\n`;
      expect(parseRsyslog('/etc/rsyslog.conf', text)).toMatchObject([
        { host: 'siem.example.com', port: 514, line: 2, selector: 'auth.*;local0.*' },
        { host: 'relay', line: 50_004 },
      ]);
    },
    GUARD_MS,
  );

  it(
    'stops at include( and global( objects that are never closed, however many there are',
    () => {
      expect(rsyslogIncludes(`include(file="/etc/a.conf")\n${'include( '.repeat(100_000)}`)).toEqual(['/etc/a.conf']);
      expect(rsyslogGlobalTls('global( '.repeat(100_000))).toEqual({ driver: '', mode: '' });
    },
    GUARD_MS,
  );

  it(
    'reads the parameters after a 200,000-character word in an action()',
    () => {
      const fws = parseRsyslog(
        '/x',
        `*.* action(type="omfwd" ${'a'.repeat(200_000)} target="siem" port="6514" protocol="tcp")`,
      );
      expect(fws).toMatchObject([{ host: 'siem', port: 6514, protocol: 'tcp' }]);
      expect(rainerParams(`${'x'.repeat(200_000)}=1 ${'9'.repeat(200_000)} b.c="d"`)).toEqual({
        [`${'x'.repeat(200_000)}`]: '1',
        'b.c': 'd',
      });
    },
    GUARD_MS,
  );
});

describe('rsyslog comment stripping and line joining', () => {
  it('keeps every line break of block comments and ignores # and /* inside quoted text, escapes included', () => {
    const text = 'a /* one\ntwo\nthree */ b # tail\nc "x # y /* z \\" # w" d # gone\n/* open\nnever closed';
    expect(stripRsyslogComments(text)).toBe('a \n\n b \nc "x # y /* z \\" # w" d \n\n');
  });

  it('continues a line across a trailing backslash with blanks after it, and only one line per backslash', () => {
    const fws = parseRsyslog('/f', '\n*.* \\\t\n \\\n@@siem:1514\n');
    expect(fws).toMatchObject([{ host: 'siem', port: 1514, line: 2, selector: '*.*' }]);
    expect(parseRsyslog('/f', '*.* \\\n\n@@siem:1514\n')).toEqual([]);
  });
});

describe('syslog-ng, grub, timesync and chrony on large input', () => {
  it(
    'finds an @include after 2 MB of comments and blank lines without quadratic blow-up',
    () => {
      // A line that is not an @include right after the bulk: from every line start above it, `^\s*` would run to it.
      const text = `${commentsAndBlankLines().text}options { chain_hostnames(off); };\n  @include "conf.d/"\n`;
      expect(syslogNgIncludes(text)).toEqual(['/etc/syslog-ng/conf.d/*']);
    },
    GUARD_MS,
  );

  it(
    'numbers the lines of 5,000 destinations and log paths after 8 MB of comments without recounting from ' +
      'the top for each',
    () => {
      const bulk = commentsAndBlankLines(8_000_000);
      const config = Array.from(
        { length: 5_000 },
        (_, i) =>
          `destination d${i} { network("10.1.${i >> 8}.${i & 255}" port(514)); };\nlog { source(s_src); ` +
          `destination(d${i}); };`,
      );
      const { forwarders } = parseSyslogNg([
        { path: '/etc/syslog-ng/syslog-ng.conf', content: bulk.text + config.join('\n') },
      ]);
      expect(forwarders).toHaveLength(5_000);
      expect(forwarders[4_999]).toMatchObject({ host: '10.1.19.135', line: bulk.lines + 9_999 });
    },
    GUARD_MS,
  );

  it(
    'reads GRUB_CMDLINE_LINUX after 2 MB of empty lines without quadratic blow-up',
    () => {
      expect(grubCmdline(`${'\n'.repeat(2_000_000)}GRUB_TIMEOUT=5\n  GRUB_CMDLINE_LINUX="audit=1"\n`)).toBe('audit=1');
    },
    GUARD_MS,
  );

  it(
    'reads timesync Offset and Server after 2 MB of empty lines without quadratic blow-up',
    () => {
      expect(
        parseTimesyncStatus(
          `${'\n'.repeat(2_000_000)}Poll interval: 32s\n   Server: 10.0.0.1 (ntp.example)\n  Offset: +1.5ms\n`,
        ),
      ).toEqual({ offset_ms: 1.5, server: '10.0.0.1 (ntp.example)' });
    },
    GUARD_MS,
  );

  it(
    'skips a 200,000-character chrony line without a colon and reads the names around it',
    () => {
      const text = `Reference ID    : 7F7F0101 ()\nStratum \t: 3\nx${' '.repeat(200_000)}y\nLeap status     : Normal\n`;
      expect(parseChronyTracking(text)).toEqual({
        reference_id: '7F7F0101 ()',
        stratum: 3,
        leap_status: 'Normal',
        synchronized: true,
      });
    },
    GUARD_MS,
  );
});

describe('audit rules on large input', () => {
  it(
    'joins 50,000 backslash-continued lines of one audit rule without rescanning the joined line each time',
    () => {
      const text =
        `-w /etc/passwd -p wa \\\n${'  \\\n'.repeat(50_000)}  -k identity\n-w /etc/shadow -p ` + 'wa -k identity\n';
      const { rules, problems } = parseAuditRules(text, '/etc/audit/rules.d/x.rules');
      expect(problems).toEqual([]);
      expect(rules.map((r) => [r.path, r.keys, r.line])).toEqual([
        ['/etc/passwd', ['identity'], 1],
        ['/etc/shadow', ['identity'], 50_003],
      ]);
    },
    GUARD_MS,
  );
});

describe('line numbers', () => {
  it('gives the 1-based line of any offset, in any order', () => {
    const at = lineNumbers('ab\n\ncd\n');
    expect([6, 0, 2, 3, 4, 7, 100].map(at)).toEqual([3, 1, 1, 2, 3, 4, 4]);
  });
});

describe('one forwarding parse shared by the forwarding parsers', () => {
  const outputs = () => ({
    'rsyslog-conf': ok(`${commentsAndBlankLines().text}$IncludeConfig /etc/rsyslog.d/\n`),
    'rsyslog-d': ok(
      '==> /etc/rsyslog.d/60-siem.conf <==\n*.* action(type="omfwd" target="10.0.5.11" port="10514" protocol="tcp")\n',
    ),
    'service-state': ok('init systemd\nunit rsyslog active=active enabled=enabled\nproc rsyslogd\n'),
    'tcp-established': ok(
      'Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n0 0 10.0.5.20:40112 10.0.5.11:10514\n',
    ),
    'audit-plugins': ok('==> /etc/audit/plugins.d/syslog.conf <==\nactive = no\npath = /sbin/audisp-syslog\n'),
  });

  it(
    'gives the three forwarding parsers of one host the same forwarders',
    () => {
      const host = outputs();
      const facts = ['log-forwarding', 'log-forwarding-connection', 'audit-forwarding'].map((p) =>
        linuxParsers[p]!(host, ctx),
      );
      for (const f of facts)
        expect(f.forwarders).toEqual([
          {
            via: 'rsyslog',
            host: '10.0.5.11',
            port: 10514,
            protocol: 'tcp',
            transport: 'tcp',
            tls: false,
            file: '/etc/rsyslog.d/60-siem.conf',
            line: 1,
            selector: '*.*',
            daemon_running: true,
          },
        ]);
      expect(facts[1]).toMatchObject({ connected: true });
    },
    GUARD_MS,
  );

  it('hands each caller its own copy of a remembered parse, so one caller cannot change what the next is given', () => {
    const main = { path: '/etc/rsyslog.conf', content: '$IncludeConfig /etc/rsyslog.d/\n*.* @@siem:6514\n' };
    const dropins = [
      { path: '/etc/rsyslog.d/a.conf', content: '*.* @relay:514\n' },
      { path: '/opt/b.conf', content: '*.* @x:1\n' },
    ];
    const first = syslogForwarders(main, dropins, []);
    const expected = structuredClone(first);
    first.forwarders[0]!.host = 'changed';
    first.forwarders.pop();
    first.ignoredFiles.push('changed');
    expect(
      syslogForwarders(
        { ...main },
        dropins.map((d) => ({ ...d })),
        [],
      ),
    ).toEqual(expected);
    expect(expected).toMatchObject({
      forwarders: [{ host: 'siem' }, { host: 'relay' }],
      ignoredFiles: ['/opt/b.conf'],
    });
  });

  it('tells apart inputs that differ only in which file holds a text', () => {
    const a = syslogForwarders(undefined, [{ path: '/etc/rsyslog.d/a.conf', content: '*.* @relay:514\n' }], []);
    const b = syslogForwarders(undefined, [], [{ path: '/etc/rsyslog.d/a.conf', content: '*.* @relay:514\n' }]);
    expect(a.forwarders).toMatchObject([{ host: 'relay', file: '/etc/rsyslog.d/a.conf' }]);
    expect(b.forwarders).toEqual([]);
  });
});
