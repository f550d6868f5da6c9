// Windows Defender Firewall profile logging, from Get-NetFirewallProfile output in the shape the win-firewall-profiles
// probe prints (enum values as text). Fixtures are built from Microsoft's documented properties, not captured live.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { parseFirewallProfiles } from '../../../../src/parsers/windows/firewall.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const fx = (name: string) => readFileSync(join(FIXTURES_DIR, 'windows', name), 'utf8');
const catalog = loadCatalog();
const run = (id: string, stdout: string) =>
  evaluateCheck(
    catalog.checks.find((c) => c.id === id)!,
    { 'win-firewall-profiles': { stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 } },
    { targetId: 'w1', kind: 'windows' },
  );

describe('Windows Defender Firewall logging', () => {
  it('fails the default: NotConfigured LogBlocked is off in all three profiles, each named', () => {
    const f = run('windows.firewall.log-dropped', fx('firewall-profiles-default.json'));
    expect(f.status).toBe('fail');
    expect(f.reason).toContain('Domain profile: dropped packets are not logged');
    expect(f.reason).toContain('Public profile');
  });

  it('passes logging of drops with 32 MB logs in every profile', () => {
    expect(run('windows.firewall.log-dropped', fx('firewall-profiles-hardened.json')).status).toBe('pass');
    expect(run('windows.firewall.log-size', fx('firewall-profiles-hardened.json')).status).toBe('pass');
  });

  it('fails the log size at the default 4096 KB once drops are logged', () => {
    const logged = fx('firewall-profiles-default.json').replaceAll(
      '"LogBlocked":"NotConfigured"',
      '"LogBlocked":"True"',
    );
    expect(run('windows.firewall.log-dropped', logged).status).toBe('pass');
    expect(run('windows.firewall.log-size', logged).status).toBe('fail');
  });

  it('ignores a disabled profile and reads a single profile written as an object', () => {
    const one =
      '{"Name":"Public","Enabled":"False","LogBlocked":"False","LogAllowed":"False","LogFileName":"","LogMaxS' +
      'izeKilobytes":4096}';
    expect(parseFirewallProfiles(one)).toEqual([
      {
        name: 'Public',
        enabled: false,
        log_blocked: false,
        log_allowed: false,
        log_file: null,
        log_max_kb: 4096,
        at: { probe: 'win-firewall-profiles', text: one },
      },
    ]);
    expect(run('windows.firewall.log-dropped', one).status).toBe('not-applicable');
  });

  it('answers output that is not JSON with an error naming the cmdlet', () => {
    const f = run('windows.firewall.log-dropped', 'Get-NetFirewallProfile : Access is denied');
    expect(f.status).toBe('error');
    expect(f.reason).toMatch(/Get-NetFirewallProfile/);
  });
});
