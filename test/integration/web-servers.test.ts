// Real nginx and apache2 + mod_security2 + CRS on loopback, one config tree per case (well-configured and traps),
// their configuration and logs read through the real SSH transport, the live canary and WAF probes sent for real.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Target } from '../../src/model.js';
import { probeMarker } from '../../src/web/canary.js';
import type { WebAssessment } from '../../src/web/summary.js';
import {
  copyCertsInto,
  type Daemon,
  freePort,
  makeCerts,
  makeTree,
  removeTree,
  startApache,
  startNginx,
  type Tree,
} from '../fixtures/web/servers.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';
import { assessWeb, assessWebTargets } from '../helpers/web-assess.js';

const isRoot = process.getuid?.() === 0;
const PORTS = ['PORT', 'TLSPORT', 'UPSTREAM'];

function status(a: WebAssessment, check: string): Finding['status'] | undefined {
  return a.findings.find((f) => f.check === check)?.status;
}

describe.skipIf(!isRoot)('web servers assessed over SSH (real nginx, apache2 + ModSecurity + CRS)', () => {
  let sshd: SshdHandle;
  let certDir: string;
  let certs: ReturnType<typeof makeCerts>;

  const hostTarget = (sudo: boolean): Target => ({
    id: 'web-host',
    kind: 'linux',
    address: '127.0.0.1',
    port: sshd.port,
    tags: [],
    transport: 'ssh',
    ssh: { user: sshd.user, key: sshd.clientKeyPath, host_key: sshd.hostKeyFingerprint, sudo },
  });

  /** Starts one server from a template, assesses it over SSH, and always stops it and removes its tree. */
  async function assess(
    kind: 'nginx' | 'apache',
    variant: string,
    o: {
      https?: boolean;
      cert?: 'ca' | 'self';
      sudo?: boolean;
      active?: boolean;
      logPaths?: (t: Tree) => string[];
      before?: (t: Tree) => void;
      maxLogBytes?: number;
      /** No web.config_path: socready must find the configuration from the running process. */
      discover?: boolean;
      server?: 'nginx' | 'apache' | 'auto';
    } = {},
  ): Promise<{ a: WebAssessment; tree: Tree }> {
    const tree = await makeTree(kind, variant, PORTS);
    copyCertsInto(tree, certs, o.cert ?? 'ca');
    let daemon: Daemon | undefined;
    try {
      daemon = kind === 'nginx' ? await startNginx(tree) : await startApache(tree);
      o.before?.(tree);
      const urls = [`http://127.0.0.1:${tree.ports.PORT}/`];
      if (o.https) urls.push(`https://127.0.0.1:${tree.ports.TLSPORT}/`);
      const target: Target = {
        id: `${kind}-${variant}`,
        kind: 'web',
        address: '127.0.0.1',
        tags: [],
        transport: 'local',
        web: {
          urls,
          server: o.server ?? kind,
          host: 'web-host',
          ...(o.discover ? {} : { config_path: tree.config }),
          login: { path: '/login', username_field: 'username', password_field: 'password' },
          ...(o.logPaths ? { log_paths: o.logPaths(tree) } : {}),
        },
      };
      // The host is an inventory target: the scan's factory opens its SSH transport with the pinned key.
      const a = await assessWeb(target, {
        targets: [hostTarget(o.sudo ?? true), target],
        active: o.active ?? true,
        runId: 'itest',
        live: {
          logWaitMs: 4000,
          pollMs: 200,
          minIntervalMs: 100,
          tlsCa: readFileSync(certs.caCert, 'utf8'),
          ...(o.maxLogBytes ? { maxLogBytes: o.maxLogBytes } : {}),
        },
      });
      return { a, tree };
    } finally {
      await daemon?.stop();
      removeTree(tree);
    }
  }

  beforeAll(async () => {
    sshd = await startSshd({ sudo: 'nopasswd' });
    certDir = mkdtempSync(join(tmpdir(), 'socready-web-certs-'));
    certs = makeCerts(certDir);
  });

  afterAll(async () => {
    await sshd?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it(
    'nginx well configured: masked JSON body log proven by the canary, TLS terminated here, huge log read by ' +
      'its tail',
    async () => {
      const { a, tree } = await assess('nginx', 'good', {
        https: true,
        maxLogBytes: 256 * 1024,
        // 3 MB of older traffic in front of the canary: only the tail may be read.
        before: (t) => appendFileSync(join(t.root, 'logs', 'body.log'), `${'{"old":"line"}\n'.repeat(200_000)}`),
      });
      expect(status(a, 'web.nginx.request-body-logged')).toBe('pass');
      expect(status(a, 'web.nginx.body-log-json-escape')).toBe('pass');
      expect(status(a, 'web.nginx.body-buffer-size')).toBe('pass');
      expect(status(a, 'web.nginx.real-client-ip')).toBe('pass');
      expect(status(a, 'web.login.credential-stuffing-nginx')).toBe('pass');
      expect(status(a, 'web.tls.nginx-termination')).toBe('pass');
      // The target runs nginx: the Apache checks are not planned at all, and ModSecurity's n/a says what was seen.
      expect(a.findings.filter((f) => f.check.startsWith('web.apache.')).map((f) => f.check)).toEqual([]);
      expect(status(a, 'web.modsecurity.engine-on')).toBe('not-applicable');
      expect(a.findings.find((f) => f.check === 'web.modsecurity.engine-on')!.reason).toBe(
        'does not apply: present = false',
      );
      expect(
        a.findings
          .filter((f) => f.status === 'not-applicable')
          .every((f) => f.reason && !/not installed/.test(f.reason)),
      ).toBe(true);
      expect(status(a, 'web.tls.handshake')).toBe('pass');
      expect(status(a, 'web.tls.certificate-trust')).toBe('pass');
      expect(status(a, 'web.tls.inspection-point')).toBe('pass');
      expect(a.details.tls[0]).toMatchObject({ owner: 'this-server', authorized: true });
      expect(a.details.tls[0]!.leaf).toMatchObject({
        subject: 'CN=good.test',
        issuer: 'CN=socready-test-ca',
        self_signed: false,
      });

      expect(status(a, 'web.active.body-canary')).toBe('pass');
      expect(status(a, 'web.active.canary-password-masked')).toBe('pass');
      const c = a.details.canary[0]!;
      expect(c.marker).toBe(probeMarker('canary', 'itest', 'nginx-good', 1));
      expect(c.found_in).toEqual([join(tree.root, 'logs', 'body.log')]);
      expect(c).toMatchObject({ body_logged: true, username_logged: true, fake_credential: 'masked' });
      expect(c.logs[0]!.hits[0]!.fields).toEqual(['req', 'ua', 'body']);
      expect(c.logs[0]!.truncated).toBe(true);
      expect(c.logs[0]!.bytes_read).toBeLessThanOrEqual(256 * 1024);
      expect(c.first_seen_ms).toBeGreaterThanOrEqual(0);
      // No WAF in front: the SQLi-shaped probe reached the upstream and nothing flagged it.
      expect(status(a, 'web.active.waf-detection')).toBe('fail');
      // Every request is listed with its time and marker, in order.
      expect(a.details.probes.map((p) => p.marker)).toEqual([
        probeMarker('canary', 'itest', 'nginx-good', 1),
        probeMarker('canary', 'itest', 'nginx-good', 1001),
        probeMarker('waf', 'itest', 'nginx-good', 2),
        probeMarker('canary', 'itest', 'nginx-good', 3),
        probeMarker('canary', 'itest', 'nginx-good', 1002),
        probeMarker('waf', 'itest', 'nginx-good', 4),
      ]);
      // client_body_buffer_size 64k: the 20,000-byte body stays in memory and is logged whole, end token included.
      expect(status(a, 'web.active.canary-whole')).toBe('pass');
      expect(a.details.canary_long![0]).toMatchObject({
        body_logged: true,
        long: { sent_bytes: 20_000, whole_in_log: true },
      });
      // Its length-marked field (the body less the form before it) is measured whole in the log.
      const longSent = a.details.canary_long![0]!.long!;
      expect(longSent.sent_chars).toBeGreaterThan(19_000);
      expect(longSent.log_chars).toBe(longSent.sent_chars);
      // No collector or SIEM declared for the host: the arrival check does not apply.
      expect(status(a, 'web.active.canary-arrives')).toBe('not-applicable');
      expect(a.details.probes.every((p) => !Number.isNaN(Date.parse(p.time)))).toBe(true);
      expect(a.evidence.filter((e) => e.kind === 'command').map((e) => e.probe)).toEqual([
        'nginx-config',
        'nginx-modsecurity-files',
        // The cost forecast's log sample: read on the host, never sent to the server (its output is not stored).
        'web-log-sample',
        'web-running-servers',
      ]);
      // Each request and handshake is an evidence record the finding points at.
      expect(a.findings.find((f) => f.check === 'web.active.body-canary')!.evidence).toEqual([
        `nginx-good/${probeMarker('canary', 'itest', 'nginx-good', 1)}`,
        `nginx-good/${probeMarker('canary', 'itest', 'nginx-good', 3)}`,
        `nginx-good/${probeMarker('canary', 'itest', 'nginx-good', 1001)}`,
        `nginx-good/${probeMarker('canary', 'itest', 'nginx-good', 1002)}`,
      ]);
      expect(a.findings.find((f) => f.check === 'web.active.body-canary')!.provides).toEqual([
        { category: 'webserver', fields: ['request_body'] },
      ]);
      expect(a.evidence.filter((e) => e.kind === 'http')).toHaveLength(7);
      expect(JSON.stringify(a)).not.toMatch(/SrFake-[0-9a-f]{12}/);
    },
  );

  it(
    'nginx traps: raw body with the password in clear, a proxied location without body, a body "logged" where ' +
      'never read',
    async () => {
      const { a, tree } = await assess('nginx', 'trap');
      expect(status(a, 'web.nginx.request-body-logged')).toBe('warn');
      // The proxied location without a body log, by file and line of the configuration read.
      expect(a.findings.find((f) => f.check === 'web.nginx.request-body-logged')!.decisive).toEqual([
        {
          file: tree.config,
          line: 25,
          text: expect.stringMatching(/^location \/api \{ proxy_pass; access_log \S+ combined \}$/),
        },
      ]);
      expect(
        a.findings.find((f) => f.check === 'web.nginx.request-body-logged')!.observed![
          'body.reading_locations_missing_body'
        ],
      ).toEqual([expect.stringMatching(/ \/api$/)]);
      expect(status(a, 'web.nginx.body-log-json-escape')).toBe('fail');
      expect(status(a, 'web.nginx.body-buffer-size')).toBe('warn');
      expect(status(a, 'web.nginx.body-logged-without-read')).toBe('warn');
      expect(status(a, 'web.nginx.real-client-ip')).toBe('fail');
      expect(status(a, 'web.login.credential-stuffing-nginx')).toBe('warn');
      // The body reached the log (the canary passes), and the test password went with it in clear: its own failure.
      expect(status(a, 'web.active.body-canary')).toBe('pass');
      expect(status(a, 'web.active.canary-password-masked')).toBe('fail');
      expect(a.findings.find((f) => f.check === 'web.active.canary-password-masked')!.reason).toMatch(
        /test password is in clear text in \S+body\.log/,
      );
      expect(a.details.canary[0]).toMatchObject({ body_logged: true, fake_credential: 'clear' });
      // Default client_body_buffer_size (16k): the 20,000-byte body went to a temporary file, $request_body was empty.
      expect(status(a, 'web.active.canary-whole')).toBe('fail');
      expect(a.findings.find((f) => f.check === 'web.active.canary-whole')!.reason).toMatch(
        /20000-byte body\): the short canary's body was logged but this one's was not: .*client_body_buffer_size/,
      );
      expect(a.details.canary_long![0]).toMatchObject({ request_logged: true, body_logged: false });
      const longHit = a.details.canary_long![0]!.logs.flatMap((l) => l.hits)[0]!;
      expect(longHit.excerpt).toContain(`${probeMarker('canary', 'itest', 'nginx-trap', 1001)}-url`);
      expect(longHit.excerpt).not.toContain('socready_pad');
    },
  );

  it('nginx with only the combined log: the canary proves the request is logged but its body is not', async () => {
    const { a } = await assess('nginx', 'nobody');
    expect(status(a, 'web.nginx.request-body-logged')).toBe('fail');
    expect(status(a, 'web.active.body-canary')).toBe('fail');
    expect(a.details.canary[0]).toMatchObject({ request_logged: true, body_logged: false, fake_credential: 'absent' });
  });

  it(
    'nginx + ModSecurity v3 + CRS: the SQLi probe is blocked and ' + 'audited, but part I leaves the canary body out',
    async () => {
      const { a, tree } = await assess('nginx', 'modsec');
      expect(a.evidence.find((e) => e.probe === 'nginx-modsecurity-files')!.bytes).toBeGreaterThan(1000);
      expect(status(a, 'web.modsecurity.engine-on')).toBe('pass');
      expect(status(a, 'web.modsecurity.crs-installed')).toBe('pass');
      expect(a.findings.find((f) => f.check === 'web.modsecurity.crs-version')!.observed).toMatchObject({
        'crs.version': '3.3.4',
      });
      expect(status(a, 'web.modsecurity.request-body-logged')).toBe('fail');
      expect(status(a, 'web.modsecurity.audit-relevant-status')).toBe('fail');
      expect(status(a, 'web.nginx.request-body-logged')).toBe('fail');
      expect(status(a, 'web.active.waf-detection')).toBe('pass');
      expect(a.details.waf[0]).toMatchObject({ blocked: true, detected: true });
      expect(a.details.waf[0]!.rule_ids).toEqual(expect.arrayContaining(['942100', '949110']));
      expect(a.details.waf[0]!.found_in).toContain(join(tree.root, 'logs', 'modsec_audit.log'));
      // The canary reached the audit log (rule 920350 made it relevant) but without its body: config and reality agree.
      expect(status(a, 'web.active.body-canary')).toBe('fail');
      expect(a.details.canary[0]).toMatchObject({ request_logged: true, body_logged: false });
    },
  );

  it(
    'apache + ModSecurity well configured: engine On, body audited as JSON with the password masked, SQLi ' +
      'probe blocked',
    async () => {
      const { a, tree } = await assess('apache', 'good');
      for (const id of [
        'web.modsecurity.engine-on',
        'web.modsecurity.request-body-logged',
        'web.modsecurity.audit-relevant-status',
        'web.modsecurity.audit-parts',
        'web.modsecurity.audit-json',
        'web.modsecurity.password-masking',
        'web.modsecurity.crs-installed',
        'web.modsecurity.crs-thresholds',
        'web.login.credential-stuffing-modsecurity',
        'web.apache.request-body-source',
        'web.apache.real-client-ip',
        'web.apache.mod-dumpio',
        'web.apache.log-user-agent',
      ]) {
        expect([id, status(a, id)]).toEqual([id, 'pass']);
      }
      expect(status(a, 'web.modsecurity.crs-version')).toBe('warn'); // Debian 12 ships CRS 3.3.4
      expect(status(a, 'web.active.body-canary')).toBe('pass');
      const c = a.details.canary[0]!;
      expect(c.found_in).toContain(join(tree.root, 'logs', 'modsec_audit.log'));
      const audit = c.logs.find((l) => l.path.endsWith('modsec_audit.log'))!.hits[0]!;
      expect(audit).toMatchObject({ format: 'modsec-json', fake_credential: 'masked' });
      expect(status(a, 'web.active.waf-detection')).toBe('pass');
      expect(a.details.waf[0]).toMatchObject({ blocked: true, detected: true });
      expect(a.details.waf[0]!.request.status).toBe(403);
      expect(a.details.waf[0]!.rule_ids).toContain('942100');
    },
  );

  it(
    'apache + ModSecurity traps: DetectionOnly, the RelevantStatus trap, no C/E, thresholds out of reach, ' +
      'mod_dumpio',
    async () => {
      const { a, tree } = await assess('apache', 'trap');
      // Every web finding that did not pass says what was observed and expected, in both languages.
      for (const f of a.findings.filter((x) => x.status === 'fail' || x.status === 'warn')) {
        expect(f.explanation?.observed.en, f.check).toBeTruthy();
        expect(f.explanation?.expected.ja, f.check).toBeTruthy();
      }
      // The RelevantStatus trap points at its directive in the file that was read, and at the canary it explains.
      const trap = a.findings.find((f) => f.check === 'web.modsecurity.audit-relevant-status')!;
      expect(trap.decisive).toContainEqual({
        file: tree.config,
        line: 16,
        text: 'SecAuditLogRelevantStatus ^(?:5|4(?!04))',
      });
      expect(trap.config_read).toEqual({ path: tree.config, how: 'web.config_path in the inventory' });
      expect(trap.related?.map((r) => r.check)).toContain('web.active.body-canary');
      expect(a.findings.find((f) => f.check === 'web.active.body-canary')!.related?.map((r) => r.check)).toContain(
        'web.modsecurity.audit-relevant-status',
      );
      expect(status(a, 'web.modsecurity.engine-on')).toBe('warn');
      expect(status(a, 'web.modsecurity.request-body-logged')).toBe('fail');
      expect(status(a, 'web.modsecurity.audit-relevant-status')).toBe('fail');
      expect(status(a, 'web.modsecurity.audit-parts')).toBe('warn');
      expect(status(a, 'web.modsecurity.audit-json')).toBe('fail');
      expect(status(a, 'web.modsecurity.password-masking')).toBe('not-applicable');
      expect(status(a, 'web.modsecurity.crs-thresholds')).toBe('fail');
      expect(status(a, 'web.apache.mod-dumpio')).toBe('fail');
      expect(status(a, 'web.apache.request-body-source')).toBe('fail');
      // LogFormat common: no user agent in the access log.
      expect(status(a, 'web.apache.log-user-agent')).toBe('fail');
      expect(a.findings.find((f) => f.check === 'web.apache.log-user-agent')!.reason).toMatch(
        /access\.log \(format common, \S+apache\.conf:8\)/,
      );
      expect(status(a, 'web.login.credential-stuffing-modsecurity')).toBe('fail');
      expect(status(a, 'web.active.body-canary')).toBe('fail');
      expect(a.details.canary[0]).toMatchObject({ request_logged: true, body_logged: false });
      // DetectionOnly: CRS flags the probe (942100) but the server answers 404, not 403.
      expect(status(a, 'web.active.waf-detection')).toBe('warn');
      expect(a.details.waf[0]).toMatchObject({ blocked: false, detected: true });
      expect(a.details.waf[0]!.rule_ids).toContain('942100');
    },
  );

  it(
    'nginx started from a temp tree with no config_path: the configuration is found from the master answering ' +
      'the URL',
    async () => {
      const { a, tree } = await assess('nginx', 'good', { discover: true, server: 'auto', active: false });
      const config = a.findings.filter((f) => f.check.startsWith('web.nginx.'));
      expect(config.length).toBeGreaterThan(3);
      for (const f of config) {
        expect(f.config_read?.path, f.check).toBe(tree.config);
        expect(f.config_read?.how, f.check).toMatch(
          new RegExp(
            `^nginx master pid \\d+ was started with -c ${tree.config} -p ${tree.root}; it answers port ` +
              `${tree.ports.PORT} \\(ss -ltnp\\)$`,
          ),
        );
      }
      // The verdicts are those of the running configuration, not of /etc/nginx.
      expect(status(a, 'web.nginx.request-body-logged')).toBe('pass');
      expect(status(a, 'web.login.credential-stuffing-nginx')).toBe('pass');
      // auto: the URL is answered by nginx, so no Apache check is reported, whatever /etc/apache2 holds.
      expect(a.findings.filter((f) => f.check.startsWith('web.apache.'))).toEqual([]);
      expect(a.details.config_read?.path).toBe(tree.config);
      expect(a.evidence.find((e) => e.probe === 'nginx-config')!.what).toMatch(
        new RegExp(`^SOCREADY_WEB_CONFIG='?${tree.config}'?\nSOCREADY_WEB_PREFIX='?${tree.root}'?\nnginx `),
      );
    },
  );

  it(
    'apache + ModSecurity started with -f from a temp tree, no ' + 'config_path: engine On is read from that tree',
    async () => {
      const { a, tree } = await assess('apache', 'good', { discover: true, active: false });
      expect(status(a, 'web.modsecurity.engine-on')).toBe('pass');
      expect(status(a, 'web.apache.log-user-agent')).toBe('pass');
      const f = a.findings.find((x) => x.check === 'web.modsecurity.engine-on')!;
      expect(f.config_read).toMatchObject({
        path: tree.config,
        how: expect.stringMatching(/^Apache parent pid \d+ was started with -f /),
      });
    },
  );

  it(
    'a URL answered by another server than the one declared: no configuration verdict, the reason says who ' +
      'answers',
    async () => {
      const { a, tree } = await assess('nginx', 'good', { discover: true, server: 'apache', active: false });
      const config = a.findings.filter(
        (f) => f.check.startsWith('web.apache.') || f.check.startsWith('web.modsecurity.'),
      );
      expect(config.length).toBeGreaterThan(5);
      for (const f of config) {
        expect([f.check, f.status]).toEqual([f.check, 'inconclusive']);
        expect(f.reason).toMatch(
          new RegExp(
            `^configuration not judged: port ${tree.ports.PORT} is answered by nginx \\(pid \\d+\\), not by ` +
              'the declared apache$',
          ),
        );
        expect(f.observed).toBeUndefined();
      }
    },
  );

  it('a log the audit account cannot read makes the canary inconclusive with the reason', async () => {
    const { a } = await assess('nginx', 'good', {
      sudo: false,
      logPaths: (t) => [join(t.root, 'logs', 'body.log')],
      before: (t) => chmodSync(join(t.root, 'logs', 'body.log'), 0o600),
    });
    const f = a.findings.find((x) => x.check === 'web.active.body-canary')!;
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/body\.log: permission-denied/);
  });

  it('a self-signed certificate is a finding, not a crash', async () => {
    const { a } = await assess('nginx', 'good', { https: true, cert: 'self', active: false });
    expect(status(a, 'web.tls.handshake')).toBe('pass');
    expect(status(a, 'web.tls.certificate-trust')).toBe('fail');
    expect(a.findings.find((f) => f.check === 'web.tls.certificate-trust')!.reason).toMatch(/self-signed/);
    expect(a.details.tls[0]).toMatchObject({ owner: 'this-server', authorized: false });
    expect(a.details.canary).toEqual([]);
    expect(a.details.probes).toEqual([]);
  });
});

describe('web targets that are down', () => {
  it('a server that is down makes the handshake fail and the live probes inconclusive, without throwing', async () => {
    const [http, https] = [await freePort(), await freePort()];
    const target: Target = {
      id: 'down',
      kind: 'web',
      address: '127.0.0.1',
      tags: [],
      transport: 'local',
      web: { urls: [`http://127.0.0.1:${http}/`, `https://127.0.0.1:${https}/`] },
    };
    const a = await assessWeb(target, { active: true, runId: 'down', live: { timeoutMs: 3000, minIntervalMs: 10 } });
    expect(status(a, 'web.tls.handshake')).toBe('fail');
    expect(a.findings.find((f) => f.check === 'web.tls.handshake')!.reason).toMatch(/ECONNREFUSED/);
    expect(status(a, 'web.tls.certificate-trust')).toBe('inconclusive');
    expect(status(a, 'web.active.body-canary')).toBe('inconclusive');
    expect(a.findings.find((f) => f.check === 'web.active.body-canary')!.reason).toMatch(
      /request failed: ECONNREFUSED/,
    );
    // The short canary got no answer: the long one is not sent, and its check decides nothing.
    expect(a.details.probes).toHaveLength(4);
    expect(status(a, 'web.active.canary-whole')).toBe('inconclusive');
    expect(a.result).toMatchObject({ id: 'down', status: 'unreachable' });
    expect(a.details.notes.some((n) => /web\.host/.test(n.en))).toBe(true);
  });
});

describe.skipIf(!isRoot)('web targets of an inventory, as a scan assesses them', () => {
  it('assesses each web target through the host its web.host names and builds analyses.web', async () => {
    const tree = await makeTree('nginx', 'nobody', PORTS);
    const daemon = await startNginx(tree);
    try {
      const targets: Target[] = [
        { id: 'me', kind: 'linux', address: 'localhost', tags: [], transport: 'local' },
        {
          id: 'site',
          kind: 'web',
          address: '127.0.0.1',
          tags: [],
          transport: 'http',
          web: {
            urls: [`http://127.0.0.1:${tree.ports.PORT}/`],
            server: 'nginx',
            host: 'me',
            config_path: tree.config,
          },
        },
      ];
      const { assessments, section } = await assessWebTargets(targets, {
        active: true,
        runId: 'scan',
        only: ['web.active.*'],
      });
      expect(assessments.map((a) => a.target)).toEqual(['site']);
      expect(assessments[0]!.findings.map((f) => `${f.check}=${f.status}`).sort()).toEqual([
        'web.active.body-canary=fail',
        'web.active.canary-arrives=not-applicable',
        'web.active.canary-password-masked=pass',
        'web.active.canary-whole=inconclusive',
        'web.active.waf-detection=fail',
      ]);
      expect(section!.summary).toMatchObject({
        targets: 1,
        canaries_sent: 1,
        canaries_body_logged: 0,
        waf_probes_sent: 1,
        waf_probes_detected: 0,
      });
      expect(section!.details[0]!.log_sources).toEqual([
        { path: join(tree.root, 'logs', 'access.log'), origin: 'nginx access_log' },
      ]);
    } finally {
      await daemon.stop();
      removeTree(tree);
    }
  });
});

describe.skipIf(!isRoot)('two targets of one run writing into one log', () => {
  it("credits a shared log's line only to the target whose marker it carries", async () => {
    const withBody = await makeTree('nginx', 'good', PORTS);
    const withoutBody = await makeTree('nginx', 'nobody', PORTS);
    const certDir = mkdtempSync(join(tmpdir(), 'socready-shared-certs-'));
    copyCertsInto(withBody, makeCerts(certDir), 'ca');
    const daemons = [await startNginx(withBody), await startNginx(withoutBody)];
    try {
      const shared = join(withBody.root, 'logs', 'body.log');
      const targets: Target[] = [
        { id: 'me', kind: 'linux', address: 'localhost', tags: [], transport: 'local' },
        {
          id: 'shop',
          kind: 'web',
          address: '127.0.0.1',
          tags: [],
          transport: 'http',
          web: { urls: [`http://127.0.0.1:${withBody.ports.PORT}/`], server: 'nginx', host: 'me' },
        },
        // blog's operators also read shop's body log: the same canary number lands there first, from shop.
        {
          id: 'blog',
          kind: 'web',
          address: '127.0.0.1',
          tags: [],
          transport: 'http',
          web: {
            urls: [`http://127.0.0.1:${withoutBody.ports.PORT}/`],
            server: 'nginx',
            host: 'me',
            log_paths: [shared],
          },
        },
      ];
      const { assessments } = await assessWebTargets(targets, {
        active: true,
        runId: 'shared',
        only: ['web.active.*'],
        concurrency: 1,
      });
      const [shop, blog] = [
        assessments.find((x) => x.target === 'shop')!,
        assessments.find((x) => x.target === 'blog')!,
      ];
      expect(status(shop, 'web.active.body-canary')).toBe('pass');
      expect(status(blog, 'web.active.body-canary')).toBe('fail');
      expect(shop.details.canary[0]!.marker).not.toBe(blog.details.canary[0]!.marker);
      const inShared = blog.details.canary[0]!.logs.find((l) => l.path === shared)!;
      expect(inShared.hits).toEqual([]);
      expect(readFileSync(shared, 'utf8')).toContain(shop.details.canary[0]!.marker);
    } finally {
      for (const d of daemons) await d.stop();
      removeTree(withBody);
      removeTree(withoutBody);
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
