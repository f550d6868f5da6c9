import { describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../../src/checks/types.js';
import { openSource } from '../../../src/collect/open-source.js';
import { PowerShellProbeSource, type WindowsCanaryPlan } from '../../../src/collect/powershell-source.js';
import type { Target } from '../../../src/model.js';

const PROBE: ProbeDef = {
  id: 'windows-event-canary',
  platform: 'windows',
  kind: 'live',
  live: 'windows-event-canary',
  active: true,
};
const win: Target = {
  id: 'win1',
  kind: 'windows',
  address: 'win1.corp.example',
  tags: [],
  transport: 'powershell',
  eventlog: { collector: 'wec', siem: { target: 'es' } },
};
const wec: Target = {
  id: 'wec',
  kind: 'windows',
  address: 'wec.corp.example',
  tags: [],
  transport: 'powershell',
  collector: { event_logs: ['ForwardedEvents'] },
};
const es: Target = {
  id: 'es',
  kind: 'siem',
  address: 'es',
  tags: [],
  transport: 'http',
  api: { url: 'https://es:9200', product: 'elasticsearch' },
};

const planOf = (active: boolean, targets: Target[] = [win, wec, es]) => {
  const source = openSource(win, { web: { targets, active, runId: 'r1' } });
  expect(source).toBeInstanceOf(PowerShellProbeSource);
  const plan = (source as unknown as { options: { canary?: WindowsCanaryPlan } }).options.canary;
  return { source: source as PowerShellProbeSource, plan };
};

describe('the Windows canary plan a scan opens for a host with eventlog', () => {
  it('a WEC collector is read through PowerShell with the forwarded-events read; the SIEM through its API', () => {
    const { source, plan } = planOf(true);
    expect(source.plans(PROBE)).toBe(true);
    expect(plan).toMatchObject({ active: true, runId: 'r1', targetId: 'win1', collectorId: 'wec' });
    expect(plan!.collectorPaths).toEqual(['ForwardedEvents']);
    expect(plan!.collectorCommand).toContain("foreach ($socreadyLog in @('ForwardedEvents'))");
    expect(plan!.collector?.name).toBe('powershell');
    expect(plan!.siem).toMatchObject({ id: 'es', product: 'elasticsearch' });
  });

  it('without --active the canary is not planned; a file collector is tailed over its own transport', () => {
    expect(planOf(false).source.plans(PROBE)).toBe(false);
    const files: Target = { ...wec, transport: 'local', collector: { paths: ['/var/log/nxlog/*.log'] } };
    const { plan } = planOf(true, [win, files, es]);
    expect(plan!.collectorCommand).toBeUndefined();
    expect(plan!.collectorPaths).toEqual(['/var/log/nxlog/*.log']);
    expect(plan!.collector?.name).toBe('local');
  });
});
