import type { Parser } from '../../checks/types.js';
import { requireOk } from './auditpol.js';

/** Parses `winrm enumerate winrm/config/listener`: blocks of `Key = Value` lines under `Listener`. */
export function parseWinrmListeners(
  text: string,
): { transport: string; port: number | null; address: string; enabled: boolean }[] {
  const listeners: { transport: string; port: number | null; address: string; enabled: boolean }[] = [];
  for (const block of text.split(/^Listener\b.*$/m).slice(1)) {
    const get = (k: string) => new RegExp(`^\\s*${k}\\s*=\\s*(.*)$`, 'mi').exec(block)?.[1]?.trim() ?? '';
    listeners.push({
      transport: get('Transport').toUpperCase(),
      port: get('Port') ? Number(get('Port')) : null,
      address: get('Address'),
      enabled: !/^false$/i.test(get('Enabled')),
    });
  }
  return listeners;
}

export const winrmParser: Parser = (outputs) => {
  const out = requireOk(outputs['win-winrm-listeners'], 'win-winrm-listeners');
  const listeners = parseWinrmListeners(out.stdout).filter((l) => l.enabled);
  // The Transport line of each listener is what decides "an HTTPS listener exists".
  const transports = out.stdout
    .split(/\r?\n/)
    .filter((l) => /^\s*Transport\s*=/i.test(l))
    .map((l) => ({ probe: 'win-winrm-listeners', text: l.trim() }));
  return {
    at: { https: transports, http: transports, any: transports },
    listeners,
    https: listeners.some((l) => l.transport === 'HTTPS'),
    http: listeners.some((l) => l.transport === 'HTTP'),
    any: listeners.length > 0,
  };
};
