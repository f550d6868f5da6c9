import { describe, expect, it } from 'vitest';
import { InconclusiveError } from '../../../../src/checks/types.js';
import {
  parseAudispRemote,
  parseAuditPlugins,
  parseJournalUpload,
  syslogForwarders,
} from '../../../../src/parsers/linux/forwarding.js';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { parseRsyslog, rsyslogGlobalTls } from '../../../../src/parsers/linux/rsyslog.js';
import { connectionTo, parseTcpConnections } from '../../../../src/parsers/linux/sockets.js';
import { parseSyslogNg } from '../../../../src/parsers/linux/syslog-ng.js';
import { fixture, ok } from '../../../fixtures/linux/hosts.js';

const ctx = { targetId: 't', kind: 'linux' as const };
const pick = (fs: { host: string; port: number; protocol: string; tls: boolean }[]) =>
  fs.map(({ host, port, protocol, tls }) => ({ host, port, protocol, tls }));

describe('rsyslog', () => {
  it(
    "reads forwarders written after Debian's default `$IncludeConfig /etc/rsyslog.d/*.conf` (the glob is not a " +
      'comment)',
    () => {
      const text =
        '$FileCreateMode 0640\n$IncludeConfig /etc/rsyslog.d/*.conf\nauth,authpriv.*\t/var/log/auth.log\n*.* ' +
        '@@siem.example.com:514\n';
      expect(pick(parseRsyslog('/etc/rsyslog.conf', text))).toEqual([
        { host: 'siem.example.com', port: 514, protocol: 'tcp', tls: false },
      ]);
      // A real block comment still hides what it encloses.
      expect(
        parseRsyslog('/etc/rsyslog.conf', '$IncludeConfig /etc/rsyslog.d/*.conf\n/* *.* @@old.example.com:514 */\n'),
      ).toEqual([]);
    },
  );

  it('reads legacy @, @@, @@(o), IPv6 and :omrelp: selectors, with the legacy TLS driver directives', () => {
    const text = fixture('rsyslog', 'legacy-forwarding.conf');
    const fws = parseRsyslog('/etc/rsyslog.d/50-remote.conf', text);
    expect(pick(fws)).toEqual([
      { host: 'siem-collector.example.com', port: 6514, protocol: 'tcp', tls: true },
      { host: '192.0.2.10', port: 514, protocol: 'udp', tls: false },
      { host: '2001:db8::51', port: 10514, protocol: 'tcp', tls: true },
      { host: 'relp.example.com', port: 2514, protocol: 'relp', tls: false },
    ]);
    expect(fws[1]).toMatchObject({ selector: 'authpriv.*;auth.*', line: 15, transport: 'udp' });
  });

  it('reads multi-line RainerScript actions, target pools and omrelp TLS, ignoring block and line comments', () => {
    const fws = parseRsyslog('/etc/rsyslog.d/60-siem.conf', fixture('rsyslog', 'rainerscript.conf'));
    expect(pick(fws)).toEqual([
      { host: '10.0.5.11', port: 10514, protocol: 'tcp', tls: false },
      { host: '10.0.5.12', port: 10514, protocol: 'tcp', tls: false },
      { host: 'relp.example.com', port: 20514, protocol: 'relp', tls: true },
      { host: 'udp-collector.example.com', port: 514, protocol: 'udp', tls: false },
    ]);
    expect(fws[3]).toMatchObject({ selector: '*.*', line: 23 });
  });

  it('finds nothing in a receiving, non-forwarding configuration with commented-out forwarders', () => {
    expect(parseRsyslog('/etc/rsyslog.conf', fixture('rsyslog', 'no-forwarding.conf'))).toEqual([]);
    expect(
      parseRsyslog('/etc/rsyslog.conf', fixture('hosts', 'debian-default', 'root', 'etc', 'rsyslog.conf')),
    ).toEqual([]);
  });

  it("applies the main file's global TLS driver to omfwd actions in drop-ins", () => {
    const global = rsyslogGlobalTls(
      'global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="/ca.pem")\n$ActionSendStreamDriverMode 1\n',
    );
    const fws = parseRsyslog(
      '/etc/rsyslog.d/x.conf',
      '*.* action(type="omfwd" target="siem" port="6514" protocol="tcp")',
      global,
    );
    expect(fws[0]).toMatchObject({ tls: true, protocol: 'tcp' });
  });
});

describe('include lines', () => {
  it("ignores rsyslog drop-ins when the main file's include line is hashed out", () => {
    const main = fixture('hosts', 'debian-default', 'root', 'etc', 'rsyslog.conf');
    const dropin = { path: '/etc/rsyslog.d/60-siem.conf', content: '*.* @@siem.example.com:6514\n' };
    const active = syslogForwarders({ path: '/etc/rsyslog.conf', content: main }, [dropin], []);
    expect(active.forwarders.map((f) => f.host)).toEqual(['siem.example.com']);
    const hashed = syslogForwarders(
      {
        path: '/etc/rsyslog.conf',
        content: main.replace('$IncludeConfig /etc/rsyslog.d/*.conf', '#$IncludeConfig /etc/rsyslog.d/*.conf'),
      },
      [dropin],
      [],
    );
    expect(hashed).toMatchObject({ forwarders: [], ignoredFiles: ['/etc/rsyslog.d/60-siem.conf'] });
    const rainer = syslogForwarders(
      { path: '/etc/rsyslog.conf', content: 'include(file="/etc/rsyslog.d/*.conf" mode="optional")\n' },
      [dropin],
      [],
    );
    expect(rainer.forwarders).toHaveLength(1);
  });

  it('reads syslog-ng conf.d only through an active @include', () => {
    const main = fixture('syslog-ng', 'syslog-ng.conf');
    const confd = { path: '/etc/syslog-ng/conf.d/legacy.conf', content: fixture('syslog-ng', 'conf.d', 'legacy.conf') };
    const withInclude = syslogForwarders(
      undefined,
      [],
      [{ path: '/etc/syslog-ng/syslog-ng.conf', content: main }, confd],
    );
    expect(withInclude.forwarders.map((f) => f.host).sort()).toEqual(['10.9.8.7', 'siem.example.com']);
    const hashed = syslogForwarders(
      undefined,
      [],
      [
        {
          path: '/etc/syslog-ng/syslog-ng.conf',
          content: main.replace('@include "/etc/syslog-ng/conf.d/*.conf"', '#@include "/etc/syslog-ng/conf.d/*.conf"'),
        },
        confd,
      ],
    );
    expect(hashed).toMatchObject({ ignoredFiles: ['/etc/syslog-ng/conf.d/legacy.conf'] });
    expect(hashed.forwarders.map((f) => f.host)).toEqual(['siem.example.com']);
  });
});

describe('syslog-ng', () => {
  const files = [
    { path: '/etc/syslog-ng/syslog-ng.conf', content: fixture('syslog-ng', 'syslog-ng.conf') },
    { path: '/etc/syslog-ng/conf.d/legacy.conf', content: fixture('syslog-ng', 'conf.d', 'legacy.conf') },
  ];

  it('counts network destinations used by a log path, inline ones included, across files', () => {
    const { forwarders } = parseSyslogNg(files);
    expect(pick(forwarders).sort((a, b) => a.host.localeCompare(b.host))).toEqual([
      { host: '10.9.8.7', port: 601, protocol: 'tcp', tls: false },
      { host: 'siem.example.com', port: 6514, protocol: 'tcp', tls: true },
    ]);
    expect(forwarders.find((f) => f.host === 'siem.example.com')!.selector).toBe(
      'log { source(s_src); destination(d_siem) }',
    );
  });

  it('reports a declared network destination that no log path uses, and does not count it', () => {
    expect(parseSyslogNg(files).unused).toEqual(['d_old_udp']);
  });

  it('reads syslog() with server(), http() URLs and default ports', () => {
    const { forwarders } = parseSyslogNg([
      {
        path: '/etc/syslog-ng/conf.d/x.conf',
        content:
          'destination d_a { syslog-ng(server(logmaster.example.com) port(6514) transport("tls")); };\n' +
          'destination d_b { syslog("10.0.0.1"); };\n' +
          'destination d_c { http(url("https://hec.example.com:8088/services/collector/raw") method("POST")); };\n' +
          'log { source(s_src); destination(d_a); destination(d_b); destination(d_c); };\n',
      },
    ]);
    expect(pick(forwarders)).toEqual([
      { host: 'logmaster.example.com', port: 6514, protocol: 'tcp', tls: true },
      { host: '10.0.0.1', port: 601, protocol: 'tcp', tls: false },
      { host: 'hec.example.com', port: 8088, protocol: 'https', tls: true },
    ]);
  });
});

describe('journal-upload, audisp-remote, audit plugins', () => {
  it('takes the URL from a drop-in over the commented defaults, with https and port 19532 by default', () => {
    const fw = parseJournalUpload([
      { path: '/etc/systemd/journal-upload.conf', content: fixture('journal-upload', 'journal-upload.conf') },
      {
        path: '/etc/systemd/journal-upload.conf.d/10-collector.conf',
        content: fixture('journal-upload', '10-collector.conf'),
      },
    ]);
    expect(fw).toMatchObject({
      host: 'journal.example.com',
      port: 19532,
      protocol: 'https',
      tls: true,
      file: '/etc/systemd/journal-upload.conf.d/10-collector.conf',
    });
  });

  it('finds no upload target in the packaged defaults', () => {
    expect(
      parseJournalUpload([
        { path: '/etc/systemd/journal-upload.conf', content: fixture('journal-upload', 'journal-upload.conf') },
      ]),
    ).toBeUndefined();
  });

  it('reads audisp-remote.conf and the plugin switches', () => {
    const conf = fixture('hosts', 'hardened', 'root', 'etc', 'audit', 'audisp-remote.conf');
    expect(parseAudispRemote({ path: '/etc/audit/audisp-remote.conf', content: conf })).toMatchObject({
      host: '10.20.0.16',
      port: 60,
      line: 6,
    });
    expect(parseAudispRemote({ path: 'x', content: 'remote_server =\nport = 60\n' })).toBeUndefined();
    const plugins = parseAuditPlugins([
      {
        path: '/etc/audit/plugins.d/syslog.conf',
        content: fixture('hosts', 'debian-default', 'root', 'etc', 'audit', 'plugins.d', 'syslog.conf'),
      },
      {
        path: '/etc/audit/plugins.d/au-remote.conf',
        content: fixture('hosts', 'hardened', 'root', 'etc', 'audit', 'plugins.d', 'au-remote.conf'),
      },
    ]);
    expect(plugins.map((p) => [p.path, p.active])).toEqual([
      ['/sbin/audisp-syslog', false],
      ['/sbin/audisp-remote', true],
    ]);
  });
});

describe('established TCP connections', () => {
  it('reads ss state established, with bracketed IPv6 and v4-mapped peers (real capture)', () => {
    const conns = parseTcpConnections(fixture('sockets', 'ss-state-established.txt'));
    expect(conns).toHaveLength(4);
    expect(conns[0]).toEqual({ local: '127.0.0.1', localPort: 60444, peer: '127.0.0.1', peerPort: 16514 });
    expect(conns[1]).toMatchObject({ local: '::1', peer: '::1', peerPort: 37412 });
    expect(conns[2]).toMatchObject({ peer: '127.0.0.1', peerPort: 60444 });
  });

  it('reads ss with a State column, netstat and /proc/net/tcp{,6} to the same connections', () => {
    const key = (cs: ReturnType<typeof parseTcpConnections>) =>
      cs.map((c) => `${c.local}:${c.localPort}>${c.peer}:${c.peerPort}`).sort();
    const ss = key(parseTcpConnections(fixture('sockets', 'ss-all.txt')));
    expect(key(parseTcpConnections(fixture('sockets', 'netstat.txt')))).toEqual(ss);
    expect(key(parseTcpConnections(fixture('sockets', 'proc-net-tcp.txt')))).toEqual(ss);
  });

  it('skips sockets that are not established', () => {
    const text =
      'State     Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nTIME-WAIT 0 0 10.0.0.5:51000 ' +
      '10.0.0.9:6514\nSYN-SENT 0 1 10.0.0.5:51002 10.0.0.9:6514\n';
    expect(parseTcpConnections(text)).toEqual([]);
  });

  it('matches a collector by address, or by port when it is named by DNS', () => {
    const conns = parseTcpConnections(fixture('hosts', 'hardened', 'commands', 'tcp-established.txt'));
    expect(connectionTo(conns, '10.20.0.15', 6514)).toEqual({ match: 'address', peer: '10.20.0.15:6514' });
    expect(connectionTo(conns, 'siem.example.com', 6514)).toEqual({ match: 'port', peer: '10.20.0.15:6514' });
    expect(connectionTo(conns, '10.20.0.99', 6514)).toEqual({ match: 'none' });
  });
});

describe('log-forwarding parsers', () => {
  const base = {
    'rsyslog-conf': ok(fixture('hosts', 'debian-default', 'root', 'etc', 'rsyslog.conf')),
    'rsyslog-d': ok(`==> /etc/rsyslog.d/60-siem.conf <==\n${fixture('rsyslog', 'rainerscript.conf')}\n`),
    'service-state': ok(
      'init systemd\nunit rsyslog active=active enabled=enabled\nbin rsyslogd /usr/sbin/rsyslogd\nproc rsyslogd\n',
    ),
  };

  it('counts a forwarder only while its daemon runs', () => {
    const running = linuxParsers['log-forwarding']!(base, ctx);
    expect(running).toMatchObject({ configured: true, active: true, tcp: true, udp_only: false });
    const stopped = linuxParsers['log-forwarding']!(
      {
        ...base,
        'service-state': ok(
          'init systemd\nunit rsyslog active=failed enabled=enabled\nbin rsyslogd /usr/sbin/rsyslogd\n',
        ),
      },
      ctx,
    );
    expect(stopped).toMatchObject({ configured: true, active: false, tcp: false });
  });

  it('sees audit events forwarded through the syslog plugin only together with an active syslog forwarder', () => {
    const plugin = ok(
      '==> /etc/audit/plugins.d/syslog.conf <==\nactive = yes\ndirection = out\npath = ' +
        '/sbin/audisp-syslog\ntype = always\nargs = LOG_LOCAL6\nformat = string\n',
    );
    expect(linuxParsers['log-forwarding']!({ ...base, 'audit-plugins': plugin }, ctx)).toMatchObject({
      audit: { forwarded: true, via: 'syslog-plugin' },
    });
    expect(
      linuxParsers['log-forwarding']!({ 'audit-plugins': plugin, 'service-state': base['service-state'] }, ctx),
    ).toMatchObject({ audit: { forwarded: false } });
  });

  it(
    'is inconclusive about audit forwarding when auditd is ' + 'installed but no plugin file could be read (no sudo)',
    () => {
      const state = ok(
        'init systemd\nunit auditd active=active enabled=enabled\nbin auditd /usr/sbin/auditd\nproc auditd\n',
      );
      expect(() => linuxParsers['audit-forwarding']!({ 'service-state': state, 'audit-plugins': ok('') }, ctx)).toThrow(
        /0750 root/,
      );
      const plugins = ok(
        '==> /etc/audit/plugins.d/syslog.conf ' +
          `<==\n${fixture('hosts', 'debian-default', 'root', 'etc', 'audit', 'plugins.d', 'syslog.conf')}\n`,
      );
      expect(
        linuxParsers['audit-forwarding']!({ 'service-state': state, 'audit-plugins': plugins }, ctx),
      ).toMatchObject({
        audit: { forwarded: false },
      });
    },
  );

  it('lists running log agents it cannot read', () => {
    const facts = linuxParsers['log-forwarding']!(
      { 'service-state': ok('init systemd\nproc splunkd\nproc sshd\n') },
      ctx,
    );
    expect(facts).toMatchObject({ active: false, agents: ['splunkd'] });
  });

  it('is inconclusive about connections when ss could not run (offline image)', () => {
    const offline = {
      stdout: '',
      stderr: '',
      exitCode: null,
      truncated: false,
      durationMs: 0,
      error: { kind: 'offline' as const, message: 'image' },
    };
    expect(() => linuxParsers['log-forwarding-connection']!({ ...base, 'tcp-established': offline }, ctx)).toThrow(
      InconclusiveError,
    );
  });

  it('reports each TCP collector as connected or not', () => {
    const ss = ok('Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n0 0 10.0.5.20:40112 10.0.5.11:10514\n');
    const facts = linuxParsers['log-forwarding-connection']!({ ...base, 'tcp-established': ss }, ctx);
    expect(facts.connected).toBe(true);
    expect((facts.collectors as { host: string; connected: boolean }[]).map((c) => [c.host, c.connected])).toEqual([
      ['10.0.5.11', true],
      ['10.0.5.12', false],
      ['relp.example.com', false],
    ]);
  });
});
