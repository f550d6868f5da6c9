import { describe, expect, it } from 'vitest';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { ok } from '../../../fixtures/linux/hosts.js';

const CTX = { targetId: 'h', kind: 'linux' as const };
const glob = (files: Record<string, string>) =>
  ok(
    Object.entries(files)
      .map(([p, c]) => `==> ${p} <==\n${c}\n`)
      .join(''),
  );

describe("syslog-ng's log-msg-size (a truncation point beyond rsyslog)", () => {
  it('reads the smallest value in force, a source-level one included, with file and line', () => {
    const facts = linuxParsers['syslog-ng-limits']!(
      {
        'syslog-ng-conf': glob({
          '/etc/syslog-ng/syslog-ng.conf': '@version: 4.3\noptions { chain-hostnames(off); log-msg-size(65536); };\n',
          '/etc/syslog-ng/conf.d/net.conf':
            '# log-msg-size(1) in a comment does not count\nsource s_net {\n' +
            '  network(port(514) log-msg-size(8192));\n};\n',
        }),
      },
      CTX,
    );
    expect(facts).toMatchObject({ installed: true, log_msg_size: 8192, source: '/etc/syslog-ng/conf.d/net.conf:3' });
    expect(String(facts.explanation)).toMatch(/set to 8192 in source s_net .*cut where syslog-ng reads it/);
  });

  it('the default when nothing sets it, and not installed without a configuration', () => {
    const facts = linuxParsers['syslog-ng-limits']!(
      { 'syslog-ng-conf': glob({ '/etc/syslog-ng/syslog-ng.conf': 'options { flush-lines(0); };\n' }) },
      CTX,
    );
    expect(facts).toMatchObject({ installed: true, log_msg_size: 65536, source: 'default' });
    expect(linuxParsers['syslog-ng-limits']!({ 'syslog-ng-conf': ok('') }, CTX)).toMatchObject({ installed: false });
  });
});
