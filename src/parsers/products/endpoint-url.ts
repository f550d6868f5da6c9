// The URL a SIEM connector posts its alerts to, and a SOAR webhook's own URL, in one comparable form: scheme, host
// (lower case) and path only. User info, query string and fragment are dropped because they may hold secrets (tokens,
// API keys) and because they do not choose the webhook that receives.
import { webhookIdFingerprint } from '../../util/webhook-id.js';

/** A Shuffle webhook's id in its path (/api/v1/hooks/webhook_<id>). */
const HOOK_ID = /(\/hooks\/webhook_)([^/]*)/;
/** What a webhook id masked in stored evidence becomes: it can match no other webhook. */
export const MASKED_HOOK = '~masked';

/** A webhook id as facts keep it: its fingerprint (as stored evidence already holds it), never the id itself. */
function hookFingerprint(id: string): string {
  if (/^~[0-9a-f]{16}$/.test(id)) return id;
  if (!/^[\w-]+$/.test(id)) return MASKED_HOOK;
  return webhookIdFingerprint(id);
}

/** scheme://host[:port]/path of an http(s) URL (a webhook id fingerprinted), or undefined when it is not one. */
export function endpointUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const path = u.pathname
    .replace(/\/+$/, '')
    .replace(HOOK_ID, (_m, head: string, id: string) => head + hookFingerprint(id));
  return `${u.protocol}//${u.host.toLowerCase()}${path}`;
}
