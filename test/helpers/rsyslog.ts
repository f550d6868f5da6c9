// A real rsyslog pair on loopback (../shared/RECIPES.md §11): a sender with imuxsock on a private socket (never the
// system /dev/log) forwarding over TCP to a collector, each an ordinary `rsyslogd -n` with its own config, pidfile and
// work directory. The sender also keeps a local copy, as a host's /var/log/syslog would.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RsyslogPair {
  dir: string;
  socket: string;
  senderLocal: string;
  collectorLog: string;
  senderConf: string;
  collectorConf: string;
  stop(): Promise<void>;
}

export const rsyslogAvailable = (() => {
  try {
    execFileSync('rsyslogd', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts the pair; `wrongPort` simulates a broken forwarding config; `files` are application log files the sender
 * also reads (imfile, as a host ships a database's audit file) and forwards with the given tag.
 */
export async function startRsyslogPair(
  o: { senderMax?: string; collectorMax?: string; wrongPort?: boolean; files?: { path: string; tag: string }[] } = {},
): Promise<RsyslogPair> {
  const dir = mkdtempSync(join(tmpdir(), 'socready-rsyslog-'));
  for (const d of ['collector/work', 'sender/work']) mkdirSync(join(dir, d), { recursive: true });
  const port = await freePort();
  const forwardPort = o.wrongPort ? await freePort() : port;
  const global = (side: string, max?: string) =>
    `global(workDirectory="${join(dir, side, 'work')}"${max ? ` maxMessageSize="${max}"` : ''})`;
  const collectorConf = join(dir, 'collector.conf');
  const senderConf = join(dir, 'sender.conf');
  const collectorLog = join(dir, 'collector', 'remote.log');
  const senderLocal = join(dir, 'sender', 'local.log');
  const socket = join(dir, 'sender', 'log.sock');
  writeFileSync(
    collectorConf,
    `${global('collector', o.collectorMax)}
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${port}")
*.* action(type="omfile" file="${collectorLog}")
`,
  );
  // Application log files the sender also ships (imfile), as a host ships a database's audit file.
  const imfile = o.files?.length
    ? `module(load="imfile")\n${o.files
        .map((f) => `input(type="imfile" File="${f.path}" Tag="${f.tag}" Facility="local0")\n`)
        .join('')}`
    : '';
  writeFileSync(
    senderConf,
    `${global('sender', o.senderMax)}
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${socket}" CreatePath="on")
${imfile}*.* action(type="omfile" file="${senderLocal}")
*.* action(type="omfwd" target="127.0.0.1" port="${forwardPort}" protocol="tcp" queue.type="LinkedList" ` +
      `queue.filename="fwdq" action.resumeRetryCount="-1")
`,
  );
  const start = (conf: string, side: string): ChildProcess =>
    spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, side, 'rsyslogd.pid')], { stdio: 'ignore' });
  const collector = start(collectorConf, 'collector');
  const sender = start(senderConf, 'sender');
  await waitFor(() => existsSync(socket), 10_000, 'the sender socket');
  // The collector file appears with its first message; create it so the canary search reads an empty file, not none.
  writeFileSync(collectorLog, '', { flag: 'a' });
  const stopOne = async (p: ChildProcess) => {
    if (p.exitCode !== null || p.pid === undefined) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null) p.kill('SIGKILL');
  };
  return {
    dir,
    socket,
    senderLocal,
    collectorLog,
    senderConf,
    collectorConf,
    async stop() {
      await stopOne(sender);
      await stopOne(collector);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
