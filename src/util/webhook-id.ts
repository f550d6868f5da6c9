// A Shuffle webhook's id is the secret part of its URL (/api/v1/hooks/webhook_<id>): whoever knows it starts the
// workflow, unauthenticated. Evidence, facts and reports keep a fingerprint of it instead: it cannot be turned back
// into the id (a 122-bit random UUID behind 64 bits of sha256), yet it still tells one webhook from another, so the
// loop can match the SIEM connector's URL with the webhook's, live and in a replay of stored evidence alike.
import { createHash } from 'node:crypto';

/** `~` and 16 hex digits of the id's sha256 (the `~` keeps it apart from a real id, which is [\w-]+). */
export function webhookIdFingerprint(id: string): string {
  return `~${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}
