// When does a log source a check proves collected (Finding.provides) serve a rule's log source, and which fields match.
import type { LogSourceRef } from '../model.js';

/** Sigma's registry categories are one event family; a check that proves one proves the family (Sysmon 12-14). */
const FAMILY: Record<string, string> = {
  registry_add: 'registry_event',
  registry_set: 'registry_event',
  registry_delete: 'registry_event',
  registry_rename: 'registry_event',
  registry_event: 'registry_event',
};

function sameCategory(a: string, b: string): boolean {
  return a === b || (FAMILY[a] !== undefined && FAMILY[a] === FAMILY[b]);
}

function norm(s: string | undefined): string | undefined {
  return s?.trim().toLowerCase() || undefined;
}

/**
 * True when `provided` is the source the rule reads: no conflicting product/category/service, and the rule's most
 * specific key (category, else service, else product) is named by the provider. A provider that only says "Sysmon is
 * installed" does not prove a category it does not name.
 */
export function servesLogSource(rule: LogSourceRef, provided: LogSourceRef): boolean {
  const r = { product: norm(rule.product), category: norm(rule.category), service: norm(rule.service) };
  const p = { product: norm(provided.product), category: norm(provided.category), service: norm(provided.service) };
  if (!r.product && !r.category && !r.service) return false;
  if (r.product && p.product && r.product !== p.product) return false;
  if (r.service && p.service && r.service !== p.service) return false;
  if (r.category && p.category && !sameCategory(r.category, p.category)) return false;
  if (r.category) return p.category !== undefined;
  if (r.service) return p.service !== undefined;
  return p.product !== undefined && !p.category && !p.service;
}

/** The same field under Sigma, ECS, W3C and CRS names, so "request_body" in a check meets a rule's spelling of it. */
const ALIASES: string[][] = [
  ['request_body', 'requestbody', 'http.request.body.content', 'request_body_content'],
  ['cs-uri-query', 'uri_query', 'url.query', 'query_string', 'args_get'],
  ['commandline', 'process.command_line', 'process_command_line', 'process'],
  ['parentcommandline', 'process.parent.command_line', 'parent_process'],
  ['scriptblocktext', 'powershell.file.script_block_text'],
  ['cs-user-agent', 'user_agent.original', 'useragent', 'http_user_agent'],
  ['cs-cookie', 'request_cookies', 'http.request.cookies'],
  ['sc-status', 'http.response.status_code', 'status'],
];
const CANON = new Map<string, string>();
for (const group of ALIASES) for (const name of group) CANON.set(name.replace(/[^a-z0-9.]/g, ''), group[0]!);

/** A comparable key for a field name: lower case, separators dropped, known aliases folded together. */
export function fieldKey(field: string): string {
  const k = field.toLowerCase().replace(/[^a-z0-9.]/g, '');
  return CANON.get(k) ?? k;
}

/** Fields of `needed` that `named` mentions (after aliasing). */
export function fieldsNamed(needed: string[], named: string[]): string[] {
  const keys = new Set(named.map(fieldKey));
  return needed.filter((f) => keys.has(fieldKey(f)));
}

export function logSourceLabel(ls: LogSourceRef): string {
  const parts = [ls.product, ls.category ?? ls.service].filter(Boolean);
  return parts.length > 0 ? parts.join('/') : '(no log source)';
}
