// The database canaries (--active with a connection): a harmless marked SELECT and, opt-in, one login as a marked
// user that does not exist; then the server's own log files on its host are searched for the marker until it shows
// up or the wait ends. Passing needs the marker found: the database recorded what was done to it.
import { randomBytes } from 'node:crypto';
import type { DatabaseSettings } from '../model.js';
import type { DbCanaryDocument } from '../parsers/database/canary.js';
import { shellQuote } from '../transport/shell.js';
import type { ProbeResult, Transport } from '../transport/types.js';
import { type ClientCall, type DatabaseProductModule, READ_ONLY_STATEMENT, type TrailSearch } from './products.js';

export interface DbCanaryOptions {
  transport: Transport;
  product: DatabaseProductModule;
  settings: DatabaseSettings;
  address: string;
  outputs: Record<string, ProbeResult>;
  sudo: boolean;
  waitMs: number;
  pollMs: number;
  env?: NodeJS.ProcessEnv;
  /** The host is Windows, reached through PowerShell: statements go through the product's psQuery. */
  windows?: boolean;
}

/** A marker unique to the run, the target and this request; letters, digits and '-' only (safe in SQL and grep). */
export function canaryMarker(runId: string, targetId: string, kind: 'query' | 'login'): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 24);
  return (
    `socready-${kind === 'query' ? 'canary' : 'fl'}-${clean(runId)}-${clean(targetId)}-` +
    `${randomBytes(4).toString('hex')}`
  );
}

/** A shell word list for the files: a trailing `/*` stays a glob, the rest is quoted. */
function fileWords(files: string[]): string {
  return files.map((f) => (f.endsWith('/*') ? `${shellQuote(f.slice(0, -2))}/*` : shellQuote(f))).join(' ');
}

async function search(
  o: DbCanaryOptions,
  marker: string,
  files: string[],
  sentAt: number,
): Promise<Pick<DbCanaryDocument, 'found' | 'where' | 'line' | 'latency_ms' | 'waited_ms'>> {
  const command =
    `for f in ${fileWords(files)}; do [ -f "$f" ] && grep -F -H -m1 -- ${shellQuote(marker)} "$f" 2>/dev/null; ` +
    'done; true';
  for (;;) {
    const r = await o.transport.run(command, { timeoutMs: 15_000, maxBytes: 64 * 1024, sudo: o.sudo });
    const hit = r.stdout.split('\n').find((l) => l.includes(marker));
    const waited = Date.now() - sentAt;
    if (hit) {
      const files0 = files.map((f) => f.replace(/\*$/, ''));
      const where =
        files0.map((f) => (hit.startsWith(f) ? hit.slice(0, hit.indexOf(':', f.length)) : '')).find(Boolean) ??
        hit.slice(0, hit.indexOf(':'));
      return {
        found: true,
        where,
        line: hit.slice(where.length + 1, where.length + 1 + 400),
        latency_ms: waited,
        waited_ms: waited,
      };
    }
    if (waited >= o.waitMs) return { found: false, waited_ms: waited };
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}

/** One statement as the host runs it: the product's client on a Linux host, its PowerShell on a Windows host. */
function statementCall(o: DbCanaryOptions, statement: string): ClientCall {
  if (!READ_ONLY_STATEMENT.test(statement))
    return { command: '', env: {}, error: `not a read-only statement: ${statement}` };
  if (!o.windows) return o.product.query(o.settings, o.address, statement, o.env);
  return o.product.psQuery
    ? o.product.psQuery(o.settings, o.address, statement)
    : { command: '', env: {}, error: `${o.product.name} is not read through PowerShell` };
}

/**
 * Polls the audit trail read-backs (an audit view, the Windows event log) for the marker; the searches are
 * themselves read-only and never hold the whole marker, so an audited search cannot find itself.
 */
async function searchTrail(
  o: DbCanaryOptions,
  marker: string,
  searches: TrailSearch[],
  sentAt: number,
): Promise<Pick<DbCanaryDocument, 'found' | 'where' | 'line' | 'latency_ms' | 'waited_ms' | 'search_errors'>> {
  const errors = new Set<string>();
  for (;;) {
    for (const s of searches) {
      const call =
        s.statement !== undefined ? statementCall(o, s.statement) : { command: (s.powershell ?? s.shell)!, env: {} };
      if (call.error) {
        errors.add(`${s.where}: ${call.error}`);
        continue;
      }
      const sudo = s.shell !== undefined && o.sudo;
      const r = await o.transport.run(call.command, { timeoutMs: 30_000, maxBytes: 256 * 1024, env: call.env, sudo });
      if (r.error || r.exitCode !== 0)
        errors.add(`${s.where}: ${r.error?.message ?? (r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`)}`);
      // Case-insensitive: Oracle keeps an unquoted user name in upper case (markers are [a-z0-9_-] only).
      const wanted = new RegExp(marker.replace(/[^a-z0-9_-]/gi, '\\$&'), 'i');
      const hit = r.stdout.split(/\r?\n/).find((l) => wanted.test(l));
      if (hit) {
        const waited = Date.now() - sentAt;
        // Around the marker: an event's message can be long and the statement comes late in it.
        const at = hit.search(wanted);
        const line = hit.slice(Math.max(0, at - 200), at + marker.length + 200).trim();
        return { found: true, where: s.where, line, latency_ms: waited, waited_ms: waited };
      }
    }
    const waited = Date.now() - sentAt;
    if (waited >= o.waitMs)
      return { found: false, waited_ms: waited, ...(errors.size ? { search_errors: [...errors] } : {}) };
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}

/** The marked query: `SELECT '<marker>'`, which any audit of reads (pgaudit READ, server_audit QUERY_DML) records. */
export async function runQueryCanary(o: DbCanaryOptions, marker: string): Promise<DbCanaryDocument> {
  const trail = o.product.trailSearches?.(o.outputs, marker, o.windows ?? false);
  const files = trail ? trail.map((t) => t.where) : o.product.recordFiles(o.outputs, 'query');
  const call = statementCall(o, o.product.canaryStatement?.(marker) ?? `SELECT '${marker}'`);
  if (call.error) return { marker, sent: false, send_error: call.error, found: false, searched: files, waited_ms: 0 };
  const sentAt = Date.now();
  const r = await o.transport.run(call.command, { timeoutMs: 20_000, maxBytes: 64 * 1024, env: call.env });
  if (r.error || r.exitCode !== 0 || !r.stdout.includes(marker)) {
    return {
      marker,
      sent: false,
      send_error: r.error?.message ?? (r.stderr.trim() || `client exited ${r.exitCode}`),
      found: false,
      searched: files,
      waited_ms: 0,
    };
  }
  const sent_at = new Date(sentAt).toISOString();
  const found = trail ? await searchTrail(o, marker, trail, sentAt) : await search(o, marker, files, sentAt);
  return {
    marker,
    sent: true,
    sent_at,
    searched: files,
    ...found,
    ...(!found.found && o.product.canaryNeeds ? { needs: o.product.canaryNeeds } : {}),
  };
}

/** One login as a marked user that does not exist: no account is locked, since none has that name. */
export async function runFailedLoginCanary(o: DbCanaryOptions, user: string): Promise<DbCanaryDocument> {
  const trail = o.product.trailSearches?.(o.outputs, user, o.windows ?? false, 'login');
  const files = trail ? trail.map((t) => t.where) : o.product.recordFiles(o.outputs, 'login');
  const password = randomBytes(12).toString('hex');
  const call = !o.windows
    ? o.product.failedLogin(o.settings, o.address, user, password)
    : (o.product.psFailedLogin?.(o.settings, o.address, user, password) ?? {
        command: '',
        env: {},
        error: `${o.product.name} has no failed-login canary through PowerShell`,
      });
  if (call.error)
    return { marker: user, sent: false, send_error: call.error, found: false, searched: files, waited_ms: 0 };
  const sentAt = Date.now();
  const r = await o.transport.run(call.command, { timeoutMs: 20_000, maxBytes: 64 * 1024, env: call.env });
  if (!o.product.refused(r)) {
    // sqlplus and sqlcmd print the server's error on stdout.
    const said = r.stderr.trim() || r.stdout.trim().replace(/\s+/g, ' ').slice(0, 300);
    return {
      marker: user,
      sent: false,
      send_error: r.error?.message ?? `the login was not refused (exit ${r.exitCode})${said ? `: ${said}` : ''}`,
      found: false,
      searched: files,
      waited_ms: 0,
    };
  }
  const sent_at = new Date(sentAt).toISOString();
  const found = trail ? await searchTrail(o, user, trail, sentAt) : await search(o, user, files, sentAt);
  return {
    marker: user,
    sent: true,
    sent_at,
    searched: files,
    ...found,
    ...(!found.found && o.product.loginNeeds ? { needs: o.product.loginNeeds } : {}),
  };
}
