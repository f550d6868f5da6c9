// Which configuration the server answering a URL runs, from the web-running-servers probe's output.
import { describe, expect, it } from 'vitest';
import { listenPorts, tieConfiguration } from '../../../../src/parsers/web/running.js';

const NGINX_V =
  'nginx version: nginx/1.22.1\nconfigure arguments: --prefix=/usr/share/nginx ' +
  '--conf-path=/etc/nginx/nginx.conf --http-log-path=/var/log/nginx/access.log\n';
const APACHE_V =
  'Server version: Apache/2.4.62 (Debian)\n -D HTTPD_ROOT="/etc/apache2"\n -D SERVER_CONFIG_FILE="apache2.conf"\n';

function output(ps: string, ss: string, extra = ''): string {
  return `==> ps <==\n${ps}\n==> ss <==\n${ss}\n${extra}==> nginx -V <==\n${NGINX_V}==> apache -V <==\n${APACHE_V}`;
}

// The packaged nginx on :80 from /etc, and a second nginx started from a temp tree on :8081.
const PS = [
  '  1     0 /sbin/init',
  ' 700     1 nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
  ' 701   700 nginx: worker process',
  ' 900     1 nginx: master process nginx -p /tmp/site -c conf/nginx.conf',
  ' 901   900 nginx: worker process',
  '1200     1 /usr/sbin/apache2 -k start',
  '1201  1200 /usr/sbin/apache2 -k start',
].join('\n');
const SS = [
  'LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=701,fd=6),("nginx",pid=700,fd=6))',
  'LISTEN 0 511 127.0.0.1:8081 0.0.0.0:* users:(("nginx",pid=901,fd=6))',
  'LISTEN 0 511 *:8080 *:* users:(("apache2",pid=1201,fd=4),("apache2",pid=1200,fd=4))',
  'LISTEN 0 4096 127.0.0.1:9000 0.0.0.0:* users:(("php-fpm",pid=1300,fd=5))',
].join('\n');

describe('tieConfiguration', () => {
  it('ties a URL port to the nginx master answering it and resolves its relative -c against its -p', () => {
    const t = tieConfiguration(output(PS, SS), 8081, 'auto');
    expect(t.untied).toBeUndefined();
    expect(t.server).toMatchObject({
      kind: 'nginx',
      pid: 900,
      location: { config: '/tmp/site/conf/nginx.conf', prefix: '/tmp/site' },
    });
    expect(t.server!.how).toBe('nginx master pid 900 was started with -c conf/nginx.conf -p /tmp/site');
  });

  it('uses the compiled-in --conf-path for a master started without -c', () => {
    const t = tieConfiguration(output(PS, SS), 80, 'nginx');
    expect(t.server!.location).toEqual({ config: '/etc/nginx/nginx.conf' });
    expect(t.server!.how).toMatch(/without -c: its compiled-in --conf-path/);
  });

  it("reads a Debian Apache instance's APACHE_CONFDIR from its environment", () => {
    const t = tieConfiguration(
      output(PS, SS, '==> environ 1200 <==\nAPACHE_CONFDIR=/etc/apache2-shop\n'),
      8080,
      'apache',
    );
    expect(t.server).toMatchObject({
      kind: 'apache',
      pid: 1200,
      location: { config: '/etc/apache2-shop/apache2.conf', root: '/etc/apache2-shop', confdir: '/etc/apache2-shop' },
    });
  });

  it('reads Apache -f and -d from the parent process command line', () => {
    const ps =
      '1500 1 /usr/sbin/apache2 -d /srv/httpd -f conf/httpd.conf -k start\n1501 1500 /usr/sbin/apache2 -d ' +
      '/srv/httpd -f conf/httpd.conf -k start';
    const t = tieConfiguration(output(ps, 'LISTEN 0 511 *:8443 *:* users:(("apache2",pid=1501,fd=4))'), 8443, 'auto');
    expect(t.server).toMatchObject({
      kind: 'apache',
      pid: 1500,
      location: { config: '/srv/httpd/conf/httpd.conf', root: '/srv/httpd' },
    });
  });

  it(
    'cannot tie a port nobody on the host listens on, one owned by ' + 'another program, or a server of another kind',
    () => {
      expect(tieConfiguration(output(PS, SS), 443, 'auto').untied).toMatch(/^nothing listens on port 443 on this host/);
      expect(tieConfiguration(output(PS, SS), 9000, 'auto').untied).toMatch(
        /^port 9000 is answered by php-fpm, not by an nginx or Apache process/,
      );
      expect(tieConfiguration(output(PS, SS), 8081, 'apache').untied).toBe(
        'port 8081 is answered by nginx (pid 900), not by the declared apache',
      );
    },
  );

  it(
    'without visible socket owners, takes the only running server of the declared kind, and refuses to guess ' +
      'among several',
    () => {
      const hidden = SS.replace(/ users:\(.*\)/g, '');
      expect(tieConfiguration(output(PS, hidden), 8080, 'apache').server).toMatchObject({ kind: 'apache', pid: 1200 });
      expect(tieConfiguration(output(PS, hidden), 8081, 'nginx').untied).toMatch(
        /owners of listening sockets are not visible .* 2 servers run \(nginx pid 700, nginx pid 900\)/,
      );
    },
  );
});

describe('listenPorts', () => {
  it('reads nginx listen and Apache Listen directives', () => {
    expect(
      listenPorts(
        'server {\n    listen 127.0.0.1:8081 default_server;\n    listen [::]:443 ssl;\n    listen 8080;\n}\n',
        'Listen 127.0.0.1:9090\nListen 80\n',
      ),
    ).toEqual([80, 443, 8080, 8081, 9090]);
  });
});
