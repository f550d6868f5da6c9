import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSplunkConf } from '../../../../src/rules/splunk.js';
import { splitGlobOutput } from '../../../../src/util/file-sections.js';
import {
  judgeTruncate,
  SPLUNK_DEFAULT_TRUNCATE,
  truncateFromFiles,
  truncateFromRest,
} from '../../../../src/parsers/products/splunk-props.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const glob = (p: string) => splitGlobOutput(readFileSync(join(FIXTURES_DIR, 'catalog', 'linux', p), 'utf8'));
const files = () => [...glob('splunk-props-apps.txt'), ...glob('splunk-props-system.txt')];

describe('props.conf TRUNCATE from files: Splunk precedence', () => {
  it('system/local beats an app default, an app local beats its default, and line numbers are kept', () => {
    const { settings, fallback } = truncateFromFiles(files());
    const by = Object.fromEntries(settings.map((s) => [s.sourcetype, [s.truncate, s.where]]));
    expect(by.XmlWinEventLog).toEqual([8192, '/opt/splunk/etc/system/local/props.conf:3']);
    expect(by['XmlWinEventLog:Microsoft-Windows-Sysmon/Operational']).toEqual([
      65536,
      '/opt/splunk/etc/apps/Splunk_TA_windows/local/props.conf:2',
    ]);
    expect(by.linux_audit).toEqual([0, '/opt/splunk/etc/apps/Splunk_TA_nix/default/props.conf:2']);
    // A stanza with no TRUNCATE anywhere takes [default]'s.
    expect(by.access_combined).toEqual([10000, '[default] /opt/splunk/etc/system/default/props.conf:4']);
    expect(fallback.truncate).toBe(10000);
  });

  it('with no [default] TRUNCATE the built-in 10000 applies; files outside etc/system, etc/apps are ignored', () => {
    const r = truncateFromFiles([
      { path: '/opt/splunk/etc/users/admin/search/local/props.conf', content: '[access_combined]\nTRUNCATE = 100\n' },
      { path: '/opt/splunk/etc/apps/web/local/props.conf', content: '[access_combined]\nSHOULD_LINEMERGE = 0\n' },
    ]);
    expect(r.fallback).toMatchObject({ truncate: SPLUNK_DEFAULT_TRUNCATE, where: 'Splunk default' });
    expect(r.settings).toMatchObject([{ sourcetype: 'access_combined', truncate: SPLUNK_DEFAULT_TRUNCATE }]);
  });
});

describe('props.conf settings before the first stanza are [default]', () => {
  it('parses them as the [default] stanza, merged with a later [default] header whose settings win', () => {
    const stanzas = parseSplunkConf(
      '# global settings\nTRUNCATE = 4096\nSHOULD_LINEMERGE = false\n[access_combined]\nKV_MODE = auto\n' +
        '[default]\nSHOULD_LINEMERGE = true\n',
    );
    expect(stanzas.map((st) => [st.name, st.line, Object.fromEntries(st.keys)])).toEqual([
      ['default', 2, { TRUNCATE: '4096', SHOULD_LINEMERGE: 'true' }],
      ['access_combined', 4, { KV_MODE: 'auto' }],
    ]);
    expect(stanzas[0]!.keyLines!.get('TRUNCATE')).toBe(2);
  });

  it('a pre-stanza TRUNCATE in system/local is the default over every app and system/default', () => {
    const r = truncateFromFiles([
      { path: '/opt/splunk/etc/apps/web/default/props.conf', content: 'TRUNCATE = 0\n[access_combined]\n' },
      { path: '/opt/splunk/etc/system/local/props.conf', content: '# site limit\nTRUNCATE = 4096\n' },
      { path: '/opt/splunk/etc/system/default/props.conf', content: '[default]\nTRUNCATE = 10000\n' },
    ]);
    expect(r.fallback).toMatchObject({ truncate: 4096, where: '/opt/splunk/etc/system/local/props.conf:2' });
    expect(judgeTruncate(r.settings, r.fallback).cut).toEqual([
      'access_combined (web access/body log): TRUNCATE = 4096 at [default] /opt/splunk/etc/system/local/props.conf:2' +
        ', events up to 20000 bytes are cut',
    ]);
  });

  it("an app's pre-stanza TRUNCATE beats system/default but not a sourcetype stanza that sets its own", () => {
    const r = truncateFromFiles([
      { path: '/opt/splunk/etc/apps/web/local/props.conf', content: 'TRUNCATE = 0\n' },
      { path: '/opt/splunk/etc/system/default/props.conf', content: '[default]\nTRUNCATE = 10000\n' },
      { path: '/opt/splunk/etc/apps/win/default/props.conf', content: '[XmlWinEventLog]\nTRUNCATE = 8192\n' },
    ]);
    expect(r.fallback).toMatchObject({ truncate: 0, where: '/opt/splunk/etc/apps/web/local/props.conf:1' });
    expect(r.settings).toMatchObject([{ sourcetype: 'XmlWinEventLog', truncate: 8192 }]);
  });
});

describe('judgeTruncate: the sizes the canaries need', () => {
  const fallback = { sourcetype: 'default', truncate: 10000, where: 'Splunk default' };
  it('0 is unlimited; a web sourcetype needs the 20000-byte web canary, Windows and audit the 12000-byte one', () => {
    const j = judgeTruncate(
      [
        { sourcetype: 'access_combined', truncate: 16384, where: 'a' },
        { sourcetype: 'XmlWinEventLog', truncate: 12000, where: 'b' },
        { sourcetype: 'linux_audit', truncate: 0, where: 'c' },
        { sourcetype: 'pan:traffic', truncate: 100, where: 'd' },
      ],
      fallback,
    );
    expect(j.cut).toEqual([
      'access_combined (web access/body log): TRUNCATE = 16384 at a, events up to 20000 bytes are cut',
    ]);
    expect(j.needed.map((n) => n.sourcetype)).toEqual(['access_combined', 'linux_audit', 'XmlWinEventLog']);
  });
  it('a needed sourcetype receiving events with no stanza of its own is judged by the default', () => {
    expect(judgeTruncate([], fallback, ['nginx:plus:access', 'pan:traffic']).cut).toEqual([
      'nginx:plus:access (web access/body log): TRUNCATE = 10000 at [default] Splunk default, events up to 20000 ' +
        'bytes are cut',
    ]);
  });
});

describe('props TRUNCATE from the REST configs/conf-props answer', () => {
  it('reads each entry with its app; source:: stanzas are not sourcetypes; the smallest value across apps wins', () => {
    const json = JSON.parse(readFileSync(join(FIXTURES_DIR, 'products', 'splunk', 'conf-props.json'), 'utf8'));
    json.entry.push({ name: 'XmlWinEventLog', content: { TRUNCATE: '9000', 'eai:acl': { app: 'search' } } });
    const { settings, fallback } = truncateFromRest(json);
    expect(fallback.truncate).toBe(10000);
    expect(settings.map((s) => s.sourcetype).sort()).toEqual([
      'XmlWinEventLog',
      'access_combined',
      'linux_audit',
      'pan:traffic',
    ]);
    expect(settings.find((s) => s.sourcetype === 'XmlWinEventLog')).toMatchObject({
      truncate: 9000,
      where: 'REST conf-props entry[6] [XmlWinEventLog] (app search)',
    });
  });
  it('an answer without an entry list is inconclusive, not a pass', () => {
    expect(() => truncateFromRest({ messages: [] })).toThrow(/no "entry" list/);
  });
});
