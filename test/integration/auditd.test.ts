// The linux audit probes and parsers against the real kernel audit API of this machine: rules are loaded with
// auditctl, the catalog's own probe commands run through `sh -c`, and their output goes through the parsers. Only one
// process may own the audit configuration at a time, so the whole file holds an exclusive flock on
// /tmp/socready-auditd.lock (the same lock `flock /tmp/socready-auditd.lock <cmd>` takes in a shell) and restores the
// kernel state (no rules, auditing off, the original backlog limit) afterwards. Never loads `-e 2`.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { evaluateCheck } from '../../src/checks/evaluate.js';
import type { ProbeDef } from '../../src/checks/types.js';
import { globCommand } from '../../src/collect/glob.js';
import { linuxParsers } from '../../src/parsers/linux/index.js';
import type { ProbeResult } from '../../src/transport/types.js';
import { acquireAuditLock } from '../helpers/audit-lock.js';

const ctx = { targetId: 'localhost', kind: 'linux' as const };

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root: loading audit rules and starting auditd need CAP_AUDIT_CONTROL';
  for (const tool of ['auditctl', 'auditd', 'flock']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install auditd util-linux)`;
  }
  const s = spawnSync('auditctl', ['-s'], { encoding: 'utf8' });
  if (s.status !== 0) return `the kernel audit API is not available here: ${s.stderr.trim()}`;
  return undefined;
}
const SKIP = skipReason();
if (SKIP) console.warn(`[auditd integration] skipped: ${SKIP}`);

const catalog = loadCatalog();
const probe = (id: string): ProbeDef => {
  const p = catalog.probes.get(id);
  if (!p) throw new Error(`probe ${id} missing from the catalog`);
  return p;
};

/** Runs a catalog command probe exactly as the local transport would: `sh -c` under the C locale. */
function runProbe(id: string): ProbeResult {
  const started = Date.now();
  const r = spawnSync('sh', ['-c', probe(id).command!], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status, truncated: false, durationMs: Date.now() - started };
}

function auditctl(...args: string[]): string {
  return execFileSync('auditctl', args, { encoding: 'utf8' });
}

async function waitFor(what: string, test: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(SKIP)('auditd on this machine (real kernel audit API)', () => {
  let lock: ChildProcess;
  let dir: string;
  let initialBacklog = '64';
  let initialWait = '15000';

  beforeAll(async () => {
    lock = await acquireAuditLock();
    dir = mkdtempSync(join(tmpdir(), 'socready-auditd-'));
    const status = auditctl('-s');
    initialBacklog = /^backlog_limit (\d+)/m.exec(status)?.[1] ?? initialBacklog;
    initialWait = /^backlog_wait_time (\d+)/m.exec(status)?.[1] ?? initialWait;
    auditctl('-D');
  }, 320_000);

  afterAll(() => {
    if (!lock) return;
    try {
      auditctl('-D');
      auditctl('-e', '0');
      auditctl('-b', initialBacklog);
      auditctl('--backlog_wait_time', initialWait);
    } finally {
      lock.stdin?.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('rules loaded with auditctl, read back by the auditctl-rules probe', () => {
    // Both syntaxes, arch pairs where complete, one b64-only topic, one filtered execve rule, a dir= watch.
    const RULES = [
      '-b 8192',
      '-w /etc/passwd -p wa -k identity',
      '-a always,exit -F path=/etc/shadow -F perm=wa -F key=identity',
      '-w /etc/group -p wa -k identity',
      '-a always,exit -F arch=b64 -F path=/etc/gshadow -F perm=wa -k identity',
      '-w /etc/sudoers -p wa -k actions',
      '-a always,exit -F dir=/etc/sudoers.d/ -F perm=wa -F key=actions',
      '-a always,exit -F arch=b64 -S execve -F key=exec',
      '-a always,exit -F arch=b32 -S execve -F auid>=1000 -F auid!=unset -F key=exec',
      '-a always,exit -F arch=b64 -S bpf -k bpf',
      '-a always,exit -F arch=b64 -S memfd_create -k anon_file_create',
      '-a always,exit -F arch=b32 -S memfd_create -k anon_file_create',
      '-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -k modules',
      '-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -k modules',
      '-w /etc/ld.so.preload -p wa -k libpreload',
    ];
    let facts: Record<string, unknown>;
    let coverage: Record<string, { covered: boolean; partial: boolean; missing: string[]; filtered: boolean }>;

    beforeAll(() => {
      const file = join(dir, 'load.rules');
      writeFileSync(file, `${RULES.join('\n')}\n`);
      auditctl('-R', file);
      facts = linuxParsers['auditd-rules']!({ 'auditctl-rules': runProbe('auditctl-rules') }, ctx);
      coverage = facts.coverage as typeof coverage;
    });

    it('reads the kernel rules through the real probe command', () => {
      expect(facts.source).toBe('kernel');
      expect(facts.rule_count).toBe(RULES.length - 1);
      expect(facts.problems).toEqual([]);
    });

    it('sees identity files covered through -w, -F path= and an arch-limited path rule', () => {
      expect(coverage.identity).toMatchObject({ covered: true, missing: [] });
    });

    it('sees sudoers.d covered by the dir= rule that auditctl lists back as -w', () => {
      expect(coverage.sudoers).toMatchObject({ covered: true, missing: [] });
    });

    it('sees execve on both arches but marks it filtered (the b32 rule is auid-limited)', () => {
      expect(coverage.execve).toMatchObject({ covered: true, filtered: true });
    });

    it('names the missing 32-bit bpf rule', () => {
      expect(coverage.bpf).toMatchObject({ covered: false, partial: true, missing: ['bpf (b32)'] });
      expect(coverage.memfd!.covered).toBe(true);
      expect(coverage.modules!.covered).toBe(true);
      expect(coverage.ld_preload!.covered).toBe(true);
      expect(coverage.ptrace).toMatchObject({ covered: false, partial: false });
    });

    it('finds the loaded rules equal to the same rules on disk, and reports one added by hand', () => {
      const root = join(dir, 'root');
      mkdirSync(join(root, 'etc', 'audit', 'rules.d'), { recursive: true });
      writeFileSync(
        join(root, 'etc', 'audit', 'rules.d', '50-test.rules'),
        `## test rules\n-D\n${RULES.join('\n')}\n-e 2\n`,
      );
      const globbed = spawnSync('sh', ['-c', globCommand(probe('audit-rules-d').path!, 1 << 20, root)], {
        encoding: 'utf8',
      });
      const diskProbe: ProbeResult = {
        stdout: globbed.stdout,
        stderr: '',
        exitCode: 0,
        truncated: false,
        durationMs: 1,
      };
      const sync = () =>
        linuxParsers['auditd-rules-sync']!(
          { 'auditctl-rules': runProbe('auditctl-rules'), 'audit-rules-d': diskProbe },
          ctx,
        );
      expect(sync()).toMatchObject({ in_sync: true, only_on_disk: [], only_loaded: [], immutable_on_disk: true });
      auditctl('-a', 'always,exit', '-F', 'arch=b64', '-S', 'ptrace', '-k', 'by_hand');
      expect(sync()).toMatchObject({ in_sync: false, only_loaded: ['-a always,exit arch=b64 -S ptrace key=by_hand'] });
    });

    it('reads the kernel status through the auditctl-status probe', () => {
      auditctl('-e', '1');
      const status = linuxParsers['auditd-kernel-status']!({ 'auditctl-status': runProbe('auditctl-status') }, ctx);
      expect(status).toMatchObject({ available: true, enabled: 1, backlog_limit: 8192 });
      expect(typeof status.lost).toBe('number');
      auditctl('-e', '0');
    });
  });

  describe('auditd started with a private configuration', () => {
    let daemon: ChildProcess | undefined;
    let logFile: string;
    const watched = () => join(dir, 'watched.conf');

    beforeAll(async () => {
      auditctl('-D');
      const conf = join(dir, 'conf');
      mkdirSync(join(conf, 'plugins.d'), { recursive: true });
      logFile = join(dir, 'log', 'audit.log');
      mkdirSync(join(dir, 'log'), { recursive: true });
      const original = readFileSync('/etc/audit/auditd.conf', 'utf8');
      const private_ = original
        .replace(/^log_file\s*=.*$/m, `log_file = ${logFile}`)
        .replace(/^plugin_dir\s*=.*$/m, `plugin_dir = ${join(conf, 'plugins.d')}`)
        .replace(/^(\w+_action)\s*=.*$/gm, '$1 = ignore');
      writeFileSync(join(conf, 'auditd.conf'), private_, { mode: 0o640 });
      writeFileSync(watched(), 'x\n');
      daemon = spawn('auditd', ['-n', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      await waitFor('auditd to register with the kernel', () => /^pid [1-9]\d*/m.test(auditctl('-s')));
      auditctl('-w', watched(), '-p', 'wa', '-k', 'socready_it');
    }, 30_000);

    afterAll(async () => {
      if (daemon && daemon.exitCode === null) {
        const exited = new Promise((r) => daemon!.once('exit', r));
        daemon.kill('SIGTERM');
        await exited;
      }
      auditctl('-D');
      auditctl('-e', '0');
    });

    it('reports auditd running: the kernel pid is the daemon we started and the process table shows it', () => {
      const status = runProbe('auditctl-status');
      const service = runProbe('service-state');
      expect(service.stdout).toMatch(/^proc auditd$/m);
      const facts = linuxParsers['auditd-service']!({ 'service-state': service, 'auditctl-status': status }, ctx);
      expect(facts).toMatchObject({ installed: true, running: true, kernel_pid: daemon!.pid });
    });

    it('has the daemon enable kernel auditing, so the enabled check passes on real evidence', () => {
      const check = catalog.checks.find((c) => c.id === 'linux.auditd.kernel-enabled')!;
      const finding = evaluateCheck(check, { 'auditctl-status': runProbe('auditctl-status') }, ctx);
      expect(finding.status).toBe('pass');
      expect(finding.observed).toEqual({ enabled: 1 });
    });

    it('records a write to a watched file under the rule key in its private log', async () => {
      writeFileSync(watched(), 'changed\n', { flag: 'a' });
      await waitFor('the audit record in the private log', () => {
        try {
          return readFileSync(logFile, 'utf8').includes('key="socready_it"');
        } catch {
          return false;
        }
      });
    });

    it('reports auditd stopped once the daemon exits', async () => {
      const exited = new Promise((r) => daemon!.once('exit', r));
      daemon!.kill('SIGTERM');
      await exited;
      await waitFor('the kernel to forget the daemon', () => /^pid 0$/m.test(auditctl('-s')));
      const facts = linuxParsers['auditd-service']!(
        { 'service-state': runProbe('service-state'), 'auditctl-status': runProbe('auditctl-status') },
        ctx,
      );
      expect(facts).toMatchObject({ installed: true, running: false, kernel_pid: 0 });
    });
  });
});
