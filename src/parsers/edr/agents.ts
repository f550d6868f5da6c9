// EDR/AV agent presence and health, from each vendor's own status command. The output formats are built from the
// vendors' documentation (Microsoft Learn for Get-MpComputerStatus and `mdatp health`, CrowdStrike's falconctl
// reference, SentinelOne's sentinelctl reference); none of these agents runs on this machine, so the fixtures are
// documented shapes, not captured answers (see README).
import { ParseError } from '../../checks/types.js';

export interface AgentHealth {
  name: 'defender' | 'mdatp' | 'crowdstrike' | 'sentinelone';
  present: boolean;
  running: boolean;
  healthy: boolean;
  /** What is wrong, in the agent's words where it gives them. */
  issues: string[];
  /** The OS event source the agent's telemetry depends on (mdatp: auditd or ebpf), when it says. */
  event_source: string | null;
}

const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean'
    ? v
    : v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'boolean'
      ? (v as { value: boolean }).value
      : undefined;

/** `mdatp health --output json`: keys are camelCase in current builds, snake_case in older docs; both are read. */
export function parseMdatpHealth(text: string): AgentHealth {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ParseError(`mdatp health --output json: not JSON (${(e as Error).message})`);
  }
  const get = (camel: string) => doc[camel] ?? doc[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
  const issues: string[] = [];
  const healthy = bool(get('healthy'));
  const rtp = bool(get('realTimeProtectionEnabled'));
  const licensed = bool(get('licensed'));
  const raw = get('healthIssues');
  if (Array.isArray(raw)) issues.push(...raw.map(String));
  if (healthy === false && issues.length === 0) issues.push('mdatp reports healthy: false');
  if (rtp === false) issues.push('real-time protection is off');
  if (licensed === false) issues.push('not licensed (not onboarded)');
  const minutes = Number(get('definitionsUpdatedMinutesAgo'));
  if (Number.isFinite(minutes) && minutes > 7 * 24 * 60)
    issues.push(`definitions are ${Math.floor(minutes / 1440)} days old`);
  const subsystem = get('supplementaryEventsSubsystem');
  return {
    name: 'mdatp',
    present: true,
    running: healthy !== undefined,
    healthy: healthy === true && issues.length === 0,
    issues,
    event_source: typeof subsystem === 'string' ? subsystem : null,
  };
}

/** `falconctl -g --rfm-state --aid`: `rfm-state=false, aid="0123...".` (or `aid is not set.`). */
export function parseFalconctl(text: string, serviceActive: boolean | undefined): AgentHealth {
  const rfm = /rfm-state\s*=\s*(true|false)/i.exec(text);
  const aid = /aid\s*=\s*"?([0-9a-f]{32})"?/i.exec(text);
  if (!rfm && !aid && !/aid is not set/i.test(text))
    throw new ParseError(`falconctl: unexpected output "${text.trim().slice(0, 80)}"`);
  const issues: string[] = [];
  if (rfm?.[1]?.toLowerCase() === 'true')
    issues.push('reduced functionality mode (the kernel is not supported by this sensor)');
  if (!aid) issues.push('no agent id: the sensor never registered with the cloud');
  if (serviceActive === false) issues.push('falcon-sensor is not running');
  return {
    name: 'crowdstrike',
    present: true,
    running: serviceActive !== false,
    healthy: issues.length === 0,
    issues,
    event_source: null,
  };
}

/** `sentinelctl control status` (Linux) / `SentinelCtl.exe status` (Windows): `Key: value` lines. */
export function parseSentinelctl(text: string): AgentHealth {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z ]+?)\s*[:=]\s*(.+?)\s*$/.exec(line);
    if (m) kv.set(m[1]!.toLowerCase(), m[2]!);
  }
  if (kv.size === 0) throw new ParseError(`sentinelctl: unexpected output "${text.trim().slice(0, 80)}"`);
  const issues: string[] = [];
  const state = kv.get('agent state') ?? kv.get('agent status') ?? kv.get('monitor status');
  if (state && !/^(enabled|running|loaded|on)\b/i.test(state)) issues.push(`agent state: ${state}`);
  const protection = kv.get('protection') ?? kv.get('agent protection');
  if (protection && /disabled|off/i.test(protection)) issues.push(`protection: ${protection}`);
  const mgmt = kv.get('connectivity') ?? kv.get('management connectivity') ?? kv.get('agent connectivity');
  if (mgmt && /off|disconnected|offline/i.test(mgmt)) issues.push(`management connectivity: ${mgmt}`);
  return {
    name: 'sentinelone',
    present: true,
    running: !state || /^(enabled|running|loaded|on)\b/i.test(state),
    healthy: issues.length === 0,
    issues,
    event_source: null,
  };
}

/** Get-MpComputerStatus (ConvertTo-Json) with the MDE onboarding state beside it. */
export function parseDefenderStatus(text: string): AgentHealth & { details: Record<string, unknown> } {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (e) {
    throw new ParseError(`Get-MpComputerStatus: not JSON (${(e as Error).message})`);
  }
  const mp = (doc.mp ?? doc) as Record<string, unknown>;
  const issues: string[] = [];
  const flag = (key: string, what: string) => {
    if (mp[key] === false) issues.push(`${what} is off`);
  };
  flag('AMServiceEnabled', 'the antimalware service');
  flag('AntivirusEnabled', 'antivirus');
  flag('RealTimeProtectionEnabled', 'real-time protection');
  flag('BehaviorMonitorEnabled', 'behaviour monitoring');
  flag('IsTamperProtected', 'tamper protection');
  const age = Number(mp.AntivirusSignatureAge);
  if (Number.isFinite(age) && age > 7) issues.push(`signatures are ${age} days old`);
  const mode = typeof mp.AMRunningMode === 'string' ? mp.AMRunningMode : null;
  // Passive mode: another AV is primary and Defender does not block (EDR in block mode still remediates).
  if (mode && /passive/i.test(mode)) issues.push(`running mode: ${mode}`);
  const onboarding = doc.onboarding === undefined || doc.onboarding === null ? null : Number(doc.onboarding);
  return {
    name: 'defender',
    present: true,
    running: mp.AMServiceEnabled !== false,
    healthy: issues.length === 0,
    issues,
    event_source: null,
    details: {
      running_mode: mode,
      signature_age_days: Number.isFinite(age) ? age : null,
      mde_onboarded: onboarding === null ? null : onboarding === 1,
    },
  };
}
