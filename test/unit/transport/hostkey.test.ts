import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entryMatchesHost,
  fingerprintSha256,
  hostKeyAlgorithmsFor,
  keyTypeOfBlob,
  normalisePin,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/transport/hostkey.js';

let dir: string;
let keyA: Buffer;
let keyB: Buffer;
let lineA: string;
let fingerprintA: string;

function keygen(name: string): { blob: Buffer; line: string; fp: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  const pub = readFileSync(join(dir, `${name}.pub`), 'utf8')
    .trim()
    .split(/\s+/);
  // ssh-keygen's own fingerprint is the reference the pin format must match.
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, `${name}.pub`)], {
    encoding: 'utf8',
  }).split(/\s+/)[1]!;
  return { blob: Buffer.from(pub[1]!, 'base64'), line: `${pub[0]} ${pub[1]}`, fp };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'socready-hostkey-'));
  const a = keygen('a');
  const b = keygen('b');
  keyA = a.blob;
  keyB = b.blob;
  lineA = a.line;
  fingerprintA = a.fp;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprints and pins', () => {
  it('prints the SHA256 fingerprint exactly as ssh-keygen -lf does', () => {
    expect(fingerprintSha256(keyA)).toBe(fingerprintA);
    expect(keyTypeOfBlob(keyA)).toBe('ssh-ed25519');
  });

  it('normalises pins with or without prefix and padding, and rejects other strings', () => {
    const bare = fingerprintA.slice('SHA256:'.length);
    expect(normalisePin(bare)).toBe(fingerprintA);
    expect(normalisePin(`${fingerprintA}=`)).toBe(fingerprintA);
    expect(normalisePin('MD5:12:34')).toBeNull();
  });

  it('accepts the pinned key and refuses another one, naming the presented fingerprint', () => {
    expect(verifyHostKey({ host: 'h', port: 22, pin: fingerprintA }, keyA)).toMatchObject({ ok: true, trust: 'pin' });
    const bad = verifyHostKey({ host: 'h', port: 22, pin: fingerprintA }, keyB);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.kind).toBe('host-key-mismatch');
      expect(bad.error.message).toContain(fingerprintSha256(keyB));
    }
  });

  it('never trusts on first use when a pin is set and does not match', () => {
    const v = verifyHostKey({ host: 'h', port: 22, pin: fingerprintA, trustOnFirstUse: true }, keyB);
    expect(v.ok).toBe(false);
  });

  it('refuses an unknown key unless trust on first use was asked for', () => {
    const v = verifyHostKey({ host: 'h', port: 22 }, keyA);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error.kind).toBe('host-key-unknown');
      expect(v.error.message).toContain(`host_key: "${fingerprintA}"`);
    }
    expect(verifyHostKey({ host: 'h', port: 22, trustOnFirstUse: true }, keyA)).toMatchObject({
      ok: true,
      trust: 'tofu',
    });
  });
});

describe('known_hosts', () => {
  it('matches plain names, [host]:port, wildcards and negations as OpenSSH does', () => {
    const entries = parseKnownHosts(
      [
        `# comment`,
        `web-01,10.0.0.5 ${lineA}`,
        `[10.0.0.6]:2222 ${lineA}`,
        `*.example.org,!bad.example.org ${lineA}`,
        `garbage line`,
      ].join('\n'),
    );
    expect(entries).toHaveLength(3);
    const [plain, ported, wild] = entries as [(typeof entries)[0], (typeof entries)[0], (typeof entries)[0]];
    expect(entryMatchesHost(plain, '10.0.0.5', 22)).toBe(true);
    expect(entryMatchesHost(plain, '10.0.0.5', 2222)).toBe(false);
    expect(entryMatchesHost(ported, '10.0.0.6', 2222)).toBe(true);
    expect(entryMatchesHost(ported, '10.0.0.6', 22)).toBe(false);
    expect(entryMatchesHost(wild, 'siem.example.org', 22)).toBe(true);
    expect(entryMatchesHost(wild, 'bad.example.org', 22)).toBe(false);
  });

  it('matches hashed |1| entries written by ssh-keygen -H', () => {
    const file = join(dir, 'known_hosts_hashed');
    writeFileSync(file, `web-01.example.org ${lineA}\n[10.1.2.3]:2200 ${lineA}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('|1|');
    expect(text).not.toContain('web-01');
    const entries = parseKnownHosts(text);
    expect(entries.some((e) => entryMatchesHost(e, 'web-01.example.org', 22))).toBe(true);
    expect(entries.some((e) => entryMatchesHost(e, '10.1.2.3', 2200))).toBe(true);
    expect(entries.some((e) => entryMatchesHost(e, '10.1.2.3', 22))).toBe(false);
  });

  it('accepts a listed key, refuses a changed one and a @revoked one', () => {
    const entries = parseKnownHosts(`10.0.0.5 ${lineA}\n`);
    const policy = { host: '10.0.0.5', port: 22, knownHosts: { path: '/kh', entries } };
    expect(verifyHostKey(policy, keyA)).toMatchObject({ ok: true, trust: 'known_hosts' });
    const changed = verifyHostKey(policy, keyB);
    expect(changed.ok).toBe(false);
    if (!changed.ok) {
      expect(changed.error.kind).toBe('host-key-mismatch');
      expect(changed.error.message).toContain('/kh line 1');
    }
    const revoked = parseKnownHosts(`@revoked * ${lineA}\n`);
    const r = verifyHostKey(
      { host: 'x', port: 22, knownHosts: { path: '/kh', entries: revoked }, trustOnFirstUse: true },
      keyA,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('@revoked');
  });

  it('treats a host absent from known_hosts as unknown', () => {
    const entries = parseKnownHosts(`other-host ${lineA}\n`);
    const v = verifyHostKey({ host: '10.0.0.5', port: 22, knownHosts: { path: '/kh', entries } }, keyA);
    expect(v.ok ? 'ok' : v.error.kind).toBe('host-key-unknown');
  });

  it('offers the known key types first so the server presents a comparable key', () => {
    expect(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519', 'ssh-rsa'])).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
  });
});
