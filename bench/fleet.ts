// Fleet benchmark (issues 2 and 20): N inventory targets, all pointing at one throwaway loopback sshd, scanned under a
// host concurrency bound; and scan --evidence over generated evidence files. Every run prints hosts/s, wall time, CPU
// time and peak RSS, with the load average before and after (the figures swing with other work on the machine).
//   npx tsx bench/fleet.ts [--max 100] [--concurrency 16] [--direct-only | --scan-only | --evidence-only]
//                          [--ssh-sizes 1,10,100,1000] [--evidence-sizes 500,1000,2500,5000] [--no-evidence]
//   quick run: npx tsx bench/fleet.ts --max 10 --ssh-sizes 1,10 --evidence-sizes 50
// Part A drives the ssh transport directly with ~25 realistic read-only Linux probes per host (transport cost only).
// Part B runs the real pipeline: the built CLI's `scan -i <inventory> --hosts-only --no-html` in a child process, one
// per size, over an inventory of that many distinct target ids that all reach 127.0.0.1 with the pinned host key.
// Part C replays generated evidence files (scan --evidence, the built CLI in a child process) at growing estate sizes,
// then reads the run's report.json back (socready report -f md) to show the scan's own output stays readable.
// Parts B and C need a build. Parts A and B need root (the helper creates a throwaway user and starts /usr/sbin/sshd).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evidenceFolder, evidenceSample } from './hostile-inputs.js';
import { runMeasured } from './measure.js';
import type { Target } from '../src/model.js';
import { createSshTransport } from '../src/transport/ssh.js';
import { startSshd, type SshdHandle } from '../test/helpers/sshd.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const MAX = value('--max', 100);
const CONCURRENCY = value('--concurrency', 16);
const SIZES = [...new Set([1, 10, 50, MAX].filter((n) => n <= MAX))];
const sizes = (name: string, def: string) => {
  const i = args.indexOf(name);
  return (i >= 0 ? args[i + 1]! : def).split(',').map(Number);
};
const SSH_SIZES = sizes('--ssh-sizes', '1,10,100,1000');
const EVIDENCE_SIZES = sizes('--evidence-sizes', '500,1000,2500,5000');
const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
// Other work on the machine skews every figure: print the load next to them.
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const COMMANDS = [
  'auditctl -s',
  'auditctl -l',
  'cat /proc/cmdline',
  'augenrules --check',
  'systemctl is-active auditd rsyslog syslog-ng systemd-journal-upload',
  'systemctl is-enabled auditd',
  'ss -tn',
  'ss -tlnu',
  'timedatectl show',
  'chronyc -n tracking',
  'uname -a',
  'id',
  'ps -eo pid,user,comm',
  'ls -la /etc/audit/rules.d',
  'find /etc/rsyslog.d /etc/syslog-ng -maxdepth 2 -type f',
];
const FILES: { path: string; tail?: boolean }[] = [
  { path: '/etc/audit/auditd.conf' },
  { path: '/etc/rsyslog.conf' },
  { path: '/etc/ssh/sshd_config' },
  { path: '/etc/os-release' },
  { path: '/etc/passwd' },
  { path: '/etc/audit/audit.rules' },
  { path: '/var/log/auth.log', tail: true },
  { path: '/etc/systemd/journal-upload.conf' },
  { path: '/etc/audit/plugins.d/au-remote.conf' },
  { path: '/etc/ld.so.preload' },
];

function targets(sshd: SshdHandle, n: number): Target[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `host-${String(i + 1).padStart(3, '0')}`,
    kind: 'linux' as const,
    address: '127.0.0.1',
    port: sshd.port,
    tags: ['bench'],
    transport: 'ssh' as const,
    ssh: { user: sshd.user, key: sshd.clientKeyPath, host_key: sshd.hostKeyFingerprint },
  }));
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);

async function direct(sshd: SshdHandle, n: number): Promise<{ ms: number; probes: number; failures: number }> {
  let probes = 0;
  let failures = 0;
  const started = performance.now();
  await pool(targets(sshd, n), CONCURRENCY, async (target) => {
    const t = createSshTransport(target, {});
    const err = await t.open();
    if (err) {
      failures++;
      return;
    }
    const results = await Promise.all([
      ...COMMANDS.map((c) => t.run(c, { timeoutMs: 10_000 })),
      ...FILES.map((f) => t.readFile(f.path, { timeoutMs: 10_000, maxBytes: 256 * 1024, tail: f.tail ?? false })),
    ]);
    await t.describe();
    probes += results.length + 1;
    failures += results.filter((r) => r.error && !['not-found', 'permission-denied'].includes(r.error.kind)).length;
    await t.close();
  });
  return { ms: performance.now() - started, probes, failures };
}

/** B. One `socready scan` child process over an inventory of n targets on the loopback sshd. */
async function viaScan(sshd: SshdHandle, n: number, dir: string) {
  const inventory = join(dir, `inventory-${n}.yaml`);
  // JSON is YAML: the inventory file as a user would write it, with the pinned host key.
  writeFileSync(inventory, JSON.stringify({ version: 1, organization: 'bench', targets: targets(sshd, n) }));
  const out = join(dir, `out-${n}`);
  const args = [CLI, 'scan', '-i', inventory, '-o', out, '--hosts-only', '--no-html', '--json'];
  const r = await runMeasured(process.execPath, [...args, '--concurrency', String(CONCURRENCY)], { keepStdout: true });
  let summary: { targets?: { status: string }[]; findings?: Record<string, number> } = {};
  try {
    summary = JSON.parse(r.stdout);
  } catch {
    console.log(`runScan N=${n}: exit ${r.code}: ${r.stderr.slice(0, 400)}`);
  }
  const findings = Object.values(summary.findings ?? {}).reduce((a, b) => a + b, 0);
  const notOk = (summary.targets ?? []).filter((t) => t.status !== 'ok' && t.status !== 'partial').length;
  rmSync(out, { recursive: true, force: true });
  return { ms: r.seconds * 1000, code: r.code, cpuChild: r.cpuSeconds, peakMb: r.peakMb, findings, notOk };
}

/**
 * CPU seconds spent so far by this process and by the sshd side (the master sshd's reaped children: per-connection
 * sshd, shell workers, probes). Wall time on a shared machine swings with other load; CPU time per host does not.
 */
function cpuSeconds(sshd: SshdHandle): { node: number; sshd: number } {
  const u = process.cpuUsage();
  let remote = 0;
  try {
    const pid = readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // fields[11..14] = utime stime cutime cstime (stat fields 14..17), in clock ticks of 1/100 s.
    remote = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    remote = Number.NaN;
  }
  return { node: (u.user + u.system) / 1e6, sshd: remote };
}

async function measured<T extends { ms: number }>(
  sshd: SshdHandle,
  fn: () => Promise<T>,
): Promise<T & { cpu: string }> {
  const before = cpuSeconds(sshd);
  const r = await fn();
  const after = cpuSeconds(sshd);
  // A child-process run reports its own CPU (cpuChild); the bench process's share is then only the waiting.
  const node = after.node - before.node + ((r as { cpuChild?: number }).cpuChild ?? 0);
  const remote = after.sshd - before.sshd;
  const cores = 2;
  return {
    ...r,
    cpu:
      `cpu: socready ${node.toFixed(1)} s + sshd/probes ${remote.toFixed(1)} s (idle ${cores}-core floor ` +
      `~${((node + remote) / cores).toFixed(1)} s)`,
  };
}

function line(label: string, n: number, ms: number, extra: string): void {
  console.log(
    `${label.padEnd(8)} N=${String(n).padStart(3)}  wall ${(ms / 1000).toFixed(2).padStart(6)} s  ` +
      `${(n / (ms / 1000)).toFixed(1).padStart(6)} hosts/s  ${extra}`,
  );
}

/** C. Evidence replay: scan --evidence over n generated files of this machine's evidence, per size. */
async function evidenceReplay(): Promise<void> {
  const cli = CLI;
  if (!existsSync(cli)) {
    console.log(`\nC. evidence replay skipped: ${cli} not found (npm run build)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'socready-bench-evidence-'));
  console.log('\nC. evidence replay: scan --evidence --hosts-only --no-html (built CLI, child process)');
  try {
    const sample = evidenceSample(dir, cli);
    for (const n of EVIDENCE_SIZES) {
      const folder = evidenceFolder(dir, n, sample);
      const out = join(dir, 'out');
      const before = load();
      const r = await runMeasured(process.execPath, [
        cli,
        'scan',
        '--evidence',
        folder,
        '-o',
        out,
        '--hosts-only',
        '--no-html',
        '--json',
      ]);
      console.log(
        `evidence N=${String(n).padStart(5)}  exit ${r.code}  wall ${r.seconds.toFixed(1).padStart(6)} s  ` +
          `${(n / r.seconds).toFixed(1).padStart(6)} hosts/s  cpu ${r.cpuSeconds.toFixed(1)} s ` +
          `(${(n / r.cpuSeconds).toFixed(1)} hosts per cpu-second)  peak RSS ${r.peakMb.toFixed(0)} MiB  ` +
          `load ${before} -> ${load()}`,
      );
      if (r.code !== 0) console.log(`  ${r.stderr.slice(0, 400)}`);
      const runs = existsSync(out) ? readdirSync(out) : [];
      const json = runs.length === 1 ? join(out, runs[0]!, 'report.json') : undefined;
      if (json && existsSync(json)) {
        const back = await runMeasured(process.execPath, [cli, 'report', json, '-f', 'md', '-o', join(dir, 'r.md')]);
        console.log(
          `  report.json ${(statSync(json).size / 1048576).toFixed(0)} MiB; read back (report -f md): exit ` +
            `${back.code}, wall ${back.seconds.toFixed(1)} s, peak RSS ${back.peakMb.toFixed(0)} MiB` +
            (back.code === 0 ? '' : `: ${back.stderr.trim().slice(0, 300)}`),
        );
      }
      rmSync(folder, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!flag('--no-evidence') && !flag('--direct-only') && !flag('--scan-only')) await evidenceReplay();
  if (flag('--evidence-only')) return;
  const sshd = await startSshd();
  const out = mkdtempSync(join(tmpdir(), 'socready-bench-'));
  console.log(`load average before: ${load()}`);
  console.log(
    `fleet benchmark: one loopback sshd on port ${sshd.port}, user ${sshd.user} (/bin/sh), host concurrency ` +
      `${CONCURRENCY}, 4 channels per host`,
  );
  try {
    if (!flag('--scan-only')) {
      console.log(
        `\nA. ssh transport directly: ${COMMANDS.length} commands + ${FILES.length} file reads + describe per host`,
      );
      await direct(sshd, 1); // warm-up: module load, first key parse
      const times = new Map<number, number>();
      for (const n of SIZES) {
        const r = await measured(sshd, () => direct(sshd, n));
        times.set(n, r.ms);
        line('direct', n, r.ms, `${r.probes} probes, ${r.failures} transport failures; ${r.cpu}`);
      }
      console.log(`direct   ratio T(${MAX})/T(1) = ${(times.get(MAX)! / times.get(1)!).toFixed(2)}`);
    }
    if (!flag('--direct-only')) {
      console.log(
        '\nB. full pipeline: built CLI, scan -i <n targets> --hosts-only --no-html, one child process per size',
      );
      if (!existsSync(CLI)) console.log(`runScan skipped: ${CLI} not found (npm run build)`);
      else {
        await viaScan(sshd, 1, out); // warm-up: page cache, sshd's first connections
        const times = new Map<number, number>();
        for (const n of SSH_SIZES) {
          const before = load();
          const r = await measured(sshd, () => viaScan(sshd, n, out));
          times.set(n, r.ms);
          line(
            'runScan',
            n,
            r.ms,
            `exit ${r.code}, ${r.findings} findings, ${r.notOk} hosts not ok; peak RSS ` +
              `${r.peakMb.toFixed(0)} MiB; ${r.cpu}; load ${before} -> ${load()}`,
          );
        }
        const [lo, hi] = [Math.min(...SSH_SIZES), Math.max(...SSH_SIZES)];
        console.log(`runScan  ratio T(${hi})/T(${lo}) = ${(times.get(hi)! / times.get(lo)!).toFixed(2)}`);
      }
    }
  } finally {
    clearInterval(sampler);
    await sshd.stop();
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`load average after: ${load()}`);
  const maxRssKb = process.resourceUsage().maxRSS;
  console.log(
    `\npeak memory of this process (part A; B and C print their child's): ` +
      `RSS ${(Math.max(peakRss, maxRssKb * 1024) / 1048576).toFixed(0)} MiB (sampled ` +
      `${(peakRss / 1048576).toFixed(0)} MiB, getrusage ${(maxRssKb / 1024).toFixed(0)} MiB)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 3;
});
