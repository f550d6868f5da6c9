// Which targets are web targets, and the transport to the host that holds a web server's configuration and logs.
import type { Target } from '../model.js';
import { createLocalTransport } from '../transport/local.js';
import { type HostKeyOptions, openSshTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';

/** The targets this part of the scan handles: kind web, or any kind that declares `web` settings (a WAF). */
export function isWebTarget(t: Target): boolean {
  return t.kind === 'web' || (t.web !== undefined && t.web.urls.length > 0);
}

/** The transport to the ssh/local target a web target's `web.host` names. */
export function webHostTransport(host: Target | undefined, ssh: HostKeyOptions | undefined): Transport | undefined {
  if (!host) return undefined;
  if (host.transport === 'ssh') return openSshTransport(host, ssh);
  if (host.transport === 'local') return createLocalTransport(host.rootdir ? { rootdir: host.rootdir } : {});
  return undefined;
}
