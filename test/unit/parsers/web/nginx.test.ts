// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: nginx and Apache variables are literal ${...} text here
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../../src/checks/types.js';
import { nginxFacts } from '../../../../src/parsers/web/nginx.js';
import { parseNginxDump, parseNginxFile, tokenizeNginx } from '../../../../src/parsers/web/nginx-config.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const dump = (name: string) => readFileSync(join(FIXTURES_DIR, 'web', 'dumps', name), 'utf8');
const out = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

describe('nginx tokenizer', () => {
  it('keeps quoted strings whole, drops comments, and keeps ${var} inside a word', () => {
    const t = tokenizeNginx(`log_format x '{"a":"$b"}' "semi;colon" \${request_body}y; # c { "\n`, 'f');
    const words = t.filter((x) => x.kind === 'word').map((x) => (x as { value: string }).value);
    expect(words).toEqual(['log_format', 'x', '{"a":"$b"}', 'semi;colon', '${request_body}y']);
    expect(t.filter((x) => x.kind === ';')).toHaveLength(1);
  });

  it('reports an unterminated directive and an unbalanced brace with file and line', () => {
    expect(() => parseNginxFile('http {\n  listen 80\n}\n', '/etc/nginx/x.conf')).toThrow(
      /x\.conf:3: directive "listen" is not terminated/,
    );
    expect(() => parseNginxFile('http {\n', '/e/y.conf')).toThrow(ParseError);
    expect(() => parseNginxFile('}\n', '/e/z.conf')).toThrow(/z\.conf:1: unexpected "}"/);
  });
});

describe('nginx -T dump', () => {
  it('expands includes in place from the # configuration file sections', () => {
    const { files, config } = parseNginxDump(dump('nginx-T-stream.txt'));
    expect(files).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/formats.conf', '/etc/nginx/sites-enabled/app']);
    const http = config.find((d) => d.name === 'http')!.block!;
    expect(http.map((d) => d.name)).toEqual(['log_format', 'log_format', 'access_log', 'server']);
  });

  it('derives body logging, buffers, TLS termination, stream pass-through and SSH relays', () => {
    const f = nginxFacts({
      'nginx-config': out(dump('nginx-T-stream.txt')),
      'nginx-modsecurity-files': out(dump('nginx-modsec-files.txt')),
    }) as any;
    expect(f.present).toBe(true);
    expect(f.log_formats.find((x: any) => x.name === 'body')).toMatchObject({
      escape: 'json',
      request_body: true,
      user_agent: true,
      xff: false,
    });
    expect(f.log_formats.find((x: any) => x.name === 'plain').request_body).toBe(true);
    // `/` logs the body; the nested upload location inherits that log but its 8k buffer is the smallest.
    expect(f.body.reading_locations).toBe(2);
    expect(f.body.reading_locations_logging_body).toBe(2);
    expect(f.body.min_buffer_bytes).toBe(8 * 1024);
    // /health and the static regex location do not read bodies; they log with the http-level combined format.
    expect(f.body.logging_without_read).toEqual([]);
    expect(f.tls).toMatchObject({
      ssl_servers: 1,
      ssl_proxy_servers: 1,
      stream_passthrough: 2,
      ssh_rdp_streams: 1,
      certificates: ['/etc/ssl/app.crt'],
    });
    expect(f.real_ip.ok).toBe(false);
    expect(f.modsecurity_enabled).toBe(true);
    expect(f.modsecurity_rules_files).toEqual(['/etc/nginx/modsec/main.conf']);
  });

  it(
    'reads ModSecurity v3 settings through the rules files and their relative includes; part I does not count ' +
      'on v3',
    () => {
      const f = nginxFacts({
        'nginx-config': out(dump('nginx-T-stream.txt')),
        'nginx-modsecurity-files': out(dump('nginx-modsec-files.txt')),
      }) as any;
      expect(f.modsecurity).toMatchObject({
        loaded: true,
        rule_engine: 'On',
        audit_engine: 'RelevantOnly',
        audit_logs_success: false,
        version: 3,
        // ABIJDEFHZ: libmodsecurity 3 writes part I empty, so without C no body reaches the audit log.
        audit_request_body: false,
        audit_log_format: 'JSON',
        audit_log: '/var/log/nginx/modsec_audit.log',
        password_masked: true,
        sanitise_matched: true,
      });
      expect(f.modsecurity.crs).toMatchObject({
        installed: true,
        version: '4.3.0',
        major: 4,
        paranoia_level: 2,
        inbound_threshold: 7,
        outbound_threshold: 6,
      });
    },
  );

  it('recognises a body logged only through a masking map', () => {
    const conf = [
      '# configuration file /etc/nginx/nginx.conf:',
      'http {',
      '  map $request_body $masked { "~^(?<a>.*password=)[^&]*(?<b>.*)$" "$a***$b"; default $request_body; }',
      `  log_format m escape=json '{"b":"$masked","ua":"$http_user_agent","s":$status,"x":"$http_x_forwarded_for"}';`,
      '  server { listen 80; access_log /l m; location /login { proxy_pass http://app; } }',
      '}',
    ].join('\n');
    const f = nginxFacts({ 'nginx-config': out(conf) }) as any;
    const login = f.locations.find((l: any) => l.path === '/login');
    expect(login).toMatchObject({
      reads_body: true,
      logs_request_body: true,
      logs_masked_body: true,
      logs_user_agent: true,
    });
    expect(f.real_ip).toMatchObject({ xff_logged: true, ok: true });
  });

  it('says nginx is absent when the command failed, instead of inventing a configuration', () => {
    const f = nginxFacts({ 'nginx-config': { ...out('sh: 1: nginx: not found\n'), exitCode: 127 } });
    expect(f.present).toBe(false);
    expect(String(f.error)).toMatch(/not found/);
  });
});
