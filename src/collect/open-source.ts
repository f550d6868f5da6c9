import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../model.js';
import { createLocalTransport } from '../transport/local.js';
import { createPowerShellTransport } from '../transport/powershell.js';
import { createSshTransport } from '../transport/ssh.js';
import { API_KINDS, ApiProbeSource } from './api-source.js';
import { PowerShellProbeSource } from './powershell-source.js';
import type { ProbeSource } from './source.js';
import { TransportProbeSource } from './source.js';

export interface SourceOptions {
  trustOnFirstUse?: boolean;
  /** Announces a fingerprint accepted on first use, so the user can pin it. */
  onTofu?: (target: string, fingerprint: string) => void;
}

/** A probe source for a live target, by its transport. */
export function openSource(target: Target, options: SourceOptions = {}): ProbeSource | { unsupported: string } {
  switch (target.transport) {
    case 'local': {
      // The probe source applies the rootdir to every file and glob probe; the transport must not add it again.
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      return new TransportProbeSource(createLocalTransport(), { rootdir: target.rootdir, sudo: !isRoot && Boolean(target.ssh?.sudo) });
    }
    case 'ssh': {
      const transport = createSshTransport(target, { trustOnFirstUse: options.trustOnFirstUse, knownHostsFallback: join(homedir(), '.ssh', 'known_hosts') });
      const source = new TransportProbeSource(transport, { rootdir: target.rootdir, sudo: Boolean(target.ssh?.sudo) });
      if (options.onTofu) {
        const open = source.open.bind(source);
        source.open = async () => {
          const error = await open();
          if (!error && transport.hostKeyTrust === 'tofu' && transport.presentedHostKey) options.onTofu!(target.id, transport.presentedHostKey);
          return error;
        };
      }
      return source;
    }
    case 'powershell':
      return new PowerShellProbeSource(createPowerShellTransport(target, { ssh: { trustOnFirstUse: options.trustOnFirstUse } }));
    case 'http':
      // Security products (siem, soar, edr, waf, ips, ndr) are audited through their own read-only REST APIs.
      if (target.api && API_KINDS.has(target.kind)) return new ApiProbeSource(target);
      return { unsupported: `transport "${target.transport}" has no host checks in this version` };
    default:
      return { unsupported: `transport "${target.transport}" has no host checks in this version` };
  }
}
