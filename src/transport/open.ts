// The one place that decides SSH host-key policy. Every path that opens SSH (a linux host, the host holding a web
// server's configuration, PowerShell over SSH to Windows) goes through here, so a host trusted through a pin, the
// target's known_hosts, the user's ~/.ssh/known_hosts or trust on first use is trusted the same way everywhere.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../model.js';
import { createSshTransport, type SshTransport, type SshTransportOptions } from './ssh.js';

export interface HostKeyOptions {
  /** Accept an unknown host key (never a changed one) and announce its fingerprint through onTofu. */
  trustOnFirstUse?: boolean;
  /** known_hosts consulted when the target has neither a pin nor its own known_hosts; default ~/.ssh/known_hosts. */
  knownHostsFallback?: string;
  /** Announces a fingerprint accepted on first use, so the user can pin it. */
  onTofu?: (target: string, fingerprint: string) => void;
}

export type SshOpenOptions = HostKeyOptions & Omit<SshTransportOptions, 'trustOnFirstUse' | 'knownHostsFallback'>;

export function defaultKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** An SSH transport under the one host-key policy; a key accepted on first use is announced once, on open. */
export function openSshTransport(target: Target, options: SshOpenOptions = {}): SshTransport {
  const { onTofu, trustOnFirstUse, knownHostsFallback, ...rest } = options;
  const transport = createSshTransport(target, {
    ...rest,
    ...(trustOnFirstUse ? { trustOnFirstUse: true } : {}),
    knownHostsFallback: knownHostsFallback ?? defaultKnownHosts(),
  });
  if (!onTofu) return transport;
  const open = transport.open.bind(transport);
  let announced = false;
  transport.open = async () => {
    const error = await open();
    if (!error && !announced && transport.hostKeyTrust === 'tofu' && transport.presentedHostKey) {
      announced = true;
      onTofu(target.id, transport.presentedHostKey);
    }
    return error;
  };
  return transport;
}
