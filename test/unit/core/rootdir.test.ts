import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TransportProbeSource } from '../../../src/collect/source.js';
import { createLocalTransport } from '../../../src/transport/local.js';

describe('auditing a mounted image with rootdir', () => {
  const image = mkdtempSync(join(tmpdir(), 'socready-image-'));
  mkdirSync(join(image, 'etc/ssh'), { recursive: true });
  mkdirSync(join(image, 'etc/rsyslog.d'), { recursive: true });
  writeFileSync(join(image, 'etc/ssh/sshd_config.real'), 'LogLevel VERBOSE\n');
  symlinkSync('/etc/ssh/sshd_config.real', join(image, 'etc/ssh/sshd_config')); // absolute link inside the image
  symlinkSync('/etc/hostname', join(image, 'etc/hostname-escape')); // resolves to the auditor's own /etc/hostname
  writeFileSync(join(image, 'etc/rsyslog.d/10-fwd.conf'), '*.* @@collector:514\n');
  symlinkSync('/etc/passwd', join(image, 'etc/rsyslog.d/99-escape.conf'));
  const source = new TransportProbeSource(createLocalTransport(), { rootdir: image, sudo: false });

  it('reads files below the root', async () => {
    const r = await source.collect({ id: 'f', platform: 'linux', kind: 'file', path: '/etc/rsyslog.d/10-fwd.conf' });
    expect(r.stdout).toBe('*.* @@collector:514\n');
    expect(r.error).toBeUndefined();
  });

  it('never follows a link out of the image into the auditing machine', async () => {
    const r = await source.collect({ id: 'f', platform: 'linux', kind: 'file', path: '/etc/hostname-escape' });
    expect(r.stdout).toBe('');
    expect(r.error?.kind).toBe('permission-denied');
    const g = await source.collect({ id: 'g', platform: 'linux', kind: 'glob', path: '/etc/rsyslog.d/*.conf' });
    expect(g.stdout).toContain('==> /etc/rsyslog.d/10-fwd.conf <==');
    expect(g.stdout).not.toContain(readFileSync('/etc/passwd', 'utf8').split('\n')[0]);
  });

  it('does not run commands against an image (they would describe the auditing machine)', async () => {
    const r = await source.collect({ id: 'c', platform: 'linux', kind: 'command', command: 'uname -a' });
    expect(r.error?.kind).toBe('offline');
  });
});
