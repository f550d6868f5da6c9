import { InconclusiveError, type Parser } from '../../checks/types.js';
import { defineParser, type ParserModule, parsersByName } from '../define.js';
import { auditpolParser } from './auditpol.js';
import { eventLogParser } from './eventlog.js';
import { parseFirewallProfiles } from './firewall.js';
import { forwardersParser } from './forwarders.js';
import { registryPolicyParser } from './registry.js';
import { windowsSmbServer } from './smb.js';
import { sysmonParser } from './sysmon.js';
import { w32tmParser } from './w32tm.js';
import { winrmParser } from './winrm.js';

/** Parsers for windows evidence, by the name catalog checks use in their `parser` field. */
export const windowsParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'windows-auditpol',
    probes: ['win-auditpol'],
    facts: ['subcategories', 'by_guid'],
    parse: auditpolParser,
  }),
  defineParser({
    name: 'windows-registry-policy',
    probes: ['win-registry-policy'],
    facts: [
      'cmdline_in_4688',
      'scenoapplylegacyauditpolicy',
      'force_subcategory_settings',
      'windows_powershell',
      'powershell7',
      'wef_subscription_managers',
      'security_log_policy_max_kb',
    ],
    parse: registryPolicyParser,
  }),
  defineParser({
    name: 'windows-sysmon',
    probes: ['win-sysmon-service', 'win-sysmon-config'],
    facts: ['installed', 'running', 'service', 'events', 'event_config', 'config', 'baseline'],
    parse: sysmonParser,
  }),
  defineParser({
    name: 'windows-w32tm',
    probes: ['win-w32tm'],
    facts: ['source', 'stratum', 'leap', 'phase_offset', 'last_sync', 'synced', 'service_running'],
    parse: w32tmParser,
  }),
  defineParser({
    name: 'windows-eventlog',
    probes: ['win-eventlog'],
    facts: ['logs', 'by_name'],
    parse: eventLogParser,
  }),
  defineParser({
    name: 'windows-forwarders',
    probes: ['win-forwarders', 'win-registry-policy'],
    facts: ['agents', 'forwarding', 'targets', 'security_forwarded'],
    parse: forwardersParser,
  }),
  defineParser({
    name: 'windows-winrm',
    probes: ['win-winrm-listeners'],
    facts: ['listeners', 'https', 'http', 'any'],
    parse: winrmParser,
  }),
  defineParser({
    name: 'windows-firewall-logging',
    probes: ['win-firewall-profiles'],
    facts: [
      'profiles',
      'profiles[].name',
      'profiles[].enabled',
      'profiles[].log_blocked',
      'profiles[].log_max_kb',
      'enabled_profiles',
      'not_logging_blocked',
      'small_logs',
      'reason',
    ],
    parse: (outputs) => {
      const r = outputs['win-firewall-profiles'];
      if (!r || r.error)
        throw new InconclusiveError(
          `win-firewall-profiles: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected'}`,
        );
      const profiles = parseFirewallProfiles(r.stdout);
      const enabled = profiles.filter((p) => p.enabled);
      const unlogged = enabled.filter((p) => !p.log_blocked);
      // 4096 KB (the default) fills in hours on a busy server; the file then rolls over to .old once and is
      // overwritten.
      const small = enabled.filter((p) => p.log_blocked && (p.log_max_kb ?? 4096) < 16384);
      return {
        profiles,
        enabled_profiles: enabled.length,
        not_logging_blocked: unlogged.map((p) => p.name),
        small_logs: small.map((p) => p.name),
        at: { not_logging_blocked: unlogged.map((p) => p.at), small_logs: small.map((p) => p.at) },
        reason: [
          ...unlogged.map((p) => `${p.name} profile: dropped packets are not logged (LogBlocked not True)`),
          ...small.map((p) => `${p.name} profile: log limited to ${p.log_max_kb ?? 4096} KB`),
        ].join('\n'),
      };
    },
  }),
  windowsSmbServer,
];

/** name -> parse function (tests call parsers by name). */
export const windowsParsers: Readonly<Record<string, Parser>> = parsersByName(windowsParserModules);
