// Real Squid with ssl_bump on loopback, a throwaway interception CA and an HTTPS origin made by the test; the
// configuration read over SSH (squid -k parse), the TLS handshake made through the proxy as a client would.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.js';
import { freePort, makeCerts, makeSelfSignedCa, makeTree, removeTree, startSquid } from '../fixtures/web/servers.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';
import { assessWeb } from '../helpers/web-assess.js';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('Squid ssl_bump assessed over SSH', () => {
  let sshd: SshdHandle;
  let certDir: string;
  let origin: Server;
  let originPort: number;

  beforeAll(async () => {
    sshd = await startSshd({ sudo: 'nopasswd' });
    certDir = mkdtempSync(join(tmpdir(), 'socready-squid-certs-'));
    const certs = makeCerts(certDir);
    originPort = await freePort();
    origin = createServer({ cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey) }, (_req, res) =>
      res.end('origin\n'),
    );
    await new Promise<void>((r) => origin.listen(originPort, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
    await sshd?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  async function assess(variant: 'bump' | 'splice', start: boolean) {
    const tree = await makeTree('squid', variant, ['PORT']);
    // The interception CA (certificate + key in one PEM, as Squid's tls-cert= wants it).
    const ssl = join(tree.root, 'ssl');
    makeSelfSignedCa(join(ssl, 'ca.key'), join(ssl, 'ca.crt'), 'socready-bump-ca');
    writeFileSync(
      join(ssl, 'ca.pem'),
      readFileSync(join(ssl, 'ca.crt'), 'utf8') + readFileSync(join(ssl, 'ca.key'), 'utf8'),
    );
    const host: Target = {
      id: 'proxy-host',
      kind: 'linux',
      address: '127.0.0.1',
      port: sshd.port,
      tags: [],
      transport: 'ssh',
      ssh: { user: sshd.user, key: sshd.clientKeyPath, host_key: sshd.hostKeyFingerprint, sudo: true },
    };
    const daemon = start ? await startSquid(tree) : undefined;
    try {
      const target: Target = {
        id: `squid-${variant}`,
        kind: 'web',
        address: '127.0.0.1',
        port: tree.ports.PORT,
        tags: [],
        transport: 'local',
        web: {
          urls: [`https://127.0.0.1:${originPort}/`],
          server: 'squid',
          host: 'proxy-host',
          config_path: tree.config,
        },
      };
      return await assessWeb(target, {
        targets: [host, target],
        active: true,
        runId: 'sq',
        live: { timeoutMs: 15_000 },
      });
    } finally {
      await daemon?.stop();
      removeTree(tree);
    }
  }

  it('ssl_bump bump: decrypting proxy, the client sees a certificate issued by the interception CA', async () => {
    const a = await assess('bump', true);
    expect(a.findings.find((f) => f.check === 'web.tls.squid-ssl-bump')?.status).toBe('pass');
    expect(a.details.tls[0]).toMatchObject({ ok: true, owner: 'interception-ca' });
    expect(a.details.tls[0]!.leaf!.issuer).toBe('CN=socready-bump-ca');
    expect(a.findings.find((f) => f.check === 'web.tls.inspection-point')?.status).toBe('pass');
    // Active probes are never sent through a forward proxy.
    expect(a.details.probes).toEqual([]);
    expect(a.details.notes.some((n) => /forward proxy/.test(n.en))).toBe(true);
  });

  it('peek/splice only: the proxy relays TLS untouched, so nothing of the request is visible', async () => {
    const a = await assess('splice', false);
    const f = a.findings.find((x) => x.check === 'web.tls.squid-ssl-bump')!;
    expect(f.status).toBe('fail');
    expect(f.observed).toMatchObject({ decrypts: false });
    // No proxy running: the handshake through it fails and is reported, not thrown.
    expect(a.details.tls[0]).toMatchObject({ ok: false });
  });
});
