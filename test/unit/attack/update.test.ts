import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAttackCatalog } from '../../../src/attack/catalog.js';
import { updateAttackCache } from '../../../src/attack/update.js';

const tiny = {
  type: 'bundle',
  id: 'bundle--1',
  objects: [
    { type: 'x-mitre-collection', id: 'x-mitre-collection--1', x_mitre_version: '20.0' },
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--1',
      name: 'Execution',
      x_mitre_shortname: 'execution',
      external_references: [{ source_name: 'mitre-attack', external_id: 'TA0002' }],
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--1',
      name: 'Command and Scripting Interpreter',
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
      external_references: [{ source_name: 'mitre-attack', external_id: 'T1059' }],
    },
  ],
};

describe('updateAttackCache', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'socready-attack-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('says it is offline when the download fails, and writes nothing', async () => {
    const dir = tmp();
    const failing = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as unknown as typeof fetch;
    const r = await updateAttackCache({ cacheDir: dir, fetchImpl: failing });
    expect(r).toMatchObject({ status: 'offline', reason: 'ENOTFOUND' });
    expect(existsSync(join(dir, 'enterprise-attack.json'))).toBe(false);
  });

  it('stores a valid bundle in the cache, and the loader then prefers it over the shipped catalog', async () => {
    const dir = tmp();
    const ok = (async () => new Response(JSON.stringify(tiny), { status: 200 })) as unknown as typeof fetch;
    const r = await updateAttackCache({ cacheDir: dir, fetchImpl: ok });
    expect(r).toMatchObject({ status: 'updated', attack_version: '20.0', techniques: 1 });
    expect(JSON.parse(readFileSync(join(dir, 'enterprise-attack.json'), 'utf8')).type).toBe('bundle');
    const loaded = loadAttackCatalog({ cacheDir: dir });
    expect(loaded.origin).toBe('cache');
    expect(loaded.index.version).toBe('20.0');
  });

  it('refuses a response that is not an ATT&CK bundle', async () => {
    const dir = tmp();
    const html = (async () => new Response('<html>captive portal</html>', { status: 200 })) as unknown as typeof fetch;
    const r = await updateAttackCache({ cacheDir: dir, fetchImpl: html });
    expect(r.status).toBe('invalid');
    expect(existsSync(join(dir, 'enterprise-attack.json'))).toBe(false);
  });
});
