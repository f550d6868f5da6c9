// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// Suricata's configuration read from the upstream default (../shared/products/suricata/suricata.yaml.in, the
// template the project ships, read in place) and trap variants built from it here, through the catalog's checks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { type ConfNode, parseDumpConfig, parseSuricataYaml } from '../../../../src/parsers/ips/suricata-config.js';
import { suricataConfig } from '../../../../src/parsers/ips/suricata.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { SHARED_DIR } from '../../../helpers/paths.js';

const UPSTREAM = join(SHARED_DIR, 'products', 'suricata', 'suricata.yaml.in');
const present = existsSync(UPSTREAM);
const upstream = present ? readFileSync(UPSTREAM, 'utf8') : '';
const catalog = loadCatalog();
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const missing = (): ProbeResult => ({
  stdout: '',
  stderr: 'sh: 1: suricata: not found',
  exitCode: 127,
  truncated: false,
  durationMs: 1,
});
const ctx = { targetId: 'ids1', kind: 'ips' as const };

/** Outputs as a sensor without the binary in PATH gives them: the file, and the rule-file times (none by default). */
function fromFile(yaml: string, rulesState = 'now=1900000000\n'): Record<string, ProbeResult> {
  return { 'suricata-dump-config': missing(), 'suricata-yaml': ok(yaml), 'suricata-rules-state': ok(rulesState) };
}

function statuses(outputs: Record<string, ProbeResult>): Record<string, string> {
  return Object.fromEntries(
    catalog.checks
      .filter((c) => c.parser === 'suricata-config')
      .map((c) => [c.id, evaluateCheck(c, outputs, ctx).status]),
  );
}

/** The upstream default with its commented options switched on, the way an operator enables them. */
function tuned(text: string): string {
  return text
    .replace('# payload: yes             # enable dumping payload in Base64', 'payload: yes')
    .replace('# packet: yes              # enable dumping of packet', 'packet: yes #')
    .replace('# http-body-printable: yes # Requires metadata', 'http-body-printable: yes #')
    .replace('# dump-all-headers: none', 'dump-all-headers: both');
}

/** Suricata's ConfDump format (`suricata --dump-config`) for a tree, as conf.c prints it. */
function dumpConfig(node: ConfNode, prefix = ''): string[] {
  if (node === null || typeof node === 'string') return [`${prefix} = ${node ?? '(null)'}`];
  const lines = prefix ? [`${prefix} = (null)`] : [];
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const key = `${prefix}.${i}`;
      if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1) {
        const name = Object.keys(item)[0]!;
        lines.push(`${key} = ${name}`, ...dumpConfig(item[name]!, `${key}.${name}`));
      } else lines.push(...dumpConfig(item, key));
    });
    return lines;
  }
  for (const [k, v] of Object.entries(node)) lines.push(...dumpConfig(v, prefix ? `${prefix}.${k}` : k));
  return lines;
}

describe.skipIf(!present)('Suricata configuration (upstream suricata.yaml.in and traps)', () => {
  it('reads the upstream template, placeholders included, into the EVE types it enables', () => {
    const facts = suricataConfig.parse(fromFile(upstream), ctx) as any;
    expect(facts).toMatchObject({ installed: true, source: '/etc/suricata/suricata.yaml' });
    expect(facts.eve).toMatchObject({
      enabled: true,
      http: { logged: true, extended: true, dump_all_headers: 'none' },
      tls: { logged: true, extended: true },
      ssh: { logged: true },
      flow: { logged: true },
      alert: { logged: true, payload: false, packet: false, http_body: false, http_body_printable: false },
    });
    expect(facts.app_layer.http).toEqual({
      enabled: true,
      request_body_limit: 100 * 1024,
      response_body_limit: 100 * 1024,
    });
    expect(facts.rules.rule_files).toEqual(['suricata.rules']);
  });

  it(
    'grades the upstream default: EVE, TLS, SSH and flows on; ' + 'headers, payload and bodies off; rule age unknown',
    () => {
      expect(statuses(fromFile(upstream))).toEqual({
        'ips.suricata.eve-enabled': 'pass',
        'ips.suricata.eve-http-headers': 'fail',
        'ips.suricata.eve-tls-extended': 'pass',
        'ips.suricata.eve-ssh': 'pass',
        'ips.suricata.eve-flow': 'pass',
        'ips.suricata.eve-alert-payload': 'fail',
        'ips.suricata.http-body': 'fail',
        'ips.suricata.rules-fresh': 'inconclusive',
      });
    },
  );

  it('passes every check once headers, payload and bodies are switched on and the rules are 2 days old', () => {
    const now = 1_900_000_000;
    const state = `now=${now}\n${now - 2 * 86400} /var/lib/suricata/rules/suricata.rules\n`;
    expect(new Set(Object.values(statuses(fromFile(tuned(upstream), state))))).toEqual(new Set(['pass']));
  });

  it('fails rule freshness on 30-day-old rules, measured against the sensor clock in the evidence', () => {
    const now = 1_900_000_000;
    const state =
      `now=${now}\n${now - 30 * 86400} /var/lib/suricata/rules/suricata.rules\n${now - 40 * 86400} ` +
      '/etc/suricata/rules/local.rules\n';
    const facts = suricataConfig.parse(fromFile(upstream, state), ctx) as any;
    expect(facts.rules.newest_age_days).toBe(30);
    expect(statuses(fromFile(upstream, state))['ips.suricata.rules-fresh']).toBe('fail');
  });

  it('trap: EVE switched off fails the first check and leaves the EVE type checks not applicable', () => {
    const off = upstream.replace(/(- eve-log:\n\s+enabled: )yes/, '$1no');
    const s = statuses(fromFile(off));
    expect(s['ips.suricata.eve-enabled']).toBe('fail');
    expect(s['ips.suricata.eve-flow']).toBe('not-applicable');
  });

  it('trap: a tls `custom` list switches extended logging off (warn), as Suricata documents', () => {
    const custom = upstream.replace(
      '            extended: yes     # enable this for extended logging information\n            # output TLS',
      '            extended: yes\n            custom: [sni, version]\n            # output TLS',
    );
    expect(statuses(fromFile(custom))['ips.suricata.eve-tls-extended']).toBe('warn');
  });

  it('trap: http-body-printable without alert metadata writes no body, so the body check fails', () => {
    const noMeta = tuned(upstream).replace('# metadata: no             # enable inclusion', 'metadata: no #');
    expect((suricataConfig.parse(fromFile(noMeta), ctx) as any).eve.alert.http_body_printable).toBe(false);
    expect(statuses(fromFile(noMeta))['ips.suricata.http-body']).toBe('fail');
  });

  it('trap: dump-all-headers for requests only is a warning, not a pass', () => {
    const req = upstream.replace('# dump-all-headers: none', 'dump-all-headers: request');
    expect(statuses(fromFile(req))['ips.suricata.eve-http-headers']).toBe('warn');
  });

  it('reads `suricata --dump-config` output into the same facts as the file, and prefers it over the file', () => {
    const tree = parseSuricataYaml(tuned(upstream), 'suricata.yaml');
    const dump = `${dumpConfig(tree).join('\n')}\n`;
    expect(dump).toMatch(/^outputs\.1 = eve-log$/m);
    expect(dump).toMatch(/^outputs\.1\.eve-log\.types\.0 = alert$/m);
    expect(Array.isArray((parseDumpConfig(dump) as any).outputs)).toBe(true);
    const { source: _a, ...viaDump } = suricataConfig.parse(
      { ...fromFile(''), 'suricata-dump-config': ok(dump) },
      ctx,
    ) as any;
    const { source: _b, ...viaFile } = suricataConfig.parse(fromFile(tuned(upstream)), ctx) as any;
    expect(viaDump).toEqual(viaFile);
    // The effective configuration wins: here the file on disk is the untuned default.
    const outputs = { 'suricata-dump-config': ok(dump), 'suricata-yaml': ok(upstream) };
    const facts = suricataConfig.parse(outputs, ctx) as any;
    expect(facts.source).toBe('suricata --dump-config');
    expect(facts.eve.alert.payload).toBe(true);
  });

  it('reads a hand-written dump in the printed format: `(null)` inner nodes, numbered sequences', () => {
    const dump = [
      'outputs = (null)',
      'outputs.0 = eve-log',
      'outputs.0.eve-log = (null)',
      'outputs.0.eve-log.enabled = yes',
      'outputs.0.eve-log.types = (null)',
      'outputs.0.eve-log.types.0 = flow',
      'outputs.0.eve-log.types.1 = tls',
      'outputs.0.eve-log.types.1.tls = (null)',
      'outputs.0.eve-log.types.1.tls.extended = no',
    ].join('\n');
    const facts = suricataConfig.parse({ 'suricata-dump-config': ok(dump) }, ctx) as any;
    expect(facts.eve).toMatchObject({
      enabled: true,
      flow: { logged: true },
      tls: { logged: true, extended: false },
      ssh: { logged: false },
    });
  });

  it('answers malformed YAML with an error finding naming the file and line', () => {
    const broken = `%YAML 1.1\n---\noutputs:\n  - eve-log:\n    enabled: [yes\n`;
    const check = catalog.checks.find((c) => c.id === 'ips.suricata.eve-enabled')!;
    const f = evaluateCheck(check, fromFile(broken), ctx);
    expect(f.status).toBe('error');
    expect(f.reason ?? JSON.stringify(f)).toMatch(/suricata\.yaml:\d+/);
  });

  it('is not applicable on a host with neither the binary nor the file', () => {
    const check = catalog.checks.find((c) => c.id === 'ips.suricata.eve-enabled')!;
    const outputs = {
      ...fromFile(''),
      'suricata-yaml': { ...ok(''), exitCode: 1, error: { kind: 'not-found' as const, message: 'no such file' } },
    };
    expect(evaluateCheck(check, outputs, ctx).status).toBe('not-applicable');
  });
});
