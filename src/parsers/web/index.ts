import type { Parser } from '../../checks/types.js';
import { defineParser, type ParserModule, parsersByName } from '../define.js';
import { apacheFacts } from './apache.js';
import { liveParserModules } from './live.js';
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
    if (n.present)
      candidates.push({
        server: 'nginx',
        facts: { ...(n.modsecurity as object), loaded: (n.modsecurity as { loaded: boolean }).loaded },
      });
  }
  const loaded = candidates.filter((c) => c.facts.loaded === true);
  const chosen = loaded.find((c) => c.facts.rule_engine !== 'Off') ?? loaded[0];
  if (!chosen) return { present: false, servers: candidates.map((c) => c.server) };
  return { present: true, server: chosen.server, ...chosen.facts };
}

/** Facts of a ModSecurity engine (modsecurityFacts in ./modsecurity.ts), wherever it is hosted. */
const MODSECURITY_FACTS = [
  'loaded',
  'rule_engine',
  'rule_engine_overrides',
  'request_body_access',
  'response_body_access',
  'audit_engine',
  'audit_relevant_status',
  'audit_logs_success',
  'audit_log_parts',
  'parts',
  'version',
  'audit_request_body',
  'audit_response_body',
  'audit_log_format',
  'audit_log',
  'audit_log_type',
  'audit_log_storage_dir',
  'request_body_limit',
  'sanitised_args',
  'sanitise_matched',
  'password_masked',
  'crs',
  'at',
  'sanitise_at',
];

/**
 * Parsers for web evidence, by the name catalog checks use in their `parser` field.
 * - web-nginx: `nginx -T` (+ the ModSecurity v3 rules files it names)
 * - web-apache: `apache2ctl -M`, `-S` and the configuration dump (DUMP_INCLUDES + each file)
 * - web-modsecurity: ModSecurity and CRS facts from whichever of the two hosts it
 * - web-squid: `squid -k parse`
 */
export const webParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'web-nginx',
    probes: ['nginx-config', 'nginx-modsecurity-files'],
    facts: [
      'present',
      'syntax_ok',
      'error',
      'files',
      'log_formats',
      'access_logs',
      'locations',
      'body',
      'real_ip',
      'tls',
      'modsecurity_enabled',
      'modsecurity_rules_files',
      'modsecurity',
    ],
    parse: (outputs) => nginxFacts(outputs),
  }),
  defineParser({
    name: 'web-apache',
    probes: ['apache-modules', 'apache-vhosts', 'apache-config-dump'],
    facts: [
      'present',
      'syntax_ok',
      'error',
      'files',
      'modules',
      'vhosts',
      'dumpio',
      'log_formats',
      'custom_logs',
      'user_agent',
      'real_ip',
      'tls',
      'modsecurity',
    ],
    parse: (outputs) => apacheFacts(outputs),
  }),
  defineParser({
    name: 'web-modsecurity',
    probes: ['apache-modules', 'apache-vhosts', 'apache-config-dump', 'nginx-config', 'nginx-modsecurity-files'],
    facts: ['present', 'server', 'servers', 'dumpio', ...MODSECURITY_FACTS],
    parse: (outputs) => modsecurityParser(outputs),
  }),
  defineParser({
    name: 'web-squid',
    probes: ['squid-config'],
    facts: [
      'present',
      'error',
      'errors',
      'ports',
      'ssl_bump_ports',
      'rules',
      'decrypts',
      'mode',
      'ca_certificates',
      'access_log',
    ],
    parse: (outputs) => squidFacts(outputs),
  }),
  ...liveParserModules,
];

/** name -> parse function (tests call parsers by name). */
export const webParsers: Readonly<Record<string, Parser>> = parsersByName(webParserModules);
