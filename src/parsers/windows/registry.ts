import type { Parser } from '../../checks/types.js';
import { requireOk } from './auditpol.js';

export type RegistryValue = number | string | string[];
/** Registry keys (upper-cased, HKLM\... form) to their values (names upper-cased). */
export type RegistryTree = Map<string, Map<string, RegistryValue>>;

const HIVE_ALIASES: [RegExp, string][] = [
  [/^HKEY_LOCAL_MACHINE\\/i, 'HKLM\\'],
  [/^HKEY_CURRENT_USER\\/i, 'HKCU\\'],
  [/^HKEY_USERS\\/i, 'HKU\\'],
];

export function normaliseKey(key: string): string {
  let k = key
    .trim()
    .replace(/^Registry::/i, '')
    .replace(/:\\/, '\\');
  for (const [re, short] of HIVE_ALIASES) k = k.replace(re, short);
  return k.toUpperCase();
}

function convert(type: string, data: string): RegistryValue {
  if (type === 'REG_DWORD' || type === 'REG_QWORD') return Number.parseInt(data, 16);
  if (type === 'REG_MULTI_SZ') return data === '' ? [] : data.split('\\0').filter(Boolean);
  return data;
}

/**
 * Parses `reg query <key> [/s] [/v name]` output: key lines start with a hive name, value lines are indented
 * "name  TYPE  data" separated by runs of spaces (data may contain single spaces). reg.exe prints the same layout on
 * every display language; only its error messages (on stderr) are localised.
 */
export function parseRegQuery(text: string, into: RegistryTree = new Map(), lines?: Map<string, string>): RegistryTree {
  let current: Map<string, RegistryValue> | undefined;
  let currentKey = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^HKEY_|^HK(LM|CU|U|CR)\\/i.test(line)) {
      currentKey = normaliseKey(line);
      current = into.get(currentKey) ?? new Map();
      into.set(currentKey, current);
      continue;
    }
    const m = /^ {2,}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (m && current) {
      const name = (m[1] === '(Default)' || m[1] === '(既定)' ? '' : m[1]!).toUpperCase();
      current.set(name, convert(m[2]!, m[3] ?? ''));
      lines?.set(`${currentKey}\\${name}`, `${currentKey}  ${line.trim()}`);
    }
  }
  return into;
}

export function regValue(tree: RegistryTree, key: string, name: string): RegistryValue | undefined {
  return tree.get(normaliseKey(key))?.get(name.toUpperCase());
}

/**
 * 'Audit: Force audit policy subcategory settings ... to override audit policy category settings' in words. Microsoft
 * documents its effective default as Enabled on clients, member servers and domain controllers, so a missing value
 * behaves as 1 until some policy writes 0; baselines (CIS, STIG) still require the explicit 1.
 */
export function forceSubcategorySettings(value: RegistryValue | undefined): string {
  if (value === undefined) return 'not set explicitly (documented effective default: Enabled)';
  if (value === 1) return 'enabled (1)';
  if (value === 0) return 'disabled (0): legacy category settings replace the subcategory settings';
  return `set to ${JSON.stringify(value)} (only 1 enables it)`;
}

const POLICIES = 'HKLM\\SOFTWARE\\Policies\\Microsoft';

/** Facts about audit and PowerShell logging policy from the registry. */
export const registryPolicyParser: Parser = (outputs) => {
  const out = requireOk(outputs['win-registry-policy'], 'win-registry-policy');
  const lines = new Map<string, string>();
  const tree = parseRegQuery(out.stdout, new Map(), lines);
  const flag = (key: string, name: string) => regValue(tree, key, name) === 1;
  // Where each fact was read: the value's line of `reg query`, or the value named as absent (its default applies).
  const where = (key: string, name: string) => ({
    probe: 'win-registry-policy',
    text:
      lines.get(`${normaliseKey(key)}\\${name.toUpperCase()}`) ??
      `${normaliseKey(key)}\\${name}: value not present (not set by policy)`,
  });
  const psLogging = (root: string) => ({
    script_block: flag(`${root}\\ScriptBlockLogging`, 'EnableScriptBlockLogging'),
    script_block_invocation: flag(`${root}\\ScriptBlockLogging`, 'EnableScriptBlockInvocationLogging'),
    module: flag(`${root}\\ModuleLogging`, 'EnableModuleLogging'),
    module_names: [...(tree.get(normaliseKey(`${root}\\ModuleLogging\\ModuleNames`))?.keys() ?? [])],
    transcription: flag(`${root}\\Transcription`, 'EnableTranscripting'),
    transcript_dir: regValue(tree, `${root}\\Transcription`, 'OutputDirectory') ?? null,
    at: {
      script_block: where(`${root}\\ScriptBlockLogging`, 'EnableScriptBlockLogging'),
      module: where(`${root}\\ModuleLogging`, 'EnableModuleLogging'),
      transcription: where(`${root}\\Transcription`, 'EnableTranscripting'),
    },
  });
  const ps7Installed =
    tree.has(normaliseKey('HKLM\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions')) ||
    [...tree.keys()].some((k) =>
      k.startsWith(normaliseKey('HKLM\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions')),
    );
  const ps7 = psLogging(`${POLICIES}\\PowerShellCore`);
  // PowerShell 7 can be told to follow the Windows PowerShell policy instead of its own.
  const ps7UsesWindowsPolicy =
    regValue(tree, `${POLICIES}\\PowerShellCore\\ScriptBlockLogging`, 'UseWindowsPowerShellPolicySetting') === 1;
  const wps = psLogging(`${POLICIES}\\Windows\\PowerShell`);
  const lsa = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa';
  return {
    at: {
      cmdline_in_4688: where(
        'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit',
        'ProcessCreationIncludeCmdLine_Enabled',
      ),
      scenoapplylegacyauditpolicy: where(lsa, 'SCENoApplyLegacyAuditPolicy'),
      force_subcategory_settings: where(lsa, 'SCENoApplyLegacyAuditPolicy'),
      security_log_policy_max_kb: where(`${POLICIES}\\Windows\\EventLog\\Security`, 'MaxSize'),
    },
    cmdline_in_4688: flag(
      'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit',
      'ProcessCreationIncludeCmdLine_Enabled',
    ),
    scenoapplylegacyauditpolicy:
      regValue(tree, 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa', 'SCENoApplyLegacyAuditPolicy') ?? null,
    force_subcategory_settings: forceSubcategorySettings(
      regValue(tree, 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa', 'SCENoApplyLegacyAuditPolicy'),
    ),
    windows_powershell: wps,
    powershell7: {
      installed: ps7Installed,
      ...(ps7UsesWindowsPolicy ? { ...wps, follows_windows_policy: true } : { ...ps7, follows_windows_policy: false }),
    },
    wef_subscription_managers: (() => {
      const v = tree.get(normaliseKey(`${POLICIES}\\Windows\\EventLog\\EventForwarding\\SubscriptionManager`));
      return v ? [...v.values()].flat().map(String) : [];
    })(),
    security_log_policy_max_kb: regValue(tree, `${POLICIES}\\Windows\\EventLog\\Security`, 'MaxSize') ?? null,
  };
};
