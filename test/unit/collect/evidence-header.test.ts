// Evidence-mode shards plan every file of the estate by its header (format, platform, host, databases): the probes of
// a file another shard assesses are neither validated nor decoded, and a target's id, hence its shard, is the same in
// every shard.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvidenceHeader, readOfflineEvidence } from '../../../src/collect/offline.js';
import { builtInInventory } from '../../../src/inventory/load.js';
import { planScan } from '../../../src/scan.js';
import { shardOf } from '../../../src/shard/select.js';
import { InputError } from '../../../src/util/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-evidence-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evidence = (hostname: string, probes: unknown) =>
  JSON.stringify({ format: 'socready-evidence', version: 1, platform: 'linux', host: { hostname }, probes });
const GOOD = { 'auditctl-status': { kind: 'command', what: 'auditctl -s', exit_code: 0, stdout_b64: '' } };
const BROKEN = { 'auditctl-status': { kind: 'command', exit_code: 0, stdout_b64: 5 } };

describe('evidence file header', () => {
  it('is read without validating the probes: a file whose probes are broken still names its host', () => {
    const file = join(dir, 'one.json');
    writeFileSync(file, evidence('db-07', BROKEN));
    const header = readEvidenceHeader(file);
    expect(header).toMatchObject({ platform: 'linux', host: { hostname: 'db-07' } });
    expect(header).not.toHaveProperty('probes');
    expect(() => readOfflineEvidence(file)).toThrow(InputError);
  });

  it('is refused like the whole file when the header itself is wrong', () => {
    const file = join(dir, 'bad-header.json');
    writeFileSync(file, JSON.stringify({ format: 'socready-evidence', version: 2, platform: 'linux', host: {} }));
    expect(() => readEvidenceHeader(file)).toThrow(/version/);
  });

  it('plans the same ids in every shard and reads the broken file only in the shard that assesses it', () => {
    const folder = join(dir, 'estate');
    mkdirSync(folder);
    const hosts = Array.from({ length: 12 }, (_, i) => `host-${i}`);
    for (const [i, h] of hosts.entries())
      writeFileSync(join(folder, `${h}.json`), evidence(h, i === 5 ? BROKEN : GOOD));
    const count = 3;
    const owner = shardOf('host-5', count);
    for (let index = 1; index <= count; index++) {
      const problems: InputError[] = [];
      const plan = planScan(
        {
          inventory: builtInInventory(),
          outDir: dir,
          evidencePath: folder,
          shard: { spec: { index, count }, inventoryDigest: 'x' },
        },
        'run',
        problems,
      );
      expect(plan.ids).toEqual([...hosts].sort());
      expect(plan.mine.map((p) => p.target.id)).toEqual([...hosts].sort().filter((h) => shardOf(h, count) === index));
      expect(problems.length, `shard ${index}`).toBe(index === owner ? 1 : 0);
    }
  });
});
