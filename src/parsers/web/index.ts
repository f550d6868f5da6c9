import type { Parser } from '../../checks/types.js';
import { apacheFacts } from './apache.js';
import { nginxFacts } from './nginx.js';
import { squidFacts } from './squid.js';

/**
 * ModSecurity facts whichever server hosts it: mod_security2 in Apache or ModSecurity v3 in nginx. When both are
 * configured, the one whose engine is not Off is reported (Apache first).
 */
function modsecurityParser(outputs: Parameters<Parser>[0]): Record<string, unknown> {
  const candidates: { server: string; facts: Record<string, unknown> }[] = [];
  if (outputs['apache-modules'] || outputs['apache-config-dump']) {
    const a = apacheFacts(outputs);
    if (a.present) candidates.push({ server: 'apache', facts: { ...(a.modsecurity as object), dumpio: a.dumpio } });
  }
  if (outputs['nginx-config']) {
    const n = nginxFacts(outputs);
    if (n.present) candidates.push({ server: 'nginx', facts: { ...(n.modsecurity as object), loaded: (n.modsecurity as { loaded: boolean }).loaded } });
  }
  const loaded = candidates.filter((c) => c.facts.loaded === true);
  const chosen = loaded.find((c) => c.facts.rule_engine !== 'Off') ?? loaded[0];
  if (!chosen) return { present: false, servers: candidates.map((c) => c.server) };
  return { present: true, server: chosen.server, ...chosen.facts };
}

/**
 * Parsers for web evidence, by the name catalog checks use in their `parser` field.
 * - web-nginx: `nginx -T` (+ the ModSecurity v3 rules files it names)
 * - web-apache: `apache2ctl -M`, `-S` and the configuration dump (DUMP_INCLUDES + each file)
 * - web-modsecurity: ModSecurity and CRS facts from whichever of the two hosts it
 * - web-squid: `squid -k parse`
 */
export const webParsers: Record<string, Parser> = {
  'web-nginx': (outputs) => nginxFacts(outputs),
  'web-apache': (outputs) => apacheFacts(outputs),
  'web-modsecurity': (outputs) => modsecurityParser(outputs),
  'web-squid': (outputs) => squidFacts(outputs),
};
