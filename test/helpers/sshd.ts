// A throwaway OpenSSH server on 127.0.0.1 for integration tests and benchmarks: its own config, host key, client key
// and a fresh non-root login user (shell /bin/sh), all removed by stop(). Needs root (useradd, sshd privilege
// separation).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshdOptions {
  /**
   * sudo rule for the test user: 'password' (sudo asks for one, so `sudo -n` fails), 'nopasswd' (read-only probes
   * may run as root), or none. Needs the sudo package.
   */
  sudo?: 'password' | 'nopasswd';
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Set a password for the test user and enable password authentication (value of the password). */
  password?: string;
}

export interface SshdHandle {
  port: number;
  /** "SHA256:..." of the server's ed25519 host key, as ssh-keygen -lf prints it. */
  hostKeyFingerprint: string;
  /** A known_hosts line for [127.0.0.1]:port. */
  knownHostsLine: string;
  clientKeyPath: string;
  user: string;
  dir: string;
  logPath: string;
  stop(): Promise<void>;
}

let counter = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function fingerprintOfPubFile(path: string): string {
  const blob = Buffer.from(readFileSync(path, 'utf8').trim().split(/\s+/)[1]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function startSshd(opts: SshdOptions = {}): Promise<SshdHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'socready-sshd-'));
  chmodSync(dir, 0o755); // the non-root user must traverse it to reach its home and the authorized keys
  // Unique per process and call, short (useradd allows 32), starting with a letter.
  const user = `srt${process.pid.toString(36)}${(counter++).toString(36)}`;
  const home = join(dir, 'home');
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey_ed25519')]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'socready-test',
    '-f',
    join(dir, 'client_ed25519'),
  ]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')), { mode: 0o644 });

  execFileSync('useradd', ['-m', '-d', home, '-s', '/bin/sh', user]);
  if (opts.password !== undefined) {
    execFileSync('chpasswd', [], { input: `${user}:${opts.password}\n` });
  } else {
    execFileSync('usermod', ['-p', '*', user]); // unlocked but no password: key-only login with UsePAM no
  }
  const sudoersFile = `/etc/sudoers.d/socready-test-${user}`;
  if (opts.sudo) {
    const rule = opts.sudo === 'nopasswd' ? `${user} ALL=(ALL) NOPASSWD: ALL\n` : `${user} ALL=(ALL) ALL\n`;
    writeFileSync(sudoersFile, rule, { mode: 0o440 });
    const check = spawnSync('visudo', ['-c', '-f', sudoersFile]);
    if (check.status !== 0) {
      rmSync(sudoersFile, { force: true });
      throw new Error(`sudoers rule rejected: ${check.stderr}`);
    }
  }

  const stopUser = () => {
    rmSync(sudoersFile, { force: true });
    spawnSync('pkill', ['-KILL', '-u', user]);
    spawnSync('userdel', ['-r', '-f', user]);
  };

  const hostKeyFingerprint = fingerprintOfPubFile(join(dir, 'hostkey_ed25519.pub'));
  const hostPub = readFileSync(join(dir, 'hostkey_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'hostkey_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin no',
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${opts.password !== undefined ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'LogLevel VERBOSE',
      'MaxStartups 200:30:400',
      'MaxSessions 50',
      ...(opts.extraConfig ?? []),
    ];
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, `${config.join('\n')}\n`);
    const logPath = join(dir, 'sshd.log');
    const test = spawnSync('/usr/sbin/sshd', ['-t', '-f', configPath]);
    if (test.status !== 0) {
      stopUser();
      throw new Error(`sshd -t failed: ${test.stderr}`);
    }
    // Daemonises; absolute paths so a re-exec never loses its config.
    const started = spawnSync('/usr/sbin/sshd', ['-f', configPath, '-E', logPath]);
    if (started.status !== 0) continue;
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await portAccepts(port);
      if (!up) await sleep(50);
    }
    if (!up) {
      killPidFile(join(dir, 'sshd.pid'));
      continue; // most likely someone took the port between freePort() and bind: try another
    }
    return {
      port,
      hostKeyFingerprint,
      knownHostsLine: `[127.0.0.1]:${port} ${hostPub}`,
      clientKeyPath: join(dir, 'client_ed25519'),
      user,
      dir,
      logPath,
      async stop() {
        killPidFile(join(dir, 'sshd.pid'));
        stopUser();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  stopUser();
  rmSync(dir, { recursive: true, force: true });
  throw new Error('could not start sshd on a free port');
}

function killPidFile(path: string): void {
  if (!existsSync(path)) return;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
