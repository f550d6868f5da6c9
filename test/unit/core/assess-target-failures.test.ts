// One failing source must never lose a target's findings, and a transport's error text reaches the report redacted.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { assessTarget } from '../../../src/collect/assess-target.js';
import { EvidenceStore } from '../../../src/collect/evidence-store.js';
import type { ProbeSource } from '../../../src/collect/source.js';
import type { Target } from '../../../src/model.js';

const catalog = loadCatalog();
const host: Target = {
  id: 'h1',
  kind: 'linux',
  address: '127.0.0.1',
  tags: [],
  transport: 'local',
} as unknown as Target;
const SECRET = 'password=Hunter2-s3cr3t';

function source(overrides: Partial<ProbeSource>): ProbeSource {
  return {
    label: 'fake',
    open: async () => undefined,
    collect: async () => {
      throw new Error('unused');
    },
    describe: async () => ({ hostname: 'h1', os: 'linux' }),
    close: async () => undefined,
    what: (p) => p.id,
    ...overrides,
  } as ProbeSource;
}

describe('assessTarget when a source fails', () => {
  it('keeps every check of a target whose batch collection throws, each inconclusive with the reason', async () => {
    const a = await assessTarget(
      host,
      source({ collectAll: async () => Promise.reject(new Error(`batch broke: ${SECRET}`)) }),
      catalog,
      {
        store: new EvidenceStore(undefined),
      },
    );
    expect(a.findings.length).toBeGreaterThan(10);
    expect(a.findings.every((f) => f.status === 'inconclusive' || f.status === 'not-applicable')).toBe(true);
    expect(a.findings.some((f) => /batch broke/.test(f.reason ?? ''))).toBe(true);
    expect(JSON.stringify(a)).not.toContain('Hunter2');
  });

  it('redacts the error a transport gives when it cannot open', async () => {
    const a = await assessTarget(
      host,
      source({ open: async () => ({ kind: 'auth-failed' as const, message: `login refused for ${SECRET}` }) }),
      catalog,
      {
        store: new EvidenceStore(undefined),
      },
    );
    expect(a.result.error?.message).toMatch(/login refused/);
    expect(JSON.stringify(a)).not.toContain('Hunter2');
  });
});
