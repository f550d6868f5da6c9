// SSH host key verification: a SHA256 pin or OpenSSH known_hosts (plain, hashed |1| and [host]:port entries).
// Trust on first use only when the caller asked for it; every refusal shows the fingerprint the server presented.
import { createHash, createHmac } from 'node:crypto';
import type { TransportError } from '../model.js';
import { namePatternToRegExp } from '../util/glob.js';

/** "SHA256:<base64 without padding>", exactly as `ssh-keygen -lf` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (string length + name). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Accepts "SHA256:abc", "abc", with or without base64 padding; null when it is not a SHA256 fingerprint. */
export function normalisePin(pin: string): string | null {
  const m = /^(?:SHA256:)?([A-Za-z0-9+/]{43})=?$/.exec(pin.trim());
  return m ? `SHA256:${m[1]}` : null;
}

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  patterns: string[];
  keyType: string;
  key: Buffer;
  line: number;
}

/** Parses known_hosts text; malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (parts[0] === '@revoked' || parts[0] === '@cert-authority') marker = parts.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, keyB64] = parts;
    if (!hosts || !keyType || !keyB64 || !/^[A-Za-z0-9+/]+=*$/.test(keyB64)) return;
    const key = Buffer.from(keyB64, 'base64');
    if (keyTypeOfBlob(key) !== keyType) return;
    const entry: KnownHostEntry = { patterns: hosts.split(','), keyType, key, line: index + 1 };
    if (marker) entry.marker = marker;
    entries.push(entry);
  });
  return entries;
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return namePatternToRegExp(pattern, true).test(name);
}

/** OpenSSH semantics: any positive pattern matches and no negated (!) pattern matches. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  let positive = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) {
      positive = true;
    }
  }
  return positive;
}

/** The ssh2 host key algorithms to offer so the server presents a key type we know (as OpenSSH orders them). */
export function hostKeyAlgorithmsFor(keyTypes: string[]): string[] {
  const algs: string[] = [];
  for (const t of keyTypes) {
    const expanded = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of expanded) if (!algs.includes(a)) algs.push(a);
  }
  return algs;
}

export interface HostKeyPolicy {
  host: string;
  port: number;
  /** Pin from the inventory (host_key). */
  pin?: string;
  /** known_hosts content and the path it came from (for messages). */
  knownHosts?: { path: string; entries: KnownHostEntry[] };
  trustOnFirstUse?: boolean;
}

export type HostKeyVerdict =
  | { ok: true; fingerprint: string; keyType: string; trust: 'pin' | 'known_hosts' | 'tofu' }
  | { ok: false; fingerprint: string; keyType: string; error: TransportError };

/** Decides whether a presented host key is trusted. Pure: the caller supplies the known_hosts entries. */
export function verifyHostKey(policy: HostKeyPolicy, presented: Buffer): HostKeyVerdict {
  const fingerprint = fingerprintSha256(presented);
  const keyType = keyTypeOfBlob(presented);
  const where = knownHostsName(policy.host, policy.port);
  const shown = `the server presented ${keyType} ${fingerprint}`;
  const refuse = (kind: 'host-key-unknown' | 'host-key-mismatch', message: string): HostKeyVerdict => ({
    ok: false,
    fingerprint,
    keyType,
    error: { kind, message },
  });

  if (policy.pin !== undefined) {
    const pin = normalisePin(policy.pin);
    if (!pin) return refuse('host-key-unknown', `ssh.host_key "${policy.pin}" is not a SHA256 fingerprint; ${shown}`);
    if (pin === fingerprint) return { ok: true, fingerprint, keyType, trust: 'pin' };
    return refuse(
      'host-key-mismatch',
      `host key of ${where} does not match the pinned ${pin}: ${shown}. The key changed or someone is in the ` +
        'middle; verify it out of band before updating the pin',
    );
  }

  if (policy.knownHosts) {
    const matching = policy.knownHosts.entries.filter((e) => entryMatchesHost(e, policy.host, policy.port));
    if (matching.some((e) => e.marker === '@revoked' && e.key.equals(presented))) {
      return refuse(
        'host-key-mismatch',
        `host key of ${where} is marked @revoked in ${policy.knownHosts.path}: ${shown}`,
      );
    }
    const plain = matching.filter((e) => !e.marker);
    if (plain.some((e) => e.key.equals(presented))) return { ok: true, fingerprint, keyType, trust: 'known_hosts' };
    if (plain.length > 0) {
      const lines = plain.map((e) => e.line).join(', ');
      return refuse(
        'host-key-mismatch',
        `host key of ${where} changed: ${policy.knownHosts.path} line ${lines} holds another key; ${shown}. ` +
          'Verify it out of band',
      );
    }
  }

  if (policy.trustOnFirstUse) return { ok: true, fingerprint, keyType, trust: 'tofu' };
  const lookedIn = policy.knownHosts ? `not in ${policy.knownHosts.path}` : 'no host_key pin or known_hosts configured';
  return refuse(
    'host-key-unknown',
    `host key of ${where} is not known (${lookedIn}); ${shown}. Verify it out of band and pin it: host_key: ` +
      `"${fingerprint}"`,
  );
}
