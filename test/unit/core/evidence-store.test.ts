import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceStore, safeName } from '../../../src/collect/evidence-store.js';

describe('evidence store', () => {
  it('writes redacted output and never a secret a hostile host returned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-ev-'));
    const store = new EvidenceStore(dir);
    const hostile =
      'root:$6$saltsalt$abcdefghijklmnop:19000:0:99999:7:::\n-----BEGIN OPENSSH PRIVATE ' +
      'KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE ' +
      'KEY-----\nAuthorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl\n';
    const e = store.record(
      'web-01',
      { id: 'shadow', platform: 'linux', kind: 'file', path: '/etc/shadow' },
      '/etc/shadow',
      { stdout: hostile, stderr: '', exitCode: 0, truncated: false, durationMs: 3 },
      new Date(),
    );
    const written = readFileSync(join(dir, e.file!), 'utf8');
    expect(written).not.toContain('abcdefghijklmnop');
    expect(written).not.toContain('b3BlbnNzaC1rZXkt');
    expect(written).not.toContain('eyJzdWIiOiIx');
    expect(e.redactions).toBeGreaterThanOrEqual(3);
  });

  it('keeps every target in its own folder under evidence/, whatever its id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-ev-'));
    const store = new EvidenceStore(dir);
    const probe = { id: 'p', platform: 'linux' as const, kind: 'command' as const, command: 'true' };
    const out = { stdout: 'x', stderr: '', exitCode: 0, truncated: false, durationMs: 1 };
    for (const id of ['..', '.', 'a/b', 'a_b', '\u001b[2J']) store.record(id, probe, 'true', out, new Date());
    expect(readdirSync(dir)).toEqual(['evidence']);
    expect(new Set(readdirSync(join(dir, 'evidence'))).size).toBe(5);
    expect(safeName('web-01')).toBe('web-01');
    expect(safeName('a/b')).not.toBe(safeName('a_b'));
  });
});
