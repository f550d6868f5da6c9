// The live probes that send traffic (the canary POST, the WAF probe) need --active. That gate is code, not catalog
// data: a catalog entry that forgets `active: true` must not make socready POST to a production site.
import { describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../../src/checks/types.js';
import type { Target } from '../../../src/model.js';
import { WebProbeSource } from '../../../src/web/source.js';

const target = { id: 'shop', kind: 'web', web: { urls: ['https://shop.example.test/'] } } as unknown as Target;
const live = (name: string, active?: boolean) =>
  ({ id: `p-${name}`, platform: 'web', kind: 'live', live: name, ...(active === undefined ? {} : { active }) }) as unknown as ProbeDef;

describe('web live probes and --active', () => {
  it('plans neither the canary nor the WAF probe without --active, even when the catalog marks them passive', () => {
    const source = new WebProbeSource(target, { active: false, runId: 'r' });
    for (const name of ['body-canary', 'waf-probe']) {
      expect(source.plans(live(name, true))).toBe(false);
      expect(source.plans(live(name, false))).toBe(false);
      expect(source.plans(live(name))).toBe(false);
    }
  });

  it('plans the passive TLS handshake without --active, and the active probes with it', () => {
    expect(new WebProbeSource(target, { active: false, runId: 'r' }).plans(live('tls-handshake'))).toBe(true);
    const active = new WebProbeSource(target, { active: true, runId: 'r' });
    expect(active.plans(live('body-canary', true))).toBe(true);
    expect(active.plans(live('waf-probe', true))).toBe(true);
  });
});
