import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KeepExtra, TargetSpill } from '../../../src/collect/spill.js';
import { volumeFactsOnly } from '../../../src/cost/index.js';
import { loopFactsOnly } from '../../../src/playbook/loop.js';
import type { Evidence, Finding, TargetResult } from '../../../src/model.js';

const target = { id: 'siem', kind: 'api', status: 'ok' } as unknown as TargetResult;

const finding = (check: string, observed: Record<string, unknown>): Finding =>
  ({
    check,
    target: 'siem',
    status: 'pass',
    area: 'log-collection',
    severity: 'medium',
    weight: 1,
    title: { en: check, ja: check },
    reason: `${check} reason`,
    observed,
    rationale: { en: 'long text', ja: 'long text' },
  }) as unknown as Finding;

const evidence = (probe: string): Evidence => ({ id: `siem/${probe}`, probe, file: `${probe}.json` }) as Evidence;

describe('the target spill keeps in memory what later analyses read', () => {
  const spillWith = (keep?: KeepExtra) =>
    new TargetSpill(
      join(mkdtempSync(join(tmpdir(), 'spill-')), '.targets.ndjson'),
      (e) => e.probe === 'es-security-alert-counts',
      keep,
    );

  it("keeps what the caller names (the loop's endpoints and reason) and the evidence it asks for", () => {
    const spill = spillWith(loopFactsOnly);
    const a = spill.put({
      result: target,
      findings: [
        finding('products.siem.alerts-to-soar', { endpoints: ['soar.example'] }),
        finding('products.es.indices-fresh', { indices: 3 }),
      ],
      evidence: [evidence('es-security-alert-counts'), evidence('es-root')],
    });
    expect(a.findings[0]).toMatchObject({ observed: { endpoints: ['soar.example'] }, reason: expect.any(String) });
    expect(a.findings[0]).not.toHaveProperty('rationale');
    expect(a.findings[1]).not.toHaveProperty('observed');
    expect(a.findings[1]).not.toHaveProperty('reason');
    expect(spill.kept.map((e) => e.probe)).toEqual(['es-security-alert-counts']);
    const full = [...spill.findings({ targets: [target], findings: a.findings } as never)];
    expect(full[1]).toMatchObject({ observed: { indices: 3 }, rationale: { en: 'long text' } });
    spill.dispose();
  });

  it('keeps the volume facts of the volume checks without their file lists (the cost forecast reads no paths)', () => {
    const spill = spillWith((f) => volumeFactsOnly(f) ?? loopFactsOnly(f));
    const volume = { sources: [{ source: 'syslog', paths: ['/var/log/syslog'], bytes: 10, bytes_per_day: 5 }] };
    const a = spill.put({
      result: target,
      findings: [finding('linux.volume.measured', { volume, 'volume.measured': 1 })],
      evidence: [],
    });
    expect(a.findings[0]!.observed).toEqual({
      volume: { sources: [{ source: 'syslog', bytes: 10, bytes_per_day: 5 }] },
    });
    expect(a.findings[0]).not.toHaveProperty('reason');
    spill.dispose();
  });

  it('keeps no observed facts by default (slim findings)', () => {
    const spill = spillWith();
    const a = spill.put({ result: target, findings: [finding('linux.volume.measured', { volume: {} })], evidence: [] });
    expect(a.findings[0]).not.toHaveProperty('observed');
    spill.dispose();
  });
});
