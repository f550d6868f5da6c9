import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../../src/util/redact.js';
import { webhookIdFingerprint } from '../../../src/util/webhook-id.js';

const M = '[REDACTED]';

describe('redaction of evidence', () => {
  it('removes private key material but says a key was there', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n';
    const { text, count } = redact(`before\n${key}after`);
    expect(text).not.toContain('b3BlbnNzaC1rZXkt');
    expect(text).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(text).toBe(`before\n-----BEGIN OPENSSH PRIVATE KEY-----\n${M}\n-----END OPENSSH PRIVATE KEY-----\nafter`);
    expect(count).toBe(1);
  });

  it.each([
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'DSA PRIVATE KEY',
    'PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
  ])('masks a whole %s block and keeps its kind', (kind) => {
    const { text, count } = redact(
      `-----BEGIN ${kind}-----\nVersion: x\n\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n=ab12\n-----END ${kind}-----\n`,
    );
    expect(text).toBe(`-----BEGIN ${kind}-----\n${M}\n-----END ${kind}-----\n`);
    expect(count).toBe(1);
  });

  it('masks a truncated private key (no END line) up to the end of the output', () => {
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nMIIEpAIB').text).not.toContain('MIIE');
  });

  it('keeps a JSON-escaped private key valid JSON (ConvertTo-Json output)', () => {
    const doc = JSON.stringify({
      file: 'id_rsa',
      content: '-----BEGIN RSA PRIVATE KEY-----\r\nMIIEpAIBAAKCAQEA\r\n-----END RSA PRIVATE KEY-----\r\n',
    });
    const { text } = redact(doc);
    expect(text).not.toContain('MIIEpAIB');
    expect(JSON.parse(text).content).toBe(
      `-----BEGIN RSA PRIVATE KEY-----\r\n${M}\r\n-----END RSA PRIVATE KEY-----\r\n`,
    );
  });

  it.each(['2', '3'])('masks the private lines and MAC of a PuTTY-User-Key-File-%s but keeps the public half', (v) => {
    const ppk = [
      `PuTTY-User-Key-File-${v}: ssh-ed25519`,
      'Encryption: none',
      'Comment: eddsa-key-20240101',
      'Public-Lines: 2',
      'AAAAC3NzaC1lZDI1NTE5AAAAIPublicPublicPublicPublic',
      'PublicSecondLine+/=',
      'Private-Lines: 2',
      'AAAAIPrivPrivPrivPrivPrivPrivPrivPrivPrivPrivPriv',
      'SecondPrivateLine+/=',
      'Private-MAC: 0123456789abcdef0123456789abcdef01234567',
      '',
    ].join('\n');
    const { text, count } = redact(ppk);
    for (const secret of ['PrivPriv', 'SecondPrivateLine', '0123456789abcdef']) expect(text).not.toContain(secret);
    expect(text).toContain('AAAAC3NzaC1lZDI1NTE5AAAAIPublicPublicPublicPublic');
    expect(text).toContain(`Private-Lines: 2\n${M}\nPrivate-MAC: ${M}\n`);
    expect(count).toBe(2);
  });

  it('masks appliance secrets: FortiOS ENC values, set-format secrets and PAN-OS XML secret elements', () => {
    const forti = '    set password ENC SH2nlSm9QL9tapcHPXSqTXAt4z2Kjr8mwbw4Q2HnEA=\n    set passwd-policy enable\n';
    expect(redact(forti).text).toBe('    set password ENC [REDACTED]\n    set passwd-policy enable\n');
    expect(redact('set deviceconfig system radius-server s1 secret -AQ==xyz').text).toBe(
      'set deviceconfig system radius-server s1 secret [REDACTED]',
    );
    expect(redact('<entry name="admin"><phash>$5$abcdefgh$ABCDEFGH</phash></entry>').text).toBe(
      '<entry name="admin"><phash>[REDACTED]</phash></entry>',
    );
    // Settings that only look like secrets stay.
    expect(redact('    set logtraffic all\n<log-setting>Forward-to-SIEM</log-setting>').count).toBe(0);
  });

  it('masks headers carried in a Logpush destination URL, keeping the other parameters', () => {
    const conf =
      '"destination_conf": "https://siem.example.com/cf?header_Authorization=Splunk%20f1e2d3c4-1111-2222&' +
      'header_DD-API-KEY=0123456789abcdef&tags=waf"';
    const { text, count } = redact(conf);
    expect(text).toBe(
      '"destination_conf": "https://siem.example.com/cf?header_Authorization=[REDACTED]&' +
        'header_DD-API-KEY=[REDACTED]&tags=waf"',
    );
    expect(count).toBe(2);
  });

  it('masks Authorization headers, cookies, URL credentials and password parameters', () => {
    const input = [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk',
      'Cookie: session=abc123; theme=dark',
      'url = https://admin:Sup3rS3cret@siem.example.com/api',
      'POST /login user=alice&password=canary-hunter2&remember=1',
      'password = hunter2',
      '"api_key": "abcd1234efgh"',
      'AuthLDAPBindPassword ldapS3cret',
    ].join('\n');
    const { text } = redact(input);
    for (const secret of [
      'eyJhbGciOiJIUzI1NiJ9',
      'abc123',
      'Sup3rS3cret',
      'canary-hunter2',
      'hunter2',
      'abcd1234efgh',
      'ldapS3cret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('Authorization: Bearer [REDACTED]');
    expect(text).toContain('user=alice');
    expect(text).toContain('remember=1');
    expect(text).toContain('siem.example.com');
  });

  // Each row: input, exact redacted output. Every one of these leaked before (regressions from review).
  it.each([
    [
      'nginx proxy_set_header Authorization',
      'proxy_set_header Authorization "Basic dXNlcjpzM2NyZXQ=";',
      `proxy_set_header Authorization "Basic ${M}";`,
    ],
    [
      'Apache RequestHeader Authorization',
      'RequestHeader set Authorization "Bearer abc.def"',
      `RequestHeader set Authorization "Bearer ${M}"`,
    ],
    ['JSON Authorization key', '{"Authorization": "Bearer abcdef123"}', `{"Authorization": "Bearer ${M}"}`],
    ['JSON Cookie key, the rest of the document kept', '{"Cookie":"a=b","Other":"x"}', `{"Cookie":"${M}","Other":"x"}`],
    [
      'curl -H header argument',
      "curl -H 'Authorization: Bearer tok123' https://x",
      `curl -H 'Authorization: Bearer ${M}' https://x`,
    ],
    ['Digest authorization', 'Authorization: Digest username="bob", response="6629fae4"', `Authorization: Digest ${M}`],
    [
      'JSON-escaped winlogbeat password inside ConvertTo-Json output',
      '{"winlogbeat.yml":"output.elasticsearch:\\n  username: wlb\\n  password: \\"wlbS3cret\\"\\n"}',
      `{"winlogbeat.yml":"output.elasticsearch:\\n  username: wlb\\n  password: \\"${M}\\"\\n"}`,
    ],
    ['Logstash password =>', '  password => "changeme"', `  password => "${M}"`],
    ['quoted value with spaces', 'password = "correct horse battery"', `password = "${M}"`],
    ['unquoted INI value with spaces', 'password = correct horse battery', `password = ${M}`],
    [
      'syslog-ng password("…")',
      'destination d_es { elasticsearch-http(url("https://es:9200") user("sng") password("sngS3cret")); };',
      `destination d_es { elasticsearch-http(url("https://es:9200") user("sng") password("${M}")); };`,
    ],
    [
      'squid cache_peer login=user:pass',
      'cache_peer parent.example 3128 0 login=user:pass',
      `cache_peer parent.example 3128 0 login=user:${M}`,
    ],
    ['redis requirepass', 'requirepass foobared', `requirepass ${M}`],
    ['redis masterauth', 'masterauth r3plS3cret', `masterauth ${M}`],
    ['redis ACL >password', 'user alice on >p1pp0 ~* +@all', `user alice on >${M} ~* +@all`],
    ['nslcd bindpw', 'bindpw nslcdS3cret', `bindpw ${M}`],
    ['slapd rootpw', 'rootpw {SSHA}c2VjcmV0c2FsdA==', `rootpw ${M}`],
    ['sssd ldap_default_authtok', 'ldap_default_authtok = sssdS3cret', `ldap_default_authtok = ${M}`],
    ['SNMP rocommunity, source kept', 'rocommunity publ1cS3cret default', `rocommunity ${M} default`],
    ['SNMP rwcommunity, source kept', 'rwcommunity pr1vS3cret 10.0.0.0/8', `rwcommunity ${M} 10.0.0.0/8`],
    ['SNMP com2sec community', 'com2sec notConfigUser default c0mS3cret', `com2sec notConfigUser default ${M}`],
    ['Splunk pass4SymmKey', 'pass4SymmKey = splunkS3cret', `pass4SymmKey = ${M}`],
    ['a value holding ;', 'password=abc;def', `password=${M}`],
    [
      'a value holding ; in the middle of a log line',
      'login ok password=abc;def user=bob',
      `login ok password=${M} user=bob`,
    ],
    ['nginx directive value, the ; kept', 'secure_link_secret s3cret;', `secure_link_secret ${M};`],
    [
      'locked shadow entry, the lock kept',
      'bob:!$6$saltsalt$hashhashhash:19000:0:99999:7:::',
      `bob:!${M}:19000:0:99999:7:::`,
    ],
    ['URL password holding /', 'https://u:ab/cd@h/x', `https://u:${M}@h/x`],
    ['URL password holding @', 'mongodb://u:p@ss@h/db', `mongodb://u:${M}@h/db`],
    ['registry value of a secret', '    DefaultPassword    REG_SZ    hunter2', `    DefaultPassword    REG_SZ    ${M}`],
    ['shell export', 'export DB_PASSWORD=s3cret', `export DB_PASSWORD=${M}`],
    ['command-line flag', 'mysqldump --password s3cret db', `mysqldump --password ${M} db`],
    [
      'rsyslog omelasticsearch pwd',
      'action(type="omelasticsearch" uid="elastic" pwd="esS3cret")',
      `action(type="omelasticsearch" uid="elastic" pwd="${M}")`,
    ],
    ['ODBC connection string PWD', 'Driver=x;UID=sa;PWD=odbcS3cret;', `Driver=x;UID=sa;PWD=${M};`],
  ])('masks %s', (_what, input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['AWS access key', 'AKIAABCDEFGHIJKLMNOP'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk'],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz'],
    ['Slack token', 'xoxb-1234567890-abcdefghij'],
    ['GitLab token', 'glpat-abcdefghijklmnopqrst'],
  ])('masks a bare %s wherever it appears', (_what, token) => {
    expect(redact(`seen ${token} in log`)).toEqual({ text: `seen ${M} in log`, count: 1 });
  });

  it('leaves audit rules and sshd settings that merely name password files intact', () => {
    const rules =
      '-w /etc/passwd -p wa -k identity\n-a always,exit -F path=/etc/shadow -F perm=wa -k ' +
      'identity\nPasswordAuthentication no\n';
    expect(redact(rules)).toEqual({ text: rules, count: 0 });
  });

  // False positives break the parsers that re-read stored evidence: each of these must come back byte for byte.
  it.each([
    ['auditd watch on /etc/passwd', '-w /etc/passwd -p wa -k identity'],
    ['auditd syscall rule on /etc/shadow', '-a always,exit -F path=/etc/shadow -F perm=wa -k identity'],
    ['sshd_config PasswordAuthentication', 'PasswordAuthentication no'],
    ['sshd -T passwordauthentication', 'passwordauthentication no'],
    ['sshd -T permitemptypasswords', 'permitemptypasswords no'],
    ['KbdInteractiveAuthentication', 'KbdInteractiveAuthentication yes'],
    ['nginx ssl_password_file (names a file)', 'ssl_password_file /etc/nginx/pass.txt;'],
    ['nginx Authorization from a variable', 'proxy_set_header Authorization $http_authorization;'],
    ['ModSecurity rule naming the password field', 'SecRule ARGS:password "@rx x" "id:1"'],
    [
      'ModSecurity sanitiseArg action',
      'SecAction "id:1000200,phase:5,pass,nolog,sanitiseArg:password,sanitiseArg:passwd"',
    ],
    ['nginx log_format with request body', "log_format body '$request_body';"],
    ['sanitiseArg password', 'sanitiseArg password'],
    ['rsyslog auth selector', 'auth,authpriv.* /var/log/auth.log'],
    ['PowerShell logging value name', '"EnableScriptBlockLogging"'],
    ['a name of an environment variable', 'token_env: SOCREADY_ES_KEY'],
    [
      'reg query output',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging\n    ' +
        'EnableScriptBlockLogging    REG_DWORD    0x1\n',
    ],
    [
      'reg query LSA values',
      '    LimitBlankPasswordUse    REG_DWORD    0x1\n    DisablePasswordChange    REG_DWORD    0x0\n',
    ],
    [
      'PAM password stack',
      'password\t[success=1 default=ignore]\tpam_unix.so obscure sha512\npassword\trequisite\t\t\tpam_deny.so\n',
    ],
    ['nsswitch.conf passwd sources', 'passwd:         files systemd'],
    [
      'auditpol subcategories',
      '  Credential Validation                   Success and Failure\n  Token Right Adjusted Events          ' +
        '   No Auditing\n',
    ],
    ['secedit policy flag', 'ClearTextPassword = 0'],
    [
      'sshd auth log line',
      'Nov 23 10:00:00 h sshd[1]: Failed password for invalid user bob from 192.0.2.1 port 22 ssh2',
    ],
    ['a port, not a URL password', 'http://host:8080/path/@alice'],
    ['a working-directory variable', 'PWD=/root'],
    ['an empty or null password setting', '"password": "", "secret": null, "token": false'],
  ])('leaves %s intact', (_what, input) => {
    expect(redact(input)).toEqual({ text: input, count: 0 });
  });

  it('counts each secret once even when several rules look at the same value', () => {
    const { text, count } = redact('password = hunter2\nurl: https://u:p4ss@h\nAuthorization: Basic dXNlcjpwYXNz');
    expect(text).toBe(`password = ${M}\nurl: https://u:${M}@h\nAuthorization: Basic ${M}`);
    expect(count).toBe(3);
  });

  it('is idempotent: redacting already redacted evidence changes and counts nothing', () => {
    const input = [
      'Authorization: Bearer abc',
      'proxy_set_header Authorization "Basic dXNlcjpzM2NyZXQ=";',
      'password = "correct horse battery"',
      'x password=abc;def',
      'https://u:p@ss@h',
      'bob:!$6$saltsalt$hashhashhash:1',
      'user alice on >p1pp0',
      'createUser bob SHA authpass1 AES privpass1',
      'Private-Lines: 1\nAAAA\nPrivate-MAC: abcdef',
    ].join('\n');
    const once = redact(input).text;
    expect(redact(once)).toEqual({ text: once, count: 0 });
  });

  it('redacts crypt hashes in shadow-style lines and secret-named keys in JSON values', () => {
    expect(redact('root:$6$saltsalt$hashhashhashhash:19000:0:99999:7:::').text).toBe(
      'root:[REDACTED]:19000:0:99999:7:::',
    );
    expect(
      redactDeep({ token: 'abc', nested: { note: 'password=xyz' }, list: ['Authorization: Basic dXNlcjpwYXNz'] }),
    ).toEqual({
      token: '[REDACTED]',
      nested: { note: 'password=[REDACTED]' },
      list: ['Authorization: Basic [REDACTED]'],
    });
  });
});

describe('redactDeep on observed facts', () => {
  it('keeps keys that only resemble secret names', () => {
    const facts = {
      key: 'identity',
      passwordauthentication: 'no',
      bypass_mode: 'off',
      token_env: 'SOCREADY_ES_KEY',
      password_masked: true,
    };
    expect(redactDeep(facts)).toEqual(facts);
  });

  it('masks non-string values under secret keys, keeping their shape', () => {
    expect(
      redactDeep({ password: ['hunter2'], secret: { v: 'x' }, api_key: 12345, 'ldap.bind_password': 's' }),
    ).toEqual({
      password: [M],
      secret: { v: M },
      api_key: M,
      'ldap.bind_password': M,
    });
  });

  it('keeps booleans and nulls under secret keys: they are facts, not secrets', () => {
    expect(redactDeep({ password: true, token: null, secret: { set: false, value: 'x' } })).toEqual({
      password: true,
      token: null,
      secret: { set: false, value: M },
    });
  });

  it('matches secret keys whatever their case or camelCase prefix', () => {
    expect(
      redactDeep({
        Authorization: 'Basic x',
        Cookie: 'a=b',
        DefaultPassword: 'p',
        clientSecret: 's',
        privateKey: 'k',
        NoLMHash: 1,
      }),
    ).toEqual({
      Authorization: M,
      Cookie: M,
      DefaultPassword: M,
      clientSecret: M,
      privateKey: M,
      NoLMHash: 1,
    });
  });
});

describe(
  'redaction stays linear on hostile input (correctness guard against catastrophic backtracking, not a ' + 'benchmark)',
  () => {
    const FOUR_MB = 4 * 1024 * 1024;
    const inputs: [string, string][] = [
      ['4 MB of blank lines', `x\n${'\n'.repeat(FOUR_MB)}y`],
      ['4 MB of spaces and newlines', `x\n${' \n'.repeat(FOUR_MB / 2)}y`],
      ['a 4 MB single line of one character', 'a'.repeat(FOUR_MB)],
      ['a 4 MB single line of repeated secret names', 'password = a '.repeat(FOUR_MB / 13)],
      ['a 4 MB single line of unterminated quoted values', 'password: "'.repeat(FOUR_MB / 11)],
      ['a 4 MB single line of URL fragments', 'http://a:'.repeat(FOUR_MB / 9)],
    ];
    // Backtracking on 4 MB is quadratic or worse: hours, not seconds. The bound only separates that from linear work
    // and is far above any load this machine sees (it ran in ~0.3 s idle and 2.6 s at load 12), so it cannot flake.
    it.each(inputs)('finishes on %s: linear, not catastrophic (bound 20 s)', (_what, input) => {
      const started = performance.now();
      const { text } = redact(input);
      expect(text.length).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(20_000);
    });
  },
);

describe('SOAR name/value pairs and header lists', () => {
  const workflow = JSON.stringify([
    {
      name: 'Triage',
      triggers: [
        {
          trigger_type: 'WEBHOOK',
          parameters: [
            { name: 'url', value: 'https://shuffle.example/api/v1/hooks/webhook_b4d2a5c1-0f1e-4c55-9a57-3f1a7b1c9e11' },
            { name: 'auth_headers', value: 'X-Api-Key=S3CRETHDR\nAuthorization=Basic SECRET4' },
          ],
        },
      ],
      actions: [{ app_name: 'VT', parameters: [{ name: 'apikey', value: 'AKIA-not-a-shape-SECRET1' }] }],
      workflow_variables: [{ name: 'password', value: 'SECRET5' }],
    },
  ]);

  it('masks the value of a {"name": <secret name>, "value": …} pair, compact or pretty-printed', () => {
    for (const body of [workflow, JSON.stringify(JSON.parse(workflow), null, 2)]) {
      const { text } = redact(body);
      for (const secret of ['SECRET1', 'SECRET4', 'SECRET5', 'S3CRETHDR']) expect(text).not.toContain(secret);
      expect(text).toMatch(/"name": ?"apikey"/);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('keeps the value of an ordinary pair (a url, an index) and masks a webhook id, keeping the host', () => {
    const { text } = redact(workflow);
    expect(text).toContain(
      `https://shuffle.example/api/v1/hooks/webhook_${webhookIdFingerprint('b4d2a5c1-0f1e-4c55-9a57-3f1a7b1c9e11')}`,
    );
    expect(text).not.toContain('b4d2a5c1-0f1e');
    expect(redact('{"name":"index","value":"main"}').text).toBe('{"name":"index","value":"main"}');
  });

  it('finds Authorization and header_ names right after a JSON-escaped line break', () => {
    const { text } = redact('"headers":"X-Api-Key=S3\\nAuthorization=Basic SECRET4\\nProxy-Authorization: Bearer T9"');
    expect(text).toBe(`"headers":"X-Api-Key=${M}\\nAuthorization=Basic ${M}\\nProxy-Authorization: Bearer ${M}"`);
    expect(redact('dest\\nheader_Authorization=Splunk%20abc').text).toBe(`dest\\nheader_Authorization=${M}`);
  });

  it('redactDeep masks the value of a pair whose name is a secret or a header list, whatever its key order', () => {
    const out = redactDeep({
      params: [
        { value: 'SECRET5', name: 'password' },
        { name: 'headers', value: 'X-Api-Key=S3\nAuthorization=Basic SECRET4' },
        { name: 'url', value: 'https://es.example:9200' },
      ],
    });
    expect(out.params).toEqual([
      { value: M, name: 'password' },
      { name: 'headers', value: M },
      { name: 'url', value: 'https://es.example:9200' },
    ]);
  });
});
