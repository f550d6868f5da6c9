// The host-firewall logging checks against real rulesets loaded into the kernel: each ruleset goes into a throwaway
// network namespace (`unshare -n`, gone with its rules when the shell exits; the host ruleset is never touched),
// the catalog's own probe commands (`nft -j list ruleset`, iptables-save) run inside it, and their output goes
// through the parser and the two checks. A good ruleset passes; traps (an unlogged drop, an unlogged drop policy, an
// SSH accept without a log) fail. iptables-nft LOG rules are read from iptables-save (nft -j shows them only as xt).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { evaluateCheck } from '../../src/checks/evaluate.js';
import type { ProbeResult } from '../../src/transport/types.js';

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN for unshare -n)';
  for (const tool of ['nft', 'iptables-save', 'unshare', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install nftables iptables iproute2)`;
  }
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return 'unshare -n is not permitted here';
  return undefined;
}
const SKIP = skipReason();
if (SKIP) console.warn(`[netfilter integration] skipped: ${SKIP}`);

const catalog = loadCatalog();
const dir = mkdtempSync(join(tmpdir(), 'socready-nft-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { targetId: 'sensor-fw', kind: 'linux' as const };

/** Loads a ruleset in a fresh netns and runs the catalog probes there, exactly as the local transport runs them. */
function collectIn(name: string, load: string): Record<string, ProbeResult> {
  const script = join(dir, `${name}.sh`);
  const out: Record<string, ProbeResult> = {};
  for (const id of ['nft-ruleset', 'iptables-save']) {
    writeFileSync(script, `set -e\nip link set lo up\n${load}\nset +e\n${catalog.probes.get(id)!.command!}\n`);
    const r = spawnSync('unshare', ['-n', 'sh', script], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (r.status !== 0) throw new Error(`${name}/${id}: exit ${r.status}: ${r.stderr}`);
    out[id] = { stdout: r.stdout, stderr: r.stderr, exitCode: r.status, truncated: false, durationMs: 1 };
  }
  return out;
}

function nftFile(name: string, body: string): string {
  const file = join(dir, `${name}.nft`);
  writeFileSync(file, `flush ruleset\n${body}\n`);
  return `nft -f ${file}`;
}

function verdicts(outputs: Record<string, ProbeResult>) {
  const check = (id: string) => evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, ctx);
  return { drops: check('linux.firewall.drops-logged'), mgmt: check('linux.firewall.mgmt-accepts-logged') };
}

describe.skipIf(SKIP)('host firewall logging, live rulesets in a throwaway network namespace', () => {
  it('passes an nftables ruleset that logs its drops, its drop policy and new SSH connections', () => {
    const load = nftFile(
      'good',
      `table inet fw {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iif "lo" tcp dport 9999 counter log prefix "fw-drop " drop
    tcp dport { 22, 5986 } ct state new log prefix "fw-mgmt " accept
    limit rate 10/second log prefix "fw-policy-drop "
  }
}`,
    );
    const v = verdicts(collectIn('good', load));
    expect(v.drops.status).toBe('pass');
    expect(v.mgmt.status).toBe('pass');
  });

  it('fails an nftables ruleset whose drop rule and drop policy write nothing, naming the rule', () => {
    const load = nftFile(
      'trap-drops',
      `table inet fw {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    tcp dport 9999 counter drop
    tcp dport 22 log prefix "fw-mgmt " accept
  }
}`,
    );
    const outputs = collectIn('trap-drops', load);
    const v = verdicts(outputs);
    expect(v.drops.status).toBe('fail');
    expect(v.drops.reason).toContain('tcp dport 9999 counter drop');
    expect(v.drops.reason).toContain('policy drop of inet fw input');
    expect(v.mgmt.status).toBe('pass');
  });

  it('fails an SSH accept with no log, and an accept-all input policy that lets RDP in unlogged', () => {
    const load = nftFile(
      'trap-mgmt',
      `table inet fw {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport 23 log prefix "fw-drop " drop
    tcp dport 22 accept
  }
}`,
    );
    const v = verdicts(collectIn('trap-mgmt', load));
    expect(v.drops.status).toBe('pass');
    expect(v.mgmt.status).toBe('fail');
  });

  it('reads iptables-nft LOG rules from iptables-save: LOG before DROP passes, DROP alone fails', () => {
    const good = `iptables -A INPUT -p tcp --dport 9998 -j LOG --log-prefix "fw-drop "
iptables -A INPUT -p tcp --dport 9998 -j DROP
iptables -A INPUT -p tcp --dport 22 -j LOG --log-prefix "fw-mgmt "
iptables -A INPUT -p tcp --dport 22 -j ACCEPT
iptables -P INPUT DROP
iptables -A INPUT -j LOG --log-prefix "fw-policy-drop "`;
    const outputs = collectIn('ipt-good', good);
    // The nft view of the same rules carries the LOG only as an xt expression: iptables-save is what was read.
    expect(outputs['nft-ruleset']!.stdout).toContain('"xt"');
    expect(outputs['iptables-save']!.stdout).toContain('--log-prefix "fw-drop "');
    const v = verdicts(outputs);
    expect(v.drops.status).toBe('pass');
    expect(v.mgmt.status).toBe('pass');

    const trap = `iptables -A INPUT -p tcp --dport 9998 -j DROP
iptables -A INPUT -p tcp --dport 3389 -j ACCEPT
iptables -P INPUT DROP`;
    const t = verdicts(collectIn('ipt-trap', trap));
    expect(t.drops.status).toBe('fail');
    expect(t.mgmt.status).toBe('fail');
  });

  it('is not applicable where the namespace has no ruleset at all', () => {
    const v = verdicts(collectIn('empty', 'true'));
    expect(v.drops.status).toBe('not-applicable');
  });
});
