// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// Zeek's site policy from the upstream default (../shared/products/zeek/local.zeek, read in place) and trap
// variants built from it here, through the catalog's checks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { parseLocalZeek, zeekSite } from '../../../../src/parsers/ips/zeek.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { SHARED_DIR } from '../../../helpers/paths.js';

const UPSTREAM = join(SHARED_DIR, 'products', 'zeek', 'local.zeek');
const present = existsSync(UPSTREAM);
const upstream = present ? readFileSync(UPSTREAM, 'utf8') : '';
const catalog = loadCatalog();
const ctx = { targetId: 'zeek1', kind: 'ndr' as const };
const site = (local: string, cfg?: string): Record<string, ProbeResult> => ({
  'zeek-site': {
    stdout:
      '==> /opt/zeek/share/zeek/site/local.zeek ' +
      `<==\n${local}\n${cfg ? `==> /opt/zeek/etc/zeekctl.cfg <==\n${cfg}\n` : ''}`,
    stderr: '',
    exitCode: 0,
    truncated: false,
    durationMs: 1,
  },
});
const status = (id: string, outputs: Record<string, ProbeResult>) =>
  evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, ctx).status;

describe.skipIf(!present)('Zeek site policy (upstream local.zeek and traps)', () => {
  it('reads the upstream policy: its @load scripts, every core stream on, TSV logs', () => {
    const p = parseLocalZeek(upstream, 'local.zeek');
    expect(p.loads).toContain('protocols/ssh/detect-bruteforcing');
    expect(p.loads).toContain('frameworks/files/hash-all-files');
    // @load-sigs is signatures, not a script
    expect(p.loads).not.toContain('frameworks/signatures/detect-windows-shells');
    expect(p.streams).toMatchObject({ conn: true, http: true, ssl: true, ssh: true, files: true });
    expect(p.use_json).toBe(false);
    expect(status('ndr.zeek.core-logs', site(upstream))).toBe('pass');
    expect(status('ndr.zeek.json-logs', site(upstream))).toBe('fail');
  });

  it('passes JSON logging set either way: the json-logs policy script or the LogAscii redef', () => {
    expect(status('ndr.zeek.json-logs', site(`${upstream}\n@load policy/tuning/json-logs.zeek\n`))).toBe('pass');
    expect(status('ndr.zeek.json-logs', site(`${upstream}\nredef LogAscii::use_json = T;\n`))).toBe('pass');
  });

  it('trap: a commented-out json-logs load and a later use_json = F leave the logs TSV', () => {
    expect(status('ndr.zeek.json-logs', site(`${upstream}\n# @load tuning/json-logs\n`))).toBe('fail');
    expect(
      status('ndr.zeek.json-logs', site(`${upstream}\n@load tuning/json-logs\nredef LogAscii::use_json = F;\n`)),
    ).toBe('fail');
  });

  it('trap: an HTTP stream disabled to save disk fails the core-logs check', () => {
    const trap = `${upstream}\nevent zeek_init() { Log::disable_stream(HTTP::LOG); }\n`;
    expect(parseLocalZeek(trap, 'local.zeek').disabled_streams).toEqual(['http']);
    expect(status('ndr.zeek.core-logs', site(trap))).toBe('fail');
  });

  it('reads the log directory and rotation from zeekctl.cfg', () => {
    const facts = zeekSite.parse(
      site(upstream, 'LogDir = /var/log/zeek/logs\nLogRotationInterval = 3600\nLogExpireInterval = 30day\n'),
      ctx,
    ) as any;
    expect(facts).toMatchObject({
      installed: true,
      log_dir: '/var/log/zeek/logs',
      rotation_seconds: 3600,
      expire: '30day',
    });
  });

  it('is not applicable on a host without local.zeek', () => {
    expect(
      status('ndr.zeek.core-logs', {
        'zeek-site': { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs: 1 },
      }),
    ).toBe('not-applicable');
  });
});
