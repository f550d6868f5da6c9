// Windows Defender Firewall logging per profile (Get-NetFirewallProfile -PolicyStore ActiveStore, the effective
// settings). LogBlocked/LogAllowed are GpoBoolean: True, False or NotConfigured, and NotConfigured means the
// built-in default, which is off. The default log is %systemroot%\system32\LogFiles\Firewall\pfirewall.log, 4096 KB.
import { ParseError } from '../../checks/types.js';

export interface FirewallProfile {
  name: string;
  enabled: boolean;
  log_blocked: boolean;
  log_allowed: boolean;
  log_file: string | null;
  log_max_kb: number | null;
  /** The profile as Get-NetFirewallProfile printed it. */
  at: { probe: string; text: string };
}

const on = (v: unknown) => String(v).toLowerCase() === 'true' || v === 1 || v === true;

export function parseFirewallProfiles(text: string): FirewallProfile[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (e) {
    throw new ParseError(`Get-NetFirewallProfile: not JSON (${(e as Error).message})`);
  }
  // ConvertTo-Json writes a single profile as an object, several as an array.
  const list = (Array.isArray(doc) ? doc : [doc]) as Record<string, unknown>[];
  return list.map((p, i) => {
    if (typeof p?.Name !== 'string') throw new ParseError(`Get-NetFirewallProfile: entry ${i} has no Name`);
    const size = Number(p.LogMaxSizeKilobytes);
    return {
      name: p.Name,
      enabled: on(p.Enabled),
      log_blocked: on(p.LogBlocked),
      log_allowed: on(p.LogAllowed),
      log_file: typeof p.LogFileName === 'string' && p.LogFileName ? p.LogFileName : null,
      log_max_kb: Number.isFinite(size) && size > 0 ? size : null,
      at: { probe: 'win-firewall-profiles', text: JSON.stringify(p) },
    };
  });
}
