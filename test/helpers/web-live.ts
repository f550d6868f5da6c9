// Live web checks graded from scripted answers (web-live-fakes.ts) through the scan's own path: openSource opens the
// WebProbeSource, which plans the live probe, "sends" it (the scripted edge answers), records its evidence and builds
// the live document; assessTarget evaluates the catalog's checks with the one evaluator.
import { loadCatalog } from '../../src/checks/catalog.js';
import type { Finding, Target } from '../../src/model.js';
import type { TlsResult } from '../../src/parsers/web/live.js';
import type { LiveProbeResult } from '../../src/web/canary.js';
import { assessWeb } from './web-assess.js';
import { scripted } from './web-live-fakes.js';

const catalog = loadCatalog();

/** The inventory host a web target names in `web.host`; its transport is the scripted host of web-live-fakes.ts. */
const HOST: Target = { id: 'web-01', kind: 'linux', address: 'localhost', tags: [], transport: 'local' };

export interface GradeOptions {
  target?: string;
  /** The target names a host (web.host) that opens: the logs could be read. */
  hasHost?: boolean;
  /** The certificates the host's configuration names (compared with the one the handshake saw). */
  serverCerts?: { fingerprint256: string; subject: string }[];
}

/**
 * The findings of the catalog checks that read only `probe`, in catalog order, from one scripted answer per URL: TLS
 * results for the handshake (one https URL each), log landings for the canary or the WAF probe (sent with --active).
 */
export async function gradeLive(
  probe: 'tls-handshake' | 'body-canary' | 'waf-probe',
  answers: TlsResult[] | LiveProbeResult[],
  opts: GradeOptions = {},
): Promise<Finding[]> {
  const checks = catalog.checks.filter((c) => c.probes.length === 1 && c.probes[0] === probe).map((c) => c.id);
  const tls = probe === 'tls-handshake';
  scripted.tls = tls ? [...(answers as TlsResult[])] : [];
  scripted.canary = probe === 'body-canary' ? [...(answers as LiveProbeResult[])] : [];
  scripted.waf = probe === 'waf-probe' ? [...(answers as LiveProbeResult[])] : [];
  scripted.serverCerts = opts.serverCerts ?? [];
  const target: Target = {
    id: opts.target ?? 't',
    kind: 'web',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    web: {
      urls: answers.map((_, i) => `${tls ? 'https' : 'http'}://127.0.0.1:${9000 + i}/`),
      server: 'nginx',
      ...(opts.hasHost || opts.serverCerts ? { host: HOST.id } : {}),
    },
  };
  const a = await assessWeb(target, { targets: [HOST, target], active: !tls, runId: 'r', only: checks, catalog });
  if (scripted.tls.length + scripted.canary.length + scripted.waf.length > 0)
    throw new Error('not every scripted answer was asked for');
  return a.findings.sort((x, y) => checks.indexOf(x.check) - checks.indexOf(y.check));
}
