import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.js';
import { createSshTransport, type SshTransport } from '../../src/transport/ssh.js';
import { type SshdHandle, startSshd } from '../helpers/sshd.js';

let sshd: SshdHandle;
let sudoSshd: SshdHandle;
let rootSshd: SshdHandle;
let work: string;
const open: SshTransport[] = [];

function target(over: Partial<NonNullable<Target['ssh']>> = {}, port?: number): Target {
  return {
    id: 'web-01',
    kind: 'linux',
    address: '127.0.0.1',
    port: port ?? sshd.port,
    tags: [],
    transport: 'ssh',
    ssh: { user: sshd.user, key: sshd.clientKeyPath, host_key: sshd.hostKeyFingerprint, ...over },
  };
}

function transport(t: Target, opts: Parameters<typeof createSshTransport>[1] = {}): SshTransport {
  const tr = createSshTransport(t, { env: {}, ...opts });
  open.push(tr);
  return tr;
}

beforeAll(async () => {
  [sshd, sudoSshd, rootSshd] = await Promise.all([
    startSshd(),
    startSshd({ sudo: 'password' }),
    startSshd({ sudo: 'nopasswd' }),
  ]);
  work = mkdtempSync(join(tmpdir(), 'socready-ssh-test-'));
  chmodSync(work, 0o755);
});

afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
  await Promise.all([sshd?.stop(), sudoSshd?.stop(), rootSshd?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ssh transport against a throwaway sshd', () => {
  it('runs commands as the configured user and keeps exit codes and stderr uninterpreted', async () => {
    const t = transport(target());
    expect(await t.open()).toBeUndefined();
    expect(t.presentedHostKey).toBe(sshd.hostKeyFingerprint);
    expect(t.hostKeyTrust).toBe('pin');
    const r = await t.run('id -un; echo oops >&2; exit 3');
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe(sshd.user);
    expect(r.stderr.trim()).toBe('oops');
    expect(r.exitCode).toBe(3);
  });

  it('runs probes in a POSIX sh under the C locale, with shell syntax passed through intact', async () => {
    const t = transport(target());
    const r = await t.run(`printf '%s|' "$LC_ALL" 'it'"'"'s' "a b"; echo $((2+3))`);
    expect(r.stdout).toBe("C|it's|a b|5\n");
  });

  it('multiplexes many commands over one connection beyond the channel limit', async () => {
    const t = transport(target(), { maxChannels: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.run(`echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    // sshd logs one accepted login per connection.
    const { readFileSync } = await import('node:fs');
    const logins = readFileSync(sshd.logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('Accepted publickey') && l.includes(sshd.user));
    expect(logins.length).toBeGreaterThan(0);
  });

  it('reads files, maps a missing file to not-found and an unreadable one to permission-denied', async () => {
    const t = transport(target());
    const file = join(work, "name with 'quote' $x.txt");
    writeFileSync(file, 'hello\n');
    chmodSync(file, 0o644);
    const ok = await t.readFile(file);
    expect(ok.error).toBeUndefined();
    expect(ok.stdout).toBe('hello\n');
    const missing = await t.readFile(join(work, 'missing.conf'));
    expect(missing.error?.kind).toBe('not-found');
    const secret = join(work, 'secret.conf');
    writeFileSync(secret, 'root only\n');
    chmodSync(secret, 0o600);
    const denied = await t.readFile(secret);
    expect(denied.error?.kind).toBe('permission-denied');
  });

  it('reads the tail of a file under the cap and flags the truncation', async () => {
    const t = transport(target());
    const file = join(work, 'log.txt');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    chmodSync(file, 0o644);
    const r = await t.readFile(file, { tail: true, maxBytes: 20 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.endsWith('line 999\n')).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBe(20);
  });

  it('cuts a command that floods output at the cap and returns what came before', async () => {
    const t = transport(target());
    const r = await t.run('yes flood', { maxBytes: 64 * 1024, timeoutMs: 20_000 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBe(64 * 1024);
    expect(r.stdout.startsWith('flood\nflood\n')).toBe(true);
    expect(r.error).toBeUndefined();
    // The connection is still usable after the flood was cut.
    expect((await t.run('echo after')).stdout).toBe('after\n');
  });

  it('kills a hanging command at its timeout and reports timeout', async () => {
    const t = transport(target());
    const r = await t.run('echo started; sleep 600', { timeoutMs: 1500 });
    expect(r.error?.kind).toBe('timeout');
    expect(r.stdout).toBe('started\n');
    expect(r.exitCode).toBeNull();
    expect((await t.run('echo alive')).stdout).toBe('alive\n');
  });

  it('keeps non-UTF-8 bytes intact (latin1 decoding, binary flag)', async () => {
    const t = transport(target());
    const r = await t.run(`printf '\\377\\376\\200ok'`);
    expect(r.binary).toBe(true);
    expect(Buffer.from(r.stdout, 'latin1')).toEqual(Buffer.from([0xff, 0xfe, 0x80, 0x6f, 0x6b]));
    const utf8 = await t.run(`printf '監査ログ'`);
    expect(utf8.binary).toBeUndefined();
    expect(utf8.stdout).toBe('監査ログ');
  });

  it('describes the host: platform, hostname, OS and kernel', async () => {
    const t = transport(target());
    const info = await t.describe();
    expect(info.platform).toBe('linux');
    expect(info.hostname).toBeTruthy();
    expect(info.os).toMatch(/\w/);
    expect(info.kernel).toMatch(/^\d+\.\d+/);
  });

  it('refuses a wrong pinned host key and shows the fingerprint the server presented', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const t = transport(target({ host_key: wrong }));
    const err = await t.open();
    expect(err?.kind).toBe('host-key-mismatch');
    expect(err?.message).toContain(sshd.hostKeyFingerprint);
    const r = await t.run('id');
    expect(r.error?.kind).toBe('host-key-mismatch');
  });

  it('refuses an unknown host key without a pin, and accepts it only with trust on first use', async () => {
    const unknown = transport(target({ host_key: undefined }));
    const err = await unknown.open();
    expect(err?.kind).toBe('host-key-unknown');
    expect(err?.message).toContain(sshd.hostKeyFingerprint);

    const tofu = transport(target({ host_key: undefined }), { trustOnFirstUse: true });
    expect(await tofu.open()).toBeUndefined();
    expect(tofu.hostKeyTrust).toBe('tofu');
    expect(tofu.presentedHostKey).toBe(sshd.hostKeyFingerprint);
  });

  it('accepts the host through a known_hosts file and refuses a changed key listed there', async () => {
    const kh = join(work, 'known_hosts');
    writeFileSync(kh, `# test\n${sshd.knownHostsLine}\n`);
    const t = transport(target({ host_key: undefined, known_hosts: kh }));
    expect(await t.open()).toBeUndefined();
    expect(t.hostKeyTrust).toBe('known_hosts');

    // The other sshd's key listed under this port: a changed key.
    const changed = join(work, 'known_hosts_changed');
    writeFileSync(changed, sudoSshd.knownHostsLine.replace(`]:${sudoSshd.port} `, `]:${sshd.port} `) + '\n');
    const c = transport(target({ host_key: undefined, known_hosts: changed }));
    const err = await c.open();
    expect(err?.kind).toBe('host-key-mismatch');
    expect(err?.message).toContain(sshd.hostKeyFingerprint);
  });

  it('reports a closed port as unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const t = transport(target({}, port));
    const err = await t.open();
    expect(err?.kind).toBe('unreachable');
    const r = await t.readFile('/etc/hostname');
    expect(r.error?.kind).toBe('unreachable');
  });

  it('reports a key the server does not accept as auth-failed', async () => {
    const other = join(work, 'other_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const t = transport(target({ key: other }));
    const err = await t.open();
    expect(err?.kind).toBe('auth-failed');
    expect(err?.message).toContain(sshd.user);
  });

  it('reports a missing key file and an unset variable as config errors naming the field', async () => {
    const missing = transport(target({ key: '~/no/such/key_ed25519' }));
    const e1 = await missing.open();
    expect(e1?.kind).toBe('config');
    expect(e1?.message).toContain('ssh.key');
    expect(e1?.message).toContain('~/no/such/key_ed25519');

    const pw = transport(target({ key: undefined, password_env: 'SOCREADY_TEST_NO_SUCH_VAR' }));
    const e2 = await pw.open();
    expect(e2).toEqual({ kind: 'config', message: expect.stringContaining('SOCREADY_TEST_NO_SUCH_VAR') });

    const encrypted = join(work, 'enc_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-passphrase', '-f', encrypted]);
    const enc = transport(target({ key: encrypted }));
    const e3 = await enc.open();
    expect(e3?.kind).toBe('config');
    expect(e3?.message).toContain('passphrase_env');
  });

  it('uses a passphrase-protected key with the passphrase from the named variable', async () => {
    const enc = join(work, 'enc_key2');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pp-123', '-f', enc]);
    const { appendFileSync, readFileSync } = await import('node:fs');
    appendFileSync(join(sshd.dir, 'authorized_keys'), readFileSync(`${enc}.pub`));
    const t = transport(target({ key: enc, passphrase_env: 'SR_PP' }), { env: { SR_PP: 'pp-123' } });
    expect(await t.open()).toBeUndefined();
    expect((await t.run('echo in')).stdout).toBe('in\n');
  });

  it('authenticates with a password from the named variable', async () => {
    const pw = await startSshd({ password: 'Audit-Pass-42' });
    try {
      const t = transport(
        {
          ...target(
            { user: pw.user, key: undefined, host_key: pw.hostKeyFingerprint, password_env: 'SR_TEST_PW' },
            pw.port,
          ),
        },
        { env: { SR_TEST_PW: 'Audit-Pass-42' } },
      );
      expect(await t.open()).toBeUndefined();
      expect((await t.run('id -un')).stdout.trim()).toBe(pw.user);
      const wrong = transport(
        {
          ...target(
            { user: pw.user, key: undefined, host_key: pw.hostKeyFingerprint, password_env: 'SR_TEST_PW' },
            pw.port,
          ),
        },
        { env: { SR_TEST_PW: 'wrong' } },
      );
      expect((await wrong.open())?.kind).toBe('auth-failed');
      await Promise.all([t.close(), wrong.close()]);
    } finally {
      await pw.stop();
    }
  });

  it('authenticates through ssh-agent via SSH_AUTH_SOCK, and names the variable when it is unset', async () => {
    const { spawn, execFileSync } = await import('node:child_process');
    const sock = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        const { existsSync } = await import('node:fs');
        if (existsSync(sock)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      execFileSync('ssh-add', [sshd.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const t = transport(target({ key: undefined, agent: true }), { env: { SSH_AUTH_SOCK: sock } });
      expect(await t.open()).toBeUndefined();
      expect((await t.run('echo via-agent')).stdout).toBe('via-agent\n');
      const none = transport(target({ key: undefined, agent: true }), { env: {} });
      expect(await none.open()).toEqual({ kind: 'config', message: expect.stringContaining('SSH_AUTH_SOCK') });
    } finally {
      agent.kill();
    }
  });

  it('gives up on a port that accepts TCP but never speaks SSH after the connect timeout', async () => {
    const silent = createServer(() => {});
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    try {
      const t = transport(target({ connect_timeout: 1 }, port));
      const err = await t.open();
      expect(err?.kind).toBe('unreachable');
      expect(err?.message).toContain('no SSH handshake within 1 s');
    } finally {
      silent.close();
    }
  });

  it('maps sudo asking for a password to sudo-password-required', async () => {
    const t = transport({
      ...target(
        { user: sudoSshd.user, key: sudoSshd.clientKeyPath, host_key: sudoSshd.hostKeyFingerprint },
        sudoSshd.port,
      ),
    });
    const r = await t.run('id -u', { sudo: true });
    expect(r.error?.kind).toBe('sudo-password-required');
    const f = await t.readFile('/etc/shadow', { sudo: true });
    expect(f.error?.kind).toBe('sudo-password-required');
    // Without sudo the same account still works.
    expect((await t.run('id -un')).stdout.trim()).toBe(sudoSshd.user);
  });

  it(
    'frames each probe exactly on a reused shell: no trailing ' + 'newline, stdin closed, large output intact',
    async () => {
      const t = transport(target(), { maxChannels: 1 });
      expect((await t.run(`printf 'no newline'`)).stdout).toBe('no newline');
      const stdin = await t.run('cat; echo "rc=$?"', { timeoutMs: 5000 });
      expect(stdin.error).toBeUndefined();
      expect(stdin.stdout).toBe('rc=0\n');
      const big = await t.run('head -c 3000000 /dev/zero | tr "\\0" "x"; printf "\\n%s" end', {
        maxBytes: 8 * 1024 * 1024,
      });
      expect(big.truncated).toBe(false);
      expect(big.stdout.length).toBe(3_000_004);
      expect(big.stdout.endsWith('x\nend')).toBe(true);
      // A probe cannot disturb the shell that runs the next one.
      expect((await t.run('exit 3')).exitCode).toBe(3);
      expect((await t.run('cd /')).exitCode).toBe(0);
      expect((await t.run('ls -d /etc')).stdout).toBe('/etc\n');
      expect((await t.run('no-such-command-socready')).exitCode).toBe(127);
      await t.run('exit 7; echo never');
      await t.run("cd /; export LC_ALL=fr_FR; alias ls=false; trap 'echo trapped' EXIT");
      const after = await t.run('pwd; echo "$LC_ALL"');
      expect(after.stdout).toBe(`${sshd.dir}/home\nC\n`);
    },
  );

  it('runs probes as root through sudo -n when the account may', async () => {
    const t = transport(
      target(
        { user: rootSshd.user, key: rootSshd.clientKeyPath, host_key: rootSshd.hostKeyFingerprint },
        rootSshd.port,
      ),
    );
    const r = await t.run('id -u', { sudo: true });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('0\n');
    const shadow = await t.readFile('/etc/shadow', { sudo: true, maxBytes: 1024 });
    expect(shadow.error).toBeUndefined();
    expect(shadow.stdout).toMatch(/^root:/);
    expect((await t.readFile('/etc/shadow')).error?.kind).toBe('permission-denied');
  });

  it('reads below the target rootdir', async () => {
    const root = join(work, 'image');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'hostname'), 'image-host\n');
    const t = transport({ ...target(), rootdir: root });
    const r = await t.readFile('/etc/hostname');
    expect(r.stdout).toBe('image-host\n');
    const climbed = await t.readFile('/../../etc/hostname');
    expect(climbed.stdout).toBe('image-host\n');
  });
});

describe('PowerShell over SSH (the ssh transport carrying the powershell batch)', () => {
  it('sends a short -EncodedCommand bootstrap, the collection script on stdin, and parses the document', async () => {
    const { copyFileSync } = await import('node:fs');
    const { FIXTURES_DIR } = await import('../helpers/paths.js');
    const { createPowerShellTransport } = await import('../../src/transport/powershell.js');
    const { decodeCommand, STDIN_BOOTSTRAP } = await import('../../src/transport/pwsh-script.js');
    // A Windows host cannot run here: the remote "powershell" is the fake, run by the test user through sshd.
    const remoteExe = join(sshd.dir, 'fake-powershell.mjs');
    copyFileSync(join(FIXTURES_DIR, 'pwsh', 'fake-pwsh.mjs'), remoteExe);
    chmodSync(remoteExe, 0o755);
    const file = join(work, "win 'settings'.txt");
    writeFileSync(file, 'ログ設定\n');
    chmodSync(file, 0o644);

    const t = createPowerShellTransport(
      { ...target(), kind: 'windows', transport: 'powershell', winrm: { over_ssh: true } },
      { remoteExecutable: remoteExe, ssh: { env: {} } },
    );
    try {
      const r = await t.runBatch([
        { id: 'settings', script: `Get-Content -LiteralPath '${file.replace(/'/g, "''")}' -Raw -ErrorAction Stop` },
        { id: 'sysmon', script: 'sysmon64 -c' },
      ]);
      expect(t.connection.method).toBe('ssh');
      expect(r.settings!.error).toBeUndefined();
      expect(r.settings!.stdout).toBe('ログ設定\n');
      expect(r.sysmon!.error?.kind).toBe('not-found');
      const argv = t.hostInfo?.argv as string[];
      expect(argv.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
      expect(decodeCommand(argv[3]!)).toBe(STDIN_BOOTSTRAP);
    } finally {
      await t.close();
    }
  });
});
