import { describe, expect, it } from 'vitest';
import { matchInclude, type ConfigFile } from '../../../src/parsers/web/sections.js';
import { parseSshdConfig } from '../../../src/parsers/linux/sshd.js';
import { matchesAny, nameMatches, pathMatches } from '../../../src/util/glob.js';

describe('name patterns (check ids, waivers, Sigma identifiers)', () => {
  it('lets * match any run of characters, dots included, and ? one character', () => {
    expect(nameMatches('linux.audit.*', 'linux.audit.rules.bpf')).toBe(true);
    expect(nameMatches('*.bpf', 'linux.audit.rules.bpf')).toBe(true);
    expect(nameMatches('sel?', 'sel1')).toBe(true);
    expect(nameMatches('sel?', 'sel12')).toBe(false);
  });

  it('treats brackets and regular-expression characters literally', () => {
    expect(nameMatches('a[1]', 'a[1]')).toBe(true);
    expect(nameMatches('a[1]', 'a1')).toBe(false);
    expect(nameMatches('a.b', 'axb')).toBe(false);
  });

  it('selects everything when no pattern is given', () => {
    expect(matchesAny('x', undefined)).toBe(true);
    expect(matchesAny('x', [])).toBe(true);
    expect(matchesAny('x', ['y', 'x*'])).toBe(true);
    expect(matchesAny('x', ['y'])).toBe(false);
  });
});

describe('path patterns (include directives, fnmatch with FNM_PATHNAME | FNM_PERIOD)', () => {
  it('never lets * or ? cross a slash', () => {
    expect(pathMatches('/etc/nginx/conf.d/*.conf', '/etc/nginx/conf.d/a.conf')).toBe(true);
    expect(pathMatches('/etc/nginx/conf.d/*.conf', '/etc/nginx/conf.d/sub/a.conf')).toBe(false);
    expect(pathMatches('/etc/ssh/sshd_config.d/?.conf', '/etc/ssh/sshd_config.d/a.conf')).toBe(true);
    expect(pathMatches('/etc/*', '/etc/a/b')).toBe(false);
  });

  it('reads bracket sets, ranges and their negation with ! or ^, never matching a slash', () => {
    expect(pathMatches('/etc/rsyslog.d/[0-4]*.conf', '/etc/rsyslog.d/10-fwd.conf')).toBe(true);
    expect(pathMatches('/etc/rsyslog.d/[0-4]*.conf', '/etc/rsyslog.d/50-x.conf')).toBe(false);
    expect(pathMatches('/etc/rsyslog.d/[!0-4]*.conf', '/etc/rsyslog.d/50-x.conf')).toBe(true);
    expect(pathMatches('/etc/rsyslog.d/[^0-4]*.conf', '/etc/rsyslog.d/10-x.conf')).toBe(false);
    expect(pathMatches('/a[!x]b', '/a/b')).toBe(false);
    expect(pathMatches('/a/[]x]', '/a/]')).toBe(true);
    expect(pathMatches('/a/[a-]', '/a/-')).toBe(true);
  });

  it('takes an unclosed [ and backslash-escaped wildcards literally', () => {
    expect(pathMatches('/a/[b', '/a/[b')).toBe(true);
    expect(pathMatches('/a/\\*.conf', '/a/*.conf')).toBe(true);
    expect(pathMatches('/a/\\*.conf', '/a/x.conf')).toBe(false);
    expect(pathMatches('/a/[\\d]', '/a/d')).toBe(true);
    expect(pathMatches('/a/[\\d]', '/a/1')).toBe(false);
  });

  it('does not let a wildcard match the leading dot of a hidden file, as glob(3) and Apache do not', () => {
    expect(pathMatches('/etc/nginx/conf.d/*.conf', '/etc/nginx/conf.d/.hidden.conf')).toBe(false);
    expect(pathMatches('/etc/nginx/conf.d/?hidden.conf', '/etc/nginx/conf.d/.hidden.conf')).toBe(false);
    expect(pathMatches('/etc/nginx/conf.d/[.]hidden.conf', '/etc/nginx/conf.d/.hidden.conf')).toBe(false);
    expect(pathMatches('/etc/nginx/conf.d/.*.conf', '/etc/nginx/conf.d/.hidden.conf')).toBe(true);
    expect(pathMatches('/etc/nginx/conf.d/a*.conf', '/etc/nginx/conf.d/a.b.conf')).toBe(true);
  });
});

describe('sshd and nginx read an include pattern the same way', () => {
  const paths = [
    '/etc/ssh/sshd_config.d/10-a.conf',
    '/etc/ssh/sshd_config.d/50-b.conf',
    '/etc/ssh/sshd_config.d/.swp.conf',
  ];

  it('a negated bracket range selects the same files for an nginx include and an sshd Include', () => {
    const files = new Map<string, ConfigFile>(paths.map((p) => [p, { path: p, text: '' }]));
    const nginx = matchInclude('/etc/ssh/sshd_config.d/[!5-9]*.conf', '/', files).map((f) => f.path);
    expect(nginx).toEqual(['/etc/ssh/sshd_config.d/10-a.conf']);

    // sshd: the included file sets LogLevel only when the bracket pattern selects it (before, sshd read [!5-9] as the
    // set of !, 5..9).
    const sshd = parseSshdConfig(
      '/etc/ssh/sshd_config',
      new Map([
        ['/etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/[!5-9]*.conf\n'],
        ['/etc/ssh/sshd_config.d/10-a.conf', 'LogLevel VERBOSE\n'],
        ['/etc/ssh/sshd_config.d/50-b.conf', 'LogLevel QUIET\n'],
        ['/etc/ssh/sshd_config.d/.swp.conf', 'LogLevel DEBUG3\n'],
      ]),
    );
    expect(sshd.files).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-a.conf']);
    expect(sshd.settings.loglevel).toBe('VERBOSE');
  });
});
