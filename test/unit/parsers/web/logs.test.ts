import { describe, expect, it } from 'vitest';
import { probeMarker } from '../../../../src/web/canary.js';
import { findMarker, type ProbeTokens } from '../../../../src/web/logs.js';

const M = 'socready-canary-r9-1';
const T: ProbeTokens = {
  marker: M,
  request: `${M}-url`,
  username: `${M}-user`,
  body: `${M}-body`,
  password: 'SrFake-0011aabb',
  passwordField: 'password',
};

const NATIVE = [
  '--a1b2c3d4-A--',
  '[23/Nov/2026:17:10:00 +0000] aXyZ 127.0.0.1 50000 127.0.0.1 8081',
  '--a1b2c3d4-B--',
  `POST /login?socready_probe=${M}-url HTTP/1.1`,
  `User-Agent: socready-canary (${M})`,
  '',
  '--a1b2c3d4-C--',
  `username=${M}-user&password=SrFake-0011aabb&socready_canary=${M}-body`,
  '--a1b2c3d4-F--',
  'HTTP/1.1 403 Forbidden',
  '',
  '--a1b2c3d4-H--',
  'Message: Warning. detected SQLi using libinjection. [file "x.conf"] [line "1"] [id "942100"] [msg "SQL Injection"]',
  'Action: Intercepted (phase 2)',
  '',
  '--a1b2c3d4-Z--',
  '',
  '--ffff0000-A--',
  '[23/Nov/2026:17:10:01 +0000] other 127.0.0.1 50001 127.0.0.1 8081',
  '--ffff0000-Z--',
  '',
].join('\n');

describe('findMarker', () => {
  it('finds the record in a native ModSecurity audit log, with its parts, rules, outcome and a clear password', () => {
    const [hit, ...rest] = findMarker(NATIVE, T);
    expect(rest).toHaveLength(0);
    expect(hit).toMatchObject({
      format: 'modsec-native',
      rule_ids: ['942100'],
      intercepted: true,
      status: 403,
      fake_credential: 'clear',
    });
    expect(hit!.fields).toEqual(['B: request headers', 'C: request body']);
    expect(hit!.carried).toEqual({ request: true, username: true, body: true });
    expect(hit!.excerpt).not.toContain('SrFake-0011aabb');
  });

  it('reads JSON lines and names the keys that carry the marker; a masked password counts as masked', () => {
    const line = JSON.stringify({
      time: 't',
      req: `POST /login?socready_probe=${M}-url HTTP/1.1`,
      status: 200,
      body: `username=${M}-user&password=***&socready_canary=${M}-body`,
    });
    const [hit] = findMarker(`{"unrelated":1}\n${line}\n`, T);
    expect(hit).toMatchObject({ format: 'json', fields: ['req', 'body'], status: 200, fake_credential: 'masked' });
  });

  it('reads a ModSecurity v2 JSON audit record', () => {
    const rec = JSON.stringify({
      transaction: { time: 't', remote_address: '127.0.0.1' },
      request: { request_line: `GET /x?socready_probe=${M}-url HTTP/1.1`, body: [] },
      response: { status: 404 },
      audit_data: {
        messages: ['Warning. Matched "Operator `Rx\' ... [id "920350"] [msg "Host header is a numeric IP address"]'],
      },
    });
    const [hit] = findMarker(rec, T);
    expect(hit).toMatchObject({
      format: 'modsec-json',
      status: 404,
      rule_ids: ['920350'],
      intercepted: false,
      fake_credential: 'absent',
    });
  });

  it('reports a plain access-log line with only the URL: request logged, body not', () => {
    const [hit] = findMarker(
      `127.0.0.1 - - [x] "POST /login?socready_probe=${M}-url HTTP/1.1" 200 5 "-" "socready-canary (${M})"\n`,
      T,
    );
    expect(hit).toMatchObject({
      format: 'line',
      status: 200,
      carried: { request: true, username: false, body: false },
      fake_credential: 'absent',
    });
  });

  it('finds nothing when the marker is absent, and does not confuse another run', () => {
    expect(findMarker('GET /?socready_probe=socready-canary-r9-10-url 200\n', T)).toEqual([]);
    expect(findMarker('', T)).toEqual([]);
  });
});

describe('findMarker on a ModSecurity v3 (libmodsecurity) native audit log', () => {
  it('reads its ---id---X-- boundaries and "Access denied" as an interception', () => {
    const v3 = [
      '---M0tqExar---A--',
      '[23/Nov/2026:17:20:51 +0000] 179545445132.088006 127.0.0.1 37814 127.0.0.1 43231',
      '---M0tqExar---B--',
      `GET /x?socready_probe=${M}-url&id=1%27 HTTP/1.1`,
      '---M0tqExar---F--',
      'HTTP/1.1 403',
      '---M0tqExar---H--',
      'ModSecurity: Warning. detected SQLi using libinjection. [id "942100"] [msg "SQL Injection Attack ' +
        'Detected via libinjection"]',
      'ModSecurity: Access denied with code 403 (phase 2). [id "949110"]',
      '---M0tqExar---I--',
      '',
      '---M0tqExar---Z--',
    ].join('\n');
    const [hit] = findMarker(v3, T);
    expect(hit).toMatchObject({
      format: 'modsec-native',
      status: 403,
      intercepted: true,
      rule_ids: ['942100', '949110'],
      fields: ['B: request headers'],
    });
    expect(hit!.carried.body).toBe(false);
  });
});

describe('probe markers across the targets of one run', () => {
  it(
    'differ per target and per request, so a shared log line is credited only to the target whose marker it ' +
      'carries',
    () => {
      const a1 = probeMarker('canary', 'run7', 'shop', 1);
      const b1 = probeMarker('canary', 'run7', 'blog', 1);
      expect(a1).not.toBe(b1);
      expect(probeMarker('canary', 'run7', 'shop', 2)).not.toBe(a1);
      expect(a1).toMatch(/^socready-canary-run7-[0-9a-f]{8}-1$/);
      const tokens = (m: string): ProbeTokens => ({
        marker: m,
        request: `${m}-url`,
        username: `${m}-user`,
        body: `${m}-body`,
        password: 'SrFake-00',
        passwordField: 'password',
      });
      // shop wrote its canary with the body into the shared log; blog's request left only its URL there.
      const shared = [
        JSON.stringify({
          req: `POST /login?socready_probe=${a1}-url`,
          body: `username=${a1}-user&password=***&socready_canary=${a1}-body`,
        }),
        JSON.stringify({ req: `POST /login?socready_probe=${b1}-url`, body: '' }),
      ].join('\n');
      const [shopHit, ...shopRest] = findMarker(shared, tokens(a1));
      expect(shopRest).toEqual([]);
      expect(shopHit!.carried).toEqual({ request: true, username: true, body: true });
      const [blogHit, ...blogRest] = findMarker(shared, tokens(b1));
      expect(blogRest).toEqual([]);
      expect(blogHit!.carried).toEqual({ request: true, username: false, body: false });
    },
  );
});
