// One host-key policy for every target kind that opens SSH: a linux host, the host a web target names in `web.host`,
// and PowerShell over SSH to Windows. Each is opened through its real entry point against the same throwaway sshd and
// must trust or refuse the server's key the same way: pin, known_hosts fallback (~/.ssh/known_hosts in a real run),
// refusal of an unknown key, trust on first use with its notice, and never a changed key even with TOFU.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { openSource } from '../../src/collect/open-source.js';
import type { Target, TransportError } from '../../src/model.js';
import type { HostKeyOptions } from '../../src/transport/open.js';
import { type SshdHandle, startSshd } from '../helpers/sshd.js';
import { assessWeb } from '../helpers/web-assess.js';

const isRoot = process.getuid?.() === 0;
let sshd: SshdHandle;
let work: string;
let knownHosts: string;
let emptyKnownHosts: string;
const catalog = loadCatalog();
const WRONG_PIN = `SHA256:${'A'.repeat(43)}`;

function sshTarget(id: string, kind: Target['kind'], pin: string | undefined): Target {
  return {
    id,
    kind,
    address: '127.0.0.1',
    port: sshd.port,
    tags: [],
    transport: 'ssh',
    ssh: { user: sshd.user, key: sshd.clientKeyPath, ...(pin ? { host_key: pin } : {}) },
  };
}

/** Opens the SSH connection of one target kind through the path a scan uses and returns its failure, if any. */
type Opener = (pin: string | undefined, policy: HostKeyOptions) => Promise<TransportError | undefined>;

const openers: Record<string, Opener> = {
  'linux host (ssh)': async (pin, policy) => {
    const source = openSource(sshTarget('lin', 'linux', pin), policy);
    if ('unsupported' in source) throw new Error(source.unsupported);
    try {
      return await source.open();
    } finally {
      await source.close();
    }
  },
  'web target through its web.host': async (pin, policy) => {
    const host = sshTarget('web-host', 'linux', pin);
    const web: Target = {
      id: 'shop',
      kind: 'web',
      address: '127.0.0.1',
      tags: [],
      transport: 'http',
      web: { urls: ['http://127.0.0.1:9/'], server: 'nginx', host: 'web-host' },
    };
    // The scan's factory opens the host's SSH transport with the run's policy; the web source records its failure.
    const a = await assessWeb(web, { targets: [host, web], active: false, runId: 'r', catalog, hostKeys: policy });
    return a.result.error;
  },
  'windows over PowerShell over SSH': async (pin, policy) => {
    const target: Target = { ...sshTarget('win', 'windows', pin), transport: 'powershell', winrm: { over_ssh: true } };
    const source = openSource(target, policy);
    if ('unsupported' in source) throw new Error(source.unsupported);
    try {
      return await source.open();
    } finally {
      await source.close();
    }
  },
};

beforeAll(async () => {
  if (!isRoot) return;
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'socready-hostkey-policy-'));
  knownHosts = join(work, 'known_hosts');
  emptyKnownHosts = join(work, 'empty_known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  writeFileSync(emptyKnownHosts, '');
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('one host-key policy for every target kind that opens SSH (needs root for sshd)', () => {
  for (const [kind, open] of Object.entries(openers)) {
    describe(kind, () => {
      it('trusts the pinned key and refuses a wrong pin, showing the presented fingerprint', async () => {
        expect(await open(sshd.hostKeyFingerprint, { knownHostsFallback: emptyKnownHosts })).toBeUndefined();
        const refused = await open(WRONG_PIN, { knownHostsFallback: knownHosts });
        expect(refused?.kind).toBe('host-key-mismatch');
        expect(refused?.message).toContain(sshd.hostKeyFingerprint);
      });

      it('falls back to the known_hosts file (~/.ssh/known_hosts in a run) when the target pins nothing', async () => {
        expect(await open(undefined, { knownHostsFallback: knownHosts })).toBeUndefined();
      });

      it('refuses an unknown key without trust on first use', async () => {
        const refused = await open(undefined, { knownHostsFallback: emptyKnownHosts });
        expect(refused?.kind).toBe('host-key-unknown');
        expect(refused?.message).toContain(sshd.hostKeyFingerprint);
      });

      it('accepts an unknown key on first use and announces its fingerprint, but never a changed one', async () => {
        const notices: string[] = [];
        const policy: HostKeyOptions = {
          trustOnFirstUse: true,
          knownHostsFallback: emptyKnownHosts,
          onTofu: (_id, fp) => notices.push(fp),
        };
        expect(await open(undefined, policy)).toBeUndefined();
        expect(notices).toEqual([sshd.hostKeyFingerprint]);
        const changed = await open(WRONG_PIN, { ...policy, onTofu: () => notices.push('again') });
        expect(changed?.kind).toBe('host-key-mismatch');
        expect(notices).toEqual([sshd.hostKeyFingerprint]);
      });
    });
  }
});
