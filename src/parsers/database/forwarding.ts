// Whether a database's log leaves the host: a cheap look at the log shippers' configuration (rsyslog, syslog-ng,
// Filebeat, Fluent Bit, Vector, Wazuh, Splunk UF, OpenTelemetry) for the database's log directory, or for a network
// forwarding action when the database logs to syslog. The full forwarding analysis of a host (queues, TLS, the
// collector answering) is the linux checks' job; this only says whether anything picks the database's log up.
import type { ProbeResult } from '../../transport/types.js';
import { splitSections } from '../../util/file-sections.js';

/** rsyslog `@@host`/omfwd, syslog-ng network()/tcp()/udp() destinations. */
const SYSLOG_FORWARD = /(^|\s)@@?[\w.[\]:-]+|type\s*=\s*"omfwd"|\b(network|syslog|tcp|udp)\s*\(\s*"?[\w.:-]+/m;

export interface ShipperFacts {
  /** true: a shipper reads the log; false: none does; null: the shipper configuration could not be read. */
  forwarded: boolean | null;
  by: string[];
  why: string;
}

/** `dirs` are the log directories ("/var/lib/postgresql/15/main/log/"); `syslog`: the server also logs to syslog. */
export function shipperFacts(r: ProbeResult | undefined, syslog: boolean, dirs: string[]): ShipperFacts {
  if (!r || r.error)
    return {
      forwarded: null,
      by: [],
      why: `log shipper configuration not read (${r?.error?.message ?? 'not collected'})`,
    };
  const files = splitSections(r.stdout).files;
  const by: string[] = [];
  for (const f of files) {
    const text = f.text.replace(/^\s*#.*$/gm, '');
    const mentions = dirs.some((d) => d.length > 1 && text.includes(d.replace(/\/$/, '')));
    const forwardsSyslog = syslog && /rsyslog|syslog-ng/.test(f.path) && SYSLOG_FORWARD.test(text);
    if (mentions || forwardsSyslog) by.push(f.path);
  }
  const where = dirs.length > 0 ? dirs.join(', ') : '(no log directory known)';
  return {
    forwarded: by.length > 0,
    by,
    why:
      by.length > 0
        ? `picked up by ${by.join(', ')}`
        : 'no log shipper on the host reads ' +
          `${where}${syslog ? ' and no syslog daemon forwards over the network' : ''} (${files.length} shipper ` +
          'configuration file(s) read)',
  };
}
