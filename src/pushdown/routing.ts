// Log-source routing for push-down, derived from the local engine's own tables (src/sigma/events): a Sigma log source
// becomes the Windows channels and EventIDs whose events the engine would route to it, so a query asks the SIEM for
// exactly the events the local engine would run the rule on.
import { CHANNEL_SERVICES, SYSMON_CATEGORIES } from '../sigma/events/windows.js';
import type { LogSource } from '../sigma/types.js';

/**
 * Channel names as Windows writes them (the engine's table holds them lower-cased; SIEM keyword fields compare
 * exactly).
 */
export const CHANNEL_SPELLING: Record<string, string> = {
  security: 'Security',
  system: 'System',
  application: 'Application',
  'microsoft-windows-sysmon/operational': 'Microsoft-Windows-Sysmon/Operational',
  'windows powershell': 'Windows PowerShell',
  'microsoft-windows-powershell/operational': 'Microsoft-Windows-PowerShell/Operational',
  'powershellcore/operational': 'PowerShellCore/Operational',
  'microsoft-windows-windows defender/operational': 'Microsoft-Windows-Windows Defender/Operational',
  'microsoft-windows-taskscheduler/operational': 'Microsoft-Windows-TaskScheduler/Operational',
  'microsoft-windows-bits-client/operational': 'Microsoft-Windows-Bits-Client/Operational',
  'microsoft-windows-codeintegrity/operational': 'Microsoft-Windows-CodeIntegrity/Operational',
  'microsoft-windows-windows firewall with advanced security/firewall':
    'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
  'microsoft-windows-dns client events/operational': 'Microsoft-Windows-DNS Client Events/Operational',
  'dns server': 'DNS Server',
  'microsoft-windows-ntlm/operational': 'Microsoft-Windows-NTLM/Operational',
  'microsoft-windows-appxdeploymentserver/operational': 'Microsoft-Windows-AppXDeploymentServer/Operational',
  'microsoft-windows-applocker/msi and script': 'Microsoft-Windows-AppLocker/MSI and Script',
  'microsoft-windows-applocker/exe and dll': 'Microsoft-Windows-AppLocker/EXE and DLL',
  'microsoft-windows-applocker/packaged app-deployment': 'Microsoft-Windows-AppLocker/Packaged app-Deployment',
  'microsoft-windows-applocker/packaged app-execution': 'Microsoft-Windows-AppLocker/Packaged app-Execution',
  'microsoft-windows-wmi-activity/operational': 'Microsoft-Windows-WMI-Activity/Operational',
  'openssh/operational': 'OpenSSH/Operational',
  'microsoft-windows-printservice/admin': 'Microsoft-Windows-PrintService/Admin',
  'microsoft-windows-printservice/operational': 'Microsoft-Windows-PrintService/Operational',
};

/**
 * EventIDs of a channel's service that the engine gives each category (routeWindows in src/sigma/events/windows.ts).
 */
function idsFor(service: string, category: string): number[] {
  if (service === 'sysmon')
    return Object.entries(SYSMON_CATEGORIES)
      .filter(([, cs]) => cs.includes(category))
      .map(([id]) => Number(id));
  if (service === 'security' && category === 'process_creation') return [4688];
  if (service === 'powershell') return category === 'ps_module' ? [4103] : category === 'ps_script' ? [4104] : [];
  if (service === 'powershell-classic') {
    return { ps_classic_start: [400], ps_classic_provider_start: [600], ps_classic_script: [800] }[category] ?? [];
  }
  return [];
}

export interface WindowsRoute {
  channel: string;
  service: string;
  /** undefined: every EventID of the channel. */
  eventIds?: number[];
}

export interface Routes {
  routes: WindowsRoute[];
  /** Channels the engine routes to this log source whose exact spelling socready does not know (left out, said). */
  unspelled: string[];
}

/** The Windows channels (and EventIDs) the engine routes to a rule's log source; empty when it is not a Windows one. */
export function windowsRoutes(ls: LogSource): Routes {
  const out: Routes = { routes: [], unspelled: [] };
  if (ls.product !== 'windows') return out;
  for (const [ch, service] of Object.entries(CHANNEL_SERVICES)) {
    if (ls.service && ls.service !== service) continue;
    let eventIds: number[] | undefined;
    if (ls.category) {
      eventIds = idsFor(service, ls.category);
      if (eventIds.length === 0) continue;
    }
    const channel = CHANNEL_SPELLING[ch];
    if (!channel) {
      out.unspelled.push(ch);
      continue;
    }
    out.routes.push({ channel, service, ...(eventIds ? { eventIds } : {}) });
  }
  return out;
}
