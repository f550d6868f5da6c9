import { describe, expect, it } from 'vitest';
import type { Finding, Report, Target } from '../../../src/model.js';
import type { PlaybookResult } from '../../../src/playbook/analyse.js';
import { alertLoop, loopFactsOnly } from '../../../src/playbook/loop.js';

const forwarding = (status: Finding['status'], endpoints: string[]): Finding =>
  ({
    check: 'products.siem.alerts-to-soar',
    target: 'kibana',
    status,
    reason: `Kibana rule actions: 1 enabled rules hand their alerts to ${endpoints.join(', ')}`,
    observed: { forwarding_rules: 1, endpoints },
  }) as unknown as Finding;

const playbook = (integrations: Partial<PlaybookResult['integrations'][number]>[]): PlaybookResult =>
  ({ playbook: { id: 'block-ip' }, integrations }) as unknown as PlaybookResult;

function report(findings: Finding[], results: PlaybookResult[], waf?: string): Report {
  return {
    findings,
    analyses: {
      playbooks: { summary: {}, details: { results, alerts: [] }, problems: [] },
      ...(waf
        ? {
            sources: {
              details: { classes: [{ id: 'waf', status: waf, evidence: ['finding:x@waf'], reason: { en: 'r' } }] },
            },
          }
        : {}),
    },
  } as unknown as Report;
}

const soar: Target = {
  id: 'soar',
  kind: 'soar',
  address: 'soar.example.test',
  tags: [],
  transport: 'http',
  api: { url: 'https://soar.example.test:8443/' },
};

describe('the SIEM -> SOAR -> WAF -> SIEM loop', () => {
  it('every hop measured and closing: ok, ok, ok, ok', () => {
    const hops = alertLoop(
      report(
        [forwarding('pass', ['soar.example.test:8443'])],
        [
          playbook([
            { id: 'siem', type: 'siem', product: 'Elastic', status: 'ready' },
            { id: 'waf', type: 'waf', product: 'ModSecurity', status: 'ready' },
          ]),
        ],
        'measured',
      ),
      [soar],
    );
    expect(hops.map((h) => [h.id, h.status])).toEqual([
      ['siem-to-soar', 'ok'],
      ['soar-knows-siem', 'ok'],
      ['waf-block-api', 'ok'],
      ['waf-logs-in-siem', 'ok'],
    ]);
    expect(hops[0]!.evidence).toEqual(['finding:products.siem.alerts-to-soar@kibana']);
  });

  it('alerts sent somewhere else than the SOAR, a WAF API refused, WAF logs missing: each hop says why', () => {
    const hops = alertLoop(
      report(
        [forwarding('pass', ['hooks.chat.example:443'])],
        [playbook([{ id: 'waf', type: 'waf', product: 'Cloudflare', status: 'auth-failed', detail: 'HTTP 401' }])],
        'missing',
      ),
      [soar],
    );
    expect(hops.map((h) => h.status)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(hops[0]!.detail).toMatch(
      /alerts go to hooks\.chat\.example:443, not to the SOAR \(soar\.example\.test:8443\)/,
    );
    expect(hops[1]!.detail).toMatch(/no playbook agent or target is a SIEM/);
    expect(hops[2]!.detail).toMatch(/waf auth-failed \(HTTP 401\)/);
  });

  it('nothing measured is unknown, never ok: no SIEM rule API read, a WAF integration not probed', () => {
    const hops = alertLoop(
      report(
        [],
        [
          playbook([
            { id: 'waf', type: 'waf', status: 'not-checked' },
            { id: 's', type: 'splunk', status: 'not-checked' },
          ]),
        ],
      ),
      [],
    );
    expect(hops.map((h) => h.status)).toEqual(['unknown', 'declared', 'unknown', 'unknown']);
    expect(hops[2]!.detail).toMatch(/not probed: give an integrations file/);
  });

  describe('the SOAR side of the SIEM -> SOAR hop, from its own list API', () => {
    const listed = (status: Finding['status'], integrations: unknown[], target = 'soar'): Finding =>
      ({
        check: 'products.soar.siem-integration',
        target,
        status,
        reason: `listed ${integrations.length}`,
        observed: { integrations },
      }) as unknown as Finding;
    const splunk: Target = {
      id: 'splunk',
      kind: 'siem',
      address: 'splunk.corp.example',
      tags: [],
      transport: 'http',
      api: { url: 'https://splunk.corp.example:8089', product: 'splunk' },
    };
    const asset = { name: 'splunk_es_prod', kind: 'asset', product: 'Splunk Enterprise', hosts: [] as string[] };
    const noPlaybookSiem = [playbook([{ id: 'waf', type: 'waf', status: 'ready' }])];

    it('an asset pointing at the SIEM target confirms the hop from both sides, whatever the playbooks say', () => {
      const hops = alertLoop(
        report([listed('pass', [{ ...asset, hosts: ['splunk.corp.example:8089'] }])], noPlaybookSiem),
        [soar, splunk],
      );
      expect(hops[1]).toMatchObject({ id: 'soar-knows-siem', status: 'ok' });
      expect(hops[1]!.detail).toBe(
        'confirmed from both sides: soar: splunk_es_prod (asset -> splunk.corp.example:8089)',
      );
      expect(hops[1]!.evidence).toEqual(['finding:products.soar.siem-integration@soar']);
    });

    const HOOKS = 'https://shuffle.corp.example/api/v1/hooks';
    const hook = (id: string, status: string, name = 'Kibana alerts') => ({
      name,
      kind: 'webhook',
      product: 'Shuffle webhook',
      hosts: ['shuffle.corp.example'],
      siem: false,
      url: `${HOOKS}/webhook_${id}`,
      status,
      workflow: 'triage',
    });

    it("the running webhook at the very URL the SIEM's connector posts to confirms it; another path does not", () => {
      const sent = forwarding('pass', [`${HOOKS}/webhook_b4d2`]);
      const ok = alertLoop(report([sent, listed('inconclusive', [hook('b4d2', 'running')])], []), []);
      expect(ok[1]!.status).toBe('ok');
      expect(ok[1]!.detail).toBe(`confirmed from both sides: soar: Kibana alerts (webhook at ${HOOKS}/webhook_b4d2)`);
      const elsewhere = alertLoop(report([sent, listed('inconclusive', [hook('77aa', 'running')])], []), []);
      expect(elsewhere[1]!.status).toBe('fail');
      expect(elsewhere[1]!.detail).toMatch(
        /the URL the SIEM sends to \(https:\/\/shuffle\.corp\.example\/api\/v1\/hooks/,
      );
      expect(elsewhere[1]!.detail).toMatch(/webhooks no SIEM connector is seen posting to \(not proof\)/);
    });

    it('the SIEM posting to a stopped webhook fails even while another webhook on the same host runs', () => {
      const sent = forwarding('pass', [`${HOOKS}/webhook_b4d2`]);
      const hops = alertLoop(
        report([sent, listed('inconclusive', [hook('b4d2', 'stopped'), hook('9c9c', 'running', 'Mail gateway')])], []),
        [],
      );
      expect(hops[1]!.status).toBe('fail');
      expect(hops[1]!.detail).toBe(
        'the SIEM posts its alerts to a webhook that is not running (it receives nothing): ' +
          `soar: Kibana alerts (webhook, stopped at ${HOOKS}/webhook_b4d2)`,
      );
    });

    it('webhook ids masked in stored evidence match nothing, though both sides read the same mask', () => {
      const sent = forwarding('pass', [`${HOOKS}/webhook_[REDACTED]`]);
      const hops = alertLoop(report([sent, listed('inconclusive', [hook('[REDACTED]', 'running')])], []), []);
      expect(hops[1]!.status).toBe('fail');
    });

    it('a webhook alone with no SIEM connector read is declared, never ok', () => {
      const hops = alertLoop(report([listed('inconclusive', [hook('9c9c', 'running', 'Mail gateway')])], []), []);
      expect(hops[1]!.status).toBe('declared');
    });

    it('a SOAR that lists nothing for the SIEM fails even when a playbook names the SIEM', () => {
      const hops = alertLoop(
        report([listed('fail', [])], [playbook([{ id: 'siem', type: 'siem', product: 'Splunk', status: 'ready' }])]),
        [soar, splunk],
      );
      expect(hops[1]).toMatchObject({ status: 'fail', detail: 'soar: listed 0' });
    });

    it('an asset for another SIEM host fails; with no SIEM to compare with it stays declared', () => {
      const other = listed('pass', [{ ...asset, hosts: ['splunk-old.corp.example:8089'] }]);
      expect(alertLoop(report([other], []), [soar, splunk])[1]!.status).toBe('fail');
      expect(alertLoop(report([other], []), [soar])[1]!.status).toBe('declared');
    });

    it('a spilled SOAR finding keeps its integrations for the loop', () => {
      const f = listed('pass', [{ ...asset, hosts: ['splunk.corp.example:8089'] }]);
      expect(loopFactsOnly(f)).toEqual({ observed: { integrations: f.observed!.integrations }, reason: 'listed 1' });
    });
  });
});
