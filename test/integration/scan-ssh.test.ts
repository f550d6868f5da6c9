import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)(
  'socready scan over SSH against a throwaway sshd (needs root to run sshd and add users)',
  () => {
    let good: SshdHandle;
    let sudoPassword: SshdHandle;
    let dir: string;
    let report: Report;
    let runDir: string;
    let exitCode: number | null;
    let stderr: string;

    beforeAll(async () => {
      [good, sudoPassword] = await Promise.all([startSshd({ sudo: 'nopasswd' }), startSshd({ sudo: 'password' })]);
      dir = mkdtempSync(join(tmpdir(), 'socready-scan-ssh-'));
      writeFileSync(join(dir, 'known_hosts'), `${good.knownHostsLine}\n`);
      const wrongPin = sudoPassword.hostKeyFingerprint; // a real fingerprint, of another server
      const inventory =
        `version: 1
organization: "Loopback Test Org"
defaults:
  ssh: { user: ${good.user}, key: ${good.clientKeyPath}, sudo: true }
targets:
  - id: good-pinned
    kind: linux
    address: 127.0.0.1
    port: ${good.port}
    ssh: { host_key: "${good.hostKeyFingerprint}" }
  - id: good-known-hosts
    kind: linux
    address: 127.0.0.1
    port: ${good.port}
    ssh: { known_hosts: ${join(dir, 'known_hosts')} }
  - id: wrong-host-key
    kind: linux
    address: 127.0.0.1
    port: ${good.port}
    ssh: { host_key: "${wrongPin}" }
  - id: unreachable
    kind: linux
    address: 127.0.0.1
    port: 1
    ssh: { host_key: "${good.hostKeyFingerprint}" }
  - id: missing-key
    kind: linux
    address: 127.0.0.1
    port: ${good.port}
    ssh: { key: ${join(dir, 'no-such-key')}, host_key: "${good.hostKeyFingerprint}" }
  - id: sudo-asks-password
    kind: linux
    address: 127.0.0.1
    port: ${sudoPassword.port}
    ssh: { user: ${sudoPassword.user}, key: ${sudoPassword.clientKeyPath}, host_key: ` +
        `"${sudoPassword.hostKeyFingerprint}" }
`;
      writeFileSync(join(dir, 'inventory.yaml'), inventory);
      const result = await runCli([
        'scan',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--json',
        '--hosts-only',
        '--no-html',
      ]);
      exitCode = result.code;
      stderr = result.stderr;
      const summary = JSON.parse(result.stdout) as { run_dir: string };
      runDir = summary.run_dir;
      report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    }, 180_000);

    afterAll(async () => {
      await Promise.all([good?.stop(), sudoPassword?.stop()]);
    });

    const target = (id: string) => report.targets.find((t) => t.id === id)!;
    const findingsOf = (id: string) => report.findings.filter((f) => f.target === id);

    it('finishes the run with exit 0 and one finding per check and target', () => {
      expect(exitCode).toBe(0);
      expect(report.targets).toHaveLength(6);
      const perTarget = new Set(report.targets.map((t) => findingsOf(t.id).length));
      expect(perTarget.size).toBe(1);
      expect([...perTarget][0]).toBeGreaterThan(20);
    });

    it('audits hosts reached with a pinned key or a known_hosts file, deciding checks from real evidence', () => {
      for (const id of ['good-pinned', 'good-known-hosts']) {
        expect(target(id).error).toBeUndefined();
        expect(target(id).host?.os).toMatch(/Debian/);
        const decided = findingsOf(id).filter((f) => f.status === 'pass' || f.status === 'fail' || f.status === 'warn');
        expect(decided.length).toBeGreaterThan(10);
      }
    });

    it(
      'refuses a host whose key differs from the pin, showing the presented fingerprint, and marks its checks ' +
        'inconclusive',
      () => {
        const t = target('wrong-host-key');
        expect(t.status).toBe('unreachable');
        expect(t.error?.kind).toBe('host-key-mismatch');
        expect(t.error?.message).toContain(good.hostKeyFingerprint);
        expect(findingsOf('wrong-host-key').every((f) => f.status === 'inconclusive')).toBe(true);
        expect(stderr).toContain('wrong-host-key');
      },
    );

    it('records an unreachable port and a missing key file as inconclusive, never as failures', () => {
      expect(target('unreachable').error?.kind).toBe('unreachable');
      expect(target('missing-key').error?.kind).toBe('config');
      expect(target('missing-key').error?.message).toContain('no-such-key');
      for (const id of ['unreachable', 'missing-key']) {
        expect(findingsOf(id).every((f) => f.status === 'inconclusive' && f.reason)).toBe(true);
      }
    });

    it('turns a sudo password prompt into inconclusive findings for the root-only checks with the reason', () => {
      const t = target('sudo-asks-password');
      expect(t.error).toBeUndefined();
      const sudoBlocked = findingsOf('sudo-asks-password').filter((f) => f.reason?.includes('sudo'));
      expect(sudoBlocked.length).toBeGreaterThan(0);
      expect(sudoBlocked.every((f) => f.status === 'inconclusive')).toBe(true);
    });

    it('stores the evidence of every probe beside the report, owner-readable only', () => {
      const files = (readdirSync(join(runDir, 'evidence'), { recursive: true }) as string[]).filter((x) =>
        x.endsWith('.txt'),
      );
      expect(files.length).toBeGreaterThan(10);
      const pinned = report.evidence.filter((e) => e.target === 'good-pinned' && e.file);
      expect(pinned.length).toBeGreaterThan(10);
      for (const e of pinned) expect(statSync(join(runDir, e.file!)).mode & 0o077).toBe(0);
    });
  },
);
