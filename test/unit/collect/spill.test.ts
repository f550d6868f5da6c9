import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetSpill } from '../../../src/collect/spill.js';
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
  const spillWith = (keepObserved?: (f: Finding) => boolean) =>
    new TargetSpill(
      join(mkdtempSync(join(tmpdir(), 'spill-')), '.targets.ndjson'),
      (e) => e.probe === 'es-security-alert-counts',
      keepObserved,
    );

  it('keeps observed facts and the reason only for the checks the caller names, and the evidence it asks for', () => {
    const spill = spillWith((f) => f.check === 'products.siem.alerts-to-soar');
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

  it('keeps no observed facts by default (slim findings)', () => {
    const spill = spillWith();
    const a = spill.put({ result: target, findings: [finding('linux.volume.measured', { volume: {} })], evidence: [] });
    expect(a.findings[0]).not.toHaveProperty('observed');
    spill.dispose();
  });
});
