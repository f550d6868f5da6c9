import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../../src/checks/types.js';
import { EvidenceProbeSource, readOfflineEvidence } from '../../../src/collect/offline.js';
import { linuxCollectScript } from '../../../src/collect/script-linux.js';

describe('the offline Linux collection script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-script-'));
  const odd = join(dir, 'odd \u0001"\\ name\t.conf');
  writeFileSync(odd, 'content of an odd file\n');
  const log = join(dir, 'app.log');
  writeFileSync(log, `${'old line\n'.repeat(100)}newest line\n`);
  const probes: ProbeDef[] = [
    { id: 'odd-file', platform: 'linux', kind: 'file', path: odd },
    { id: 'log-tail', platform: 'linux', kind: 'file', path: log, tail: true, max_bytes: 12 },
    { id: 'hangs', platform: 'linux', kind: 'command', command: 'echo started; sleep 30', timeout: 1 },
    { id: 'binary', platform: 'linux', kind: 'command', command: "printf '\\377\\376ok'" },
    { id: 'missing', platform: 'linux', kind: 'file', path: join(dir, 'nope.conf') },
  ];
  const script = join(dir, 'collect.sh');
  writeFileSync(script, linuxCollectScript(probes, '0.0.0-test'));
  const out = join(dir, 'evidence.json');
  execFileSync('sh', [script, out], { stdio: ['ignore', 'ignore', 'pipe'] });

  it('writes valid JSON even when names carry control characters, quotes and backslashes', () => {
    const data = readOfflineEvidence(out);
    expect(Object.keys(data.probes).sort()).toEqual(['binary', 'hangs', 'log-tail', 'missing', 'odd-file']);
    expect(data.probes['odd-file']!.what).toBe(odd.replace(/[\u0000-\u001f]/g, ''));
  });

  it('replays outputs byte for byte, keeps the end of tail probes, and maps errors as a live scan does', async () => {
    const source = new EvidenceProbeSource(out);
    expect(await source.open()).toBeUndefined();
    expect((await source.collect(probes[0]!)).stdout).toBe('content of an odd file\n');
    const tail = await source.collect(probes[1]!);
    expect(tail).toMatchObject({ stdout: 'newest line\n', truncated: true });
    expect((await source.collect(probes[3]!)).stdout).toBe('\u00ff\u00feok');
    expect((await source.collect(probes[4]!)).error?.kind).toBe('not-found');
  });

  it('records a probe killed by its timeout as a timeout, like a live scan', async () => {
    const source = new EvidenceProbeSource(out);
    await source.open();
    const hung = await source.collect(probes[2]!);
    expect(hung.error).toEqual({ kind: 'timeout', message: 'timed out after 1 s' });
  });
});

describe('linux collection script and live probes', () => {
  it(
    'never contains the host canary (a live probe writes to the host logs): the shipped catalog renders ' +
      'without it',
    async () => {
      const { loadCatalog } = await import('../../../src/checks/catalog.js');
      const probes = [...loadCatalog().probes.values()].filter((p) => p.platform === 'linux');
      expect(probes.some((p) => p.kind === 'live')).toBe(true);
      const script = linuxCollectScript(probes, '0.0.0-test');
      expect(script).not.toContain('host-canary');
      expect(script).not.toContain('logger ');
      expect(script).toMatch(/probe '?rsyslog-conf'? file/);
    },
  );
});
