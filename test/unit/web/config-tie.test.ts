// Which configuration a web target's checks judge, through the scan's per-target path with a scripted host: the one
// the server answering the URL runs, or none (inconclusive) when that cannot be told.
import { describe, expect, it, vi } from 'vitest';
import type { Target } from '../../../src/model.js';
import type { ProbeResult, Transport } from '../../../src/transport/types.js';
import { assessWeb } from '../../helpers/web-assess.js';

// Only the host's transport is scripted: the scan's factory opens a `transport: local` host with createLocalTransport,
// which answers with the scripted host here. Everything above the transport is the path a scan runs.
const scripted = vi.hoisted(() => ({ host: undefined as unknown }));
vi.mock('../../../src/transport/local.js', async (original) => ({
  ...(await original<typeof import('../../../src/transport/local.js')>()),
  createLocalTransport: () => scripted.host,
}));

const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const NGINX_T =
  'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file ' +
  '/etc/nginx/nginx.conf:\nhttp {\n  server {\n    listen 8080;\n    location / { proxy_pass ' +
  'http://127.0.0.1:9000; }\n  }\n}\n';
const APACHE_DUMP = 'Included configuration files:\n==> /etc/apache2/apache2.conf <==\nListen 80\nSecRuleEngine Off\n';

/**
 * A host whose answers are scripted by what the command starts with; every command it was asked is kept. It is the
 * transport the scan's factory opens next for the `transport: local` host.
 */
function scriptHost(running: ProbeResult): Transport & { asked: string[] } {
  const asked: string[] = [];
  const t = {
    name: 'scripted',
    asked,
    open: async () => undefined,
    run: async (command: string) => {
      asked.push(command);
      const body = command.replace(/^(SOCREADY_WEB_\w+=\S+\n|export APACHE_CONFDIR=\S+\n)*/, '');
      if (body.startsWith('echo "==> ps <=="')) return running;
      if (body.startsWith('nginx ')) return ok(NGINX_T);
      if (body.includes('-M 2>&1')) return ok('Loaded Modules:\n core_module (static)\n log_config_module (static)\n');
      if (body.includes('DUMP_INCLUDES')) return ok(APACHE_DUMP);
      return ok('');
    },
    readFile: async () => ok(''),
    describe: async () => ({ platform: 'linux' as const, hostname: 'h' }),
    close: async () => undefined,
  } as Transport & { asked: string[] };
  scripted.host = t;
  return t;
}

/** The inventory's host that `web.host: web-01` names, reached through its (scripted) local transport. */
const WEB_01: Target = { id: 'web-01', kind: 'linux', address: 'localhost', tags: [], transport: 'local' };
const assess = (t: Target) => assessWeb(t, { targets: [WEB_01, t], active: false, runId: 'r' });

const target = (server: 'auto' | 'nginx', port = 8080): Target => ({
  id: 'shop',
  kind: 'web',
  address: '127.0.0.1',
  tags: [],
  transport: 'http',
  web: { urls: [`http://shop.example:${port}/`], server, host: 'web-01' },
});

describe('configuration tied to the server answering the URL', () => {
  it(
    'when the processes cannot be listed, judges only the server ' + 'whose configuration listens on the URL port',
    async () => {
      scriptHost({ ...ok(''), exitCode: 1, error: { kind: 'other', message: 'ps: not found' } });
      const a = await assess(target('auto'));
      expect(a.findings.filter((f) => f.check.startsWith('web.apache.'))).toEqual([]);
      const nginx = a.findings.find((f) => f.check === 'web.nginx.real-client-ip')!;
      expect(nginx.config_read?.how).toBe(
        "the running processes could not be listed (ps: not found); the nginx configuration's listen " +
          'directives name port 8080',
      );
    },
  );

  it('when no configuration read listens on the URL port, no configuration check is judged', async () => {
    scriptHost({ ...ok(''), exitCode: 1, error: { kind: 'other', message: 'ps: not found' } });
    const a = await assess(target('auto', 8443));
    const config = a.findings.filter(
      (f) =>
        f.check.startsWith('web.nginx.') || f.check.startsWith('web.apache.') || f.check.startsWith('web.modsecurity.'),
    );
    expect(config.length).toBeGreaterThan(10);
    expect(config.filter((f) => f.status !== 'inconclusive')).toEqual([]);
    expect(config[0]!.reason).toBe(
      'configuration not judged: the configuration read (the default configuration of each server) has no ' +
        'listen directive for port 8443 (it listens on 80, 8080): it is not the server answering the URL; set ' +
        'web.config_path',
    );
  });

  it(
    'reads the configuration of the master answering the port, with ' + 'its -p and -c, never the default one',
    async () => {
      const running = ok(
        '==> ps <==\n 900 1 nginx: master process nginx -p /srv/shop -c conf/nginx.conf\n 901 900 nginx: ' +
          'worker process\n==> ss <==\nLISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:(("nginx",pid=901,fd=6))\n==> ' +
          'nginx -V <==\nconfigure arguments: --conf-path=/etc/nginx/nginx.conf\n',
      );
      const t = scriptHost(running);
      const a = await assess(target('nginx'));
      const reads = t.asked.filter((c) => /\nnginx /.test(c));
      expect(reads.length).toBe(2);
      for (const c of reads)
        expect(c.startsWith('SOCREADY_WEB_CONFIG=/srv/shop/conf/nginx.conf\nSOCREADY_WEB_PREFIX=/srv/shop\n')).toBe(
          true,
        );
      expect(a.findings.find((f) => f.check === 'web.nginx.real-client-ip')!.config_read).toEqual({
        path: '/srv/shop/conf/nginx.conf',
        how: 'nginx master pid 900 was started with -c conf/nginx.conf -p /srv/shop; it answers port 8080 (ss -ltnp)',
      });
    },
  );
});
