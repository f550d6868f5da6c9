// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// Snort 3 from fixtures written after the upstream snort.lua/snort_defaults.lua (test/fixtures/products/snort) and
// trap variants built from them here, through the catalog's checks: the upstream template records nothing, `-A`
// alone prints to stdout, alert_json's default fields lack msg, unified2 alone is binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { parseLuaChunk } from '../../../../src/parsers/ips/lua-tables.js';
import { parseSnortCommandLine, snortConfig } from '../../../../src/parsers/ips/snort.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR as FIXTURES } from '../../../helpers/paths.js';

const DIR = join(FIXTURES, 'products', 'snort');
const upstream = readFileSync(join(DIR, 'snort.lua'), 'utf8');
const defaults = readFileSync(join(DIR, 'snort_defaults.lua'), 'utf8');
const catalog = loadCatalog();
const ctx = { targetId: 'snort1', kind: 'ips' as const };
const ok = (stdout: string, exitCode = 0): ProbeResult => ({
  stdout,
  stderr: exitCode === 127 ? 'sh: 1: snort: not found' : '',
  exitCode,
  truncated: false,
  durationMs: 1,
});
/** The probes of a host whose binary cannot be asked, with this snort.lua in /etc/snort and a command line. */
const host = (lua: string, cmdline = '', dump?: string): Record<string, ProbeResult> => ({
  'snort-dump-config': dump === undefined ? ok('', 127) : ok(dump),
  'snort-lua': ok(`==> /etc/snort/snort.lua <==\n${lua}\n==> /etc/snort/snort_defaults.lua <==\n${defaults}\n`),
  'snort-lua-local': ok(''),
  'snort-cmdline': ok(cmdline),
});
const status = (id: string, outputs: Record<string, ProbeResult>) =>
  evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, ctx);
const facts = (outputs: Record<string, ProbeResult>) => snortConfig.parse(outputs, ctx) as any;
const withOutputs = (lua: string) => upstream.replace('--alert_csv = { }', lua);
const rules = (lua: string) =>
  lua.replace(
    'variables = default_variables\n}',
    "include = RULE_PATH .. '/snort3-community.rules',\n    variables = default_variables\n}",
  );

describe('Snort 3 outputs and rules (fixtures after upstream snort.lua, and traps)', () => {
  it('reads the Lua subset: tables, long strings, block comments, includes, references', () => {
    const chunk = parseLuaChunk(`${upstream}\n`, 'snort.lua');
    expect(chunk.includes).toEqual(['snort_defaults.lua']);
    expect(Object.keys(chunk.assignments)).toContain('binder');
    expect(Object.keys(chunk.assignments)).not.toContain('reputation'); // inside --[[ ]]
    expect(Object.keys(chunk.assignments)).not.toContain('alert_fast'); // commented out
    const d = parseLuaChunk(defaults, 'snort_defaults.lua');
    expect(d.assignments.HTTP_PORTS!.value).toContain('8080');
  });

  it('trap: the upstream template has no alert logger and no rules: output and rules fail', () => {
    const f = facts(host(upstream));
    expect(f).toMatchObject({
      installed: true,
      alert_enabled: false,
      rules_loaded: false,
      source: '/etc/snort/snort.lua',
    });
    expect(status('ips.snort.alert-output', host(upstream)).status).toBe('fail');
    expect(status('ips.snort.rules-loaded', host(upstream)).status).toBe('fail');
    // Nothing to grade about the alert format when there are no alerts.
    expect(status('ips.snort.alert-json', host(upstream)).status).toBe('not-applicable');
  });

  it('trap: -A alert_fast on the command line alone prints alerts to stdout: a warn-free fail', () => {
    const outputs = host(
      rules(upstream),
      '/usr/local/bin/snort -c /etc/snort/snort.lua -i eth1 -A alert_fast -k none\n',
    );
    expect(facts(outputs).alert_loggers).toEqual([
      { name: 'alert_fast', destination: 'stdout', from: 'command-line', fields: null, packet: false },
    ]);
    expect(status('ips.snort.alert-output', outputs).status).toBe('fail');
    expect(status('ips.snort.rules-loaded', outputs).status).toBe('pass');
  });

  it('trap: alert_json with file = true but its default fields has no msg: alert-json warns', () => {
    const outputs = host(rules(withOutputs('alert_json = { file = true }')));
    const f = facts(outputs);
    expect(f.json_fields).toEqual([
      'timestamp',
      'pkt_num',
      'proto',
      'pkt_gen',
      'pkt_len',
      'dir',
      'src_ap',
      'dst_ap',
      'rule',
      'action',
    ]);
    expect(status('ips.snort.alert-output', outputs).status).toBe('pass');
    expect(status('ips.snort.alert-json', outputs).status).toBe('warn');
    expect(status('ips.snort.alert-packet', outputs).status).toBe('fail');
  });

  it('trap: unified2 alone is a binary file a SIEM cannot read as is: warn', () => {
    const outputs = host(rules(withOutputs('unified2 = { limit = 128 }')));
    expect(status('ips.snort.alert-output', outputs).status).toBe('warn');
  });

  it('passes alert_json to a file with msg, sid, addresses and b64_data, and rules from the command line', () => {
    const lua = withOutputs(
      'alert_json =\n{\n    file = true,\n' +
        "    fields = 'timestamp msg sid gid rev src_addr src_port dst_addr dst_port b64_data',\n}",
    );
    const outputs = host(
      lua,
      'ExecStart=/usr/local/bin/snort -c /etc/snort/snort.lua --rule-path /etc/snort/rules -l /var/log/snort -D\n',
    );
    for (const id of [
      'ips.snort.alert-output',
      'ips.snort.alert-json',
      'ips.snort.alert-packet',
      'ips.snort.rules-loaded',
    ])
      expect(status(id, outputs).status, id).toBe('pass');
  });

  it('-A none switches off configured loggers', () => {
    const outputs = host(rules(withOutputs('alert_syslog = { }')), 'snort -c /etc/snort/snort.lua -A none\n');
    expect(facts(outputs).alert_enabled).toBe(false);
    expect(status('ips.snort.alert-output', outputs).status).toBe('fail');
  });

  it('prefers --dump-config-text, the effective configuration, over the files', () => {
    const dump = readFileSync(join(DIR, 'dump-config-text.txt'), 'utf8');
    const outputs = host(upstream, '', dump);
    const f = facts(outputs);
    expect(f.source).toBe('snort --dump-config-text');
    expect(f.rules).toEqual(['ips.include: /etc/snort/rules/snort3-community.rules']);
    for (const id of [
      'ips.snort.alert-output',
      'ips.snort.alert-json',
      'ips.snort.alert-packet',
      'ips.snort.rules-loaded',
    ])
      expect(status(id, outputs).status, id).toBe('pass');
  });

  it('a host without Snort: every Snort check is not applicable', () => {
    const none: Record<string, ProbeResult> = {
      'snort-dump-config': ok('', 127),
      'snort-lua': ok(''),
      'snort-lua-local': ok(''),
      'snort-cmdline': ok(''),
    };
    expect(status('ips.snort.alert-output', none).status).toBe('not-applicable');
  });

  it('reads the command-line forms -Aalert_json, -L pcap, -R file', () => {
    expect(parseSnortCommandLine('snort -c x -Aalert_json -L pcap -R /r/local.rules -l /var/log/snort')).toEqual({
      seen: true,
      alert: ['alert_json'],
      packet: ['pcap'],
      rules: ['/r/local.rules'],
      log_dir: '/var/log/snort',
    });
  });
});
