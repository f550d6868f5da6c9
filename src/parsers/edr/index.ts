// EDR/AV agents read on the host they protect: Linux (mdatp, CrowdStrike falconctl, SentinelOne sentinelctl) through
// the host's transport, Windows (Defender Get-MpComputerStatus) through the PowerShell path.
import { InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { splitToolSections } from '../linux/timesync.js';
import { auditctlText, parseAuditStatus } from '../linux/auditd.js';
import { requireCommand, toolMissing } from '../linux/util.js';
import { linuxHostAgents } from './host-agents.js';
import { type AgentHealth, parseDefenderStatus, parseFalconctl, parseMdatpHealth, parseSentinelctl } from './agents.js';

function summary(agents: AgentHealth[]) {
  return {
    agents,
    present: agents.length > 0,
    names: agents.map((a) => a.name),
    unhealthy: agents.filter((a) => !a.healthy).map((a) => a.name),
    reason: agents
      .filter((a) => !a.healthy)
      .map((a) => `${a.name}: ${a.issues.join('; ')}`)
      .join('\n'),
  };
}

export const linuxEdrAgents = defineParser({
  name: 'linux-edr-agents',
  probes: ['linux-edr-status'],
  facts: [
    'agents',
    'agents[].name',
    'agents[].healthy',
    'agents[].event_source',
    'present',
    'names',
    'unhealthy',
    'reason',
  ],
  parse: (outputs) => {
    const r = requireCommand(outputs, 'linux-edr-status', 'the EDR agents');
    if (toolMissing(r)) return summary([]);
    const sections = splitToolSections(r.stdout);
    const ran = (cmd: string) => sections.find((s) => s.command.startsWith(cmd) && s.rc !== 127);
    const agents: AgentHealth[] = [];
    const mdatp = ran('mdatp');
    if (mdatp)
      agents.push(
        mdatp.rc === 0
          ? parseMdatpHealth(mdatp.text)
          : {
              name: 'mdatp',
              present: true,
              running: false,
              healthy: false,
              issues: [`mdatp health exited ${mdatp.rc}: ${mdatp.text.trim().slice(0, 200)}`],
              event_source: null,
            },
      );
    const falcon = ran('falconctl');
    if (falcon) {
      const svc = sections.find((s) => s.command.startsWith('systemctl is-active falcon-sensor'));
      const active = svc && svc.rc !== 127 ? svc.text.trim() === 'active' : undefined;
      agents.push(parseFalconctl(falcon.text, active));
    }
    const s1 = ran('sentinelctl');
    if (s1) agents.push(parseSentinelctl(s1.text));
    if (sections.length === 0) throw new InconclusiveError('linux-edr-status printed no sections');
    return summary(agents);
  },
});

/**
 * Agents whose telemetry comes from auditd (mdatp with supplementaryEventsSubsystem auditd), and whether auditd feeds
 * them.
 */
export const linuxEdrAuditDependency = defineParser({
  name: 'linux-edr-audit-dependency',
  probes: ['linux-edr-status', 'auditctl-status'],
  facts: ['auditd_dependent', 'kernel_audit_enabled', 'auditd_pid', 'reason'],
  parse: (outputs, ctx) => {
    const agents = linuxEdrAgents.parse(outputs, ctx) as { agents: AgentHealth[] };
    const dependent = agents.agents.filter((a) => a.event_source === 'auditd').map((a) => a.name);
    const text = auditctlText(outputs['auditctl-status'], 'auditctl -s');
    const status = text === undefined ? undefined : parseAuditStatus(text);
    const enabled = status ? status.enabled >= 1 : false;
    const pid = status?.pid ?? 0;
    return {
      auditd_dependent: dependent,
      kernel_audit_enabled: enabled,
      auditd_pid: pid,
      reason:
        dependent.length && !(enabled && pid > 0)
          ? `${dependent.join(', ')} reads its events from auditd, but ` +
            (text === undefined
              ? 'auditctl is not installed'
              : !enabled
                ? 'kernel auditing is off (enabled 0)'
                : 'no auditd receives the events (pid 0)')
          : '',
    };
  },
});

export const windowsDefender = defineParser({
  name: 'windows-defender',
  probes: ['win-defender-status'],
  facts: [
    'agents',
    'agents[].name',
    'agents[].healthy',
    'present',
    'names',
    'unhealthy',
    'reason',
    'running_mode',
    'signature_age_days',
    'mde_onboarded',
  ],
  parse: (outputs) => {
    const r = requireCommand(outputs, 'win-defender-status', 'Microsoft Defender');
    if (!r.stdout.trim()) return { ...summary([]), running_mode: null, signature_age_days: null, mde_onboarded: null };
    const { details, ...agent } = parseDefenderStatus(r.stdout);
    return { ...summary([agent]), ...details };
  },
});

export const edrParserModules: readonly ParserModule[] = [
  linuxEdrAgents,
  linuxEdrAuditDependency,
  windowsDefender,
  linuxHostAgents,
];
