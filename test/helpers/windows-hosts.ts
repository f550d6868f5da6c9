import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OfflineEvidenceFile } from '../../src/collect/offline.js';
import type { ProbeResult } from '../../src/transport/types.js';
import { FIXTURES_DIR, SHARED_DIR } from './paths.js';

const W = join(FIXTURES_DIR, 'windows');

/** Probe outputs of two realistic Windows hosts, from fixtures in the real output formats. */
export const WINDOWS_HOSTS: Record<'hardened' | 'default', Record<string, string>> = {
  hardened: {
    'win-auditpol': join(W, 'auditpol-ja-hardened.csv'),
    'win-registry-policy': join(W, 'reg-policy-hardened.txt'),
    'win-sysmon-service': join(W, 'sysmon-service-running.json'),
    'win-sysmon-config': join(SHARED_DIR, 'windows', 'sysmon-c-modular.txt'),
    'win-eventlog': join(W, 'eventlog-hardened.json'),
    'win-forwarders': join(W, 'forwarders-winlogbeat.json'),
    'win-w32tm': join(W, 'w32tm-en-domain.txt'),
    'win-winrm-listeners': join(W, 'winrm-https.txt'),
    'win-defender-status': join(FIXTURES_DIR, 'products', 'edr', 'defender-status-healthy.json'),
    'win-firewall-profiles': join(W, 'firewall-profiles-hardened.json'),
    'win-eventlog-volume': join(W, 'eventlog-volume.json'),
    'win-smb-server-config': join(W, 'smb-server-hardened.json'),
  },
  default: {
    'win-auditpol': join(W, 'auditpol-en-default.csv'),
    'win-registry-policy': join(W, 'reg-policy-default.txt'),
    'win-sysmon-service': join(W, 'sysmon-service-running.json'),
    'win-sysmon-config': join(SHARED_DIR, 'windows', 'sysmon-c-swift.txt'),
    'win-eventlog': join(W, 'eventlog-default.json'),
    'win-forwarders': join(W, 'forwarders-none.json'),
    'win-w32tm': join(W, 'w32tm-ja-cmos.txt'),
    'win-winrm-listeners': join(W, 'winrm-http-only.txt'),
    'win-defender-status': join(FIXTURES_DIR, 'products', 'edr', 'defender-status-passive.json'),
    'win-firewall-profiles': join(W, 'firewall-profiles-default.json'),
    'win-smb-server-config': join(W, 'smb-server-default.json'),
  },
};

export function hostOutputs(host: keyof typeof WINDOWS_HOSTS): Record<string, ProbeResult> {
  return Object.fromEntries(
    Object.entries(WINDOWS_HOSTS[host]).map(([probe, file]) => [
      probe,
      { stdout: readFileSync(file, 'utf8'), stderr: '', exitCode: 0, truncated: false, durationMs: 1 },
    ]),
  );
}

/** The evidence file `collect-script --platform windows` would write on such a host. */
export function hostEvidenceFile(host: keyof typeof WINDOWS_HOSTS, hostname: string): OfflineEvidenceFile {
  return {
    format: 'socready-evidence',
    version: 1,
    platform: 'windows',
    collected_at: '2026-11-23T09:00:00Z',
    host: { hostname, os: 'Microsoft Windows Server 2022 Standard 10.0.20348' },
    probes: Object.fromEntries(
      Object.entries(WINDOWS_HOSTS[host]).map(([probe, file]) => [
        probe,
        {
          kind: 'command',
          what: probe,
          exit_code: 0,
          stdout_b64: readFileSync(file).toString('base64'),
          stderr_b64: '',
          duration_ms: 10,
        },
      ]),
    ),
  };
}
