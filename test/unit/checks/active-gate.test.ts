// The live probes that send traffic (the canary POST, the WAF probe) need --active. That gate is code, not catalog
// data: a catalog entry that forgets `active: true` must not make socready POST to a production site.
import { describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../../src/checks/types.js';
import type { Target } from '../../../src/model.js';
import { DatabaseProbeSource } from '../../../src/database/source.js';
import { WebProbeSource } from '../../../src/web/source.js';

const target = { id: 'shop', kind: 'web', web: { urls: ['https://shop.example.test/'] } } as unknown as Target;
const live = (name: string, active?: boolean) =>
  ({
    id: `p-${name}`,
    platform: 'web',
    kind: 'live',
    live: name,
    ...(active === undefined ? {} : { active }),
  }) as unknown as ProbeDef;

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

describe('database canaries and --active', () => {
  const db = (extra: Record<string, unknown> = {}) =>
    ({
      id: 'pg',
      kind: 'database',
      address: '127.0.0.1',
      database: { product: 'postgresql', host: 'h', user: 'ro', ...extra },
    }) as unknown as Target;
  const canary = (name: string, active?: boolean) =>
    ({
      id: `p-${name}`,
      platform: 'database',
      kind: 'live',
      live: name,
      products: ['postgresql'],
      ...(active === undefined ? {} : { active }),
    }) as unknown as ProbeDef;
  // A host transport that records every command: nothing may reach it without --active.
  const ran: string[] = [];
  const host = {
    name: 'fake',
    open: async () => undefined,
    run: async (c: string) => {
      ran.push(c);
      return { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs: 0 };
    },
    readFile: async () => ({ stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs: 0 }),
    describe: async () => ({ platform: 'linux' as const }),
    close: async () => undefined,
  };

  it('plans and sends no canary without --active, even when the catalog marks it passive', async () => {
    const source = new DatabaseProbeSource(db({ failed_login_canary: true }), {
      hostTransport: host,
      active: false,
      runId: 'r',
    });
    for (const name of ['db-canary', 'db-failed-login']) {
      for (const flag of [true, false, undefined]) expect(source.plans(canary(name, flag))).toBe(false);
      const r = await source.collect(canary(name, false));
      expect(r.error?.kind).toBe('unsupported');
    }
    expect(ran).toEqual([]);
  });

  it('plans the failed login only when the target opts in, and no canary without a connection', () => {
    expect(
      new DatabaseProbeSource(db(), { hostTransport: host, active: true, runId: 'r' }).plans(
        canary('db-failed-login', true),
      ),
    ).toBe(false);
    expect(
      new DatabaseProbeSource(db({ failed_login_canary: true }), {
        hostTransport: host,
        active: true,
        runId: 'r',
      }).plans(canary('db-failed-login', true)),
    ).toBe(true);
    const noConnection = {
      id: 'pg',
      kind: 'database',
      address: '127.0.0.1',
      database: { product: 'postgresql', host: 'h' },
    } as unknown as Target;
    expect(
      new DatabaseProbeSource(noConnection, { hostTransport: host, active: true, runId: 'r' }).plans(
        canary('db-canary', true),
      ),
    ).toBe(false);
  });
});
