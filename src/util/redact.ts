/**
 * Redaction of secrets before anything is written to evidence or a report. Evidence comes from configuration files,
 * command output and logs (raw, or JSON-escaped inside ConvertTo-Json output), which carry keys, passwords and tokens
 * in many shapes. Each rule keeps the name (and the auth scheme) and hides only the value, so a reader still sees
 * *that* a secret was configured and parsers that re-read stored evidence still find every setting.
 *
 * Every pattern must stay linear on hostile input (4 MB of blank lines, one 4 MB line): no `\s` that can cross lines
 * under the `m` flag, no nested quantifiers over overlapping classes, and each name match starts only where a name
 * starts (a lookbehind instead of `\b`, which would retry inside a run like `a-a-a-a`).
 */
import { webhookIdFingerprint } from './webhook-id.js';

const MASK = '[REDACTED]';

/** Names whose value is a secret: the whole name, or its last part (`ldap_password`, `xpack.security.token`). */
const SECRET_NAME =
  '(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|clien' +
  't[_-]?secret|credentials?|authtok|bindpw|rootpw|requirepass|masterauth|pass4symmkey|auth_pass|storepass|ke' +
  'ypass|psk|community)';
/**
 * Directive-style lines (`name value`) need a narrower list: `Token Right Adjusted Events` and `Credential Validation`
 * are auditpol subcategories, not secrets.
 */
const DIRECTIVE_NAME =
  '(?:password|passwd|passphrase|secret|authtok|bindpw|rootpw|requirepass|masterauth|pass4symmkey|auth_pass|c' +
  'ommunity|psk)';
/** A name made of `[\w.-]` ending in one of the words above; the lookbehind makes it start where the name starts;
 * lazy, so a long name is scanned once forward instead of swallowed and then backtracked. */
const name = (words: string) => String.raw`(?<![\w.-])[\w.-]*?${words}(?![\w.-])`;
/** The closing quote of a quoted name: `"password"`, `'password'` or JSON-escaped `\"password\"`. */
const NAME_QUOTE = String.raw`(?:\\?["'])?`;
/** Start of a line, also inside a JSON string where lines are separated by the two characters `\n`. */
const LINE_START = String.raw`(?:^|(?<=\\n))[ \t]*`;

// Values. Quoted: JSON-escaped \"…\", raw "…" or '…', the closing quote optional (truncated evidence).
const QUOTED = String.raw`\\"(?:[^"\\\r\n]|\\[^"\r\n])+(?:\\")?|"(?:[^"\\\r\n]|\\.)+"?|'[^'\r\n]+'?`;
/** One character of an unquoted value; `\n`, `\r`, `\t` and `\"` end it (escapes inside JSON strings). */
const ATOM = String.raw`(?:[^\s"'\x60,;&)}\]\\]|\\[^\s"nrt])`;
/** An unquoted token; `;`, `)`, `}`, `]` belong to it only between value characters (`abc;def`, not `s3cret;`). */
const TOKEN = String.raw`${ATOM}+(?:[;)}\]]+${ATOM}+)*`;
/** The rest of a configuration line (`password = correct horse battery`), without trailing blanks or `;`. */
const ATOM_LINE = String.raw`(?:[^\s"\\;]|\\[^\s"nrt])`;
const LINE_REST = String.raw`${ATOM_LINE}+(?:[ \t;]+${ATOM_LINE}+)*(?=[ \t;]*(?:$|\\[nr]))`;

const AUTH_SCHEME = /^(basic|bearer|digest|negotiate|ntlm|token|aws4-hmac-sha256|apikey|sso-key|splunk)[ \t]+(?=\S)/i;
/** Values that are settings, not secrets: booleans, PAM control words, single-digit policy flags. */
const NOT_SECRET =
  /^(?:true|false|null|none|yes|no|on|off|required|requisite|sufficient|optional|include|substack|\d|\[REDACTED\])$/i;
/** nsswitch.conf `passwd: files systemd` names lookup sources. */
const NSS_MAP = /(?:^|[^\w.-])passwd[ \t]*:[ \t]*$/i;
const NSS_SOURCE = /^(?:files|compat|systemd|sss|db|nis|ldap|winbind|extrausers|cache)\b/i;

/** Splits a matched value into quotes and content: `\"x\"`, `"x"`, `'x'` or bare `x`. */
function unquote(value: string): { open: string; inner: string; close: string } {
  if (value.startsWith('\\"')) {
    const closed = value.length >= 4 && value.endsWith('\\"');
    return { open: '\\"', inner: value.slice(2, closed ? -2 : undefined), close: closed ? '\\"' : '' };
  }
  const q = value[0];
  if (q === '"' || q === "'") {
    const closed = value.length >= 2 && value.endsWith(q);
    return { open: q, inner: value.slice(1, closed ? -1 : undefined), close: closed ? q : '' };
  }
  return { open: '', inner: value, close: '' };
}

/** The masked value, or undefined when the value is a setting rather than a secret. */
function maskValue(value: string, head: string, keepScheme = false): string | undefined {
  const { open, inner, close } = unquote(value);
  // `[REDACTED` too: a token stops before `]`, so an earlier rule's mask must not be masked (and counted) again.
  if (NOT_SECRET.test(inner.trim()) || inner.startsWith(MASK.slice(0, -1))) return undefined;
  if (NSS_MAP.test(head) && NSS_SOURCE.test(inner)) return undefined;
  const scheme = keepScheme ? (AUTH_SCHEME.exec(inner)?.[0] ?? '') : '';
  if (inner.startsWith(MASK.slice(0, -1), scheme.length)) return undefined;
  return `${open}${scheme}${MASK}${close}`;
}

/** Line break style of a matched block, so a JSON-escaped block stays valid JSON after masking. */
function lineBreak(block: string): string {
  const raw = block.search(/\r?\n/);
  const escaped = block.search(/(?:\\r)?\\n/);
  if (escaped >= 0 && (raw < 0 || escaped < raw)) return block.slice(escaped).startsWith('\\r') ? '\\r\\n' : '\\n';
  return raw >= 0 && block[raw] === '\r' ? '\r\n' : '\n';
}

interface Rule {
  re: RegExp;
  /** Returns the replacement; returning the match unchanged means "not a secret" and is not counted. */
  replace: (match: string, ...groups: string[]) => string;
}

/** Rule for `head value`: masks the value, keeps the head, leaves settings (NOT_SECRET) untouched. */
const headValue = (re: RegExp, keepScheme = false): Rule => ({
  re,
  replace: (m, head, value) => {
    const masked = maskValue(value ?? '', head ?? '', keepScheme);
    return masked === undefined ? m : `${head}${masked}`;
  },
});

const NL = String.raw`(?:\r?\n|(?:\\r)?\\n)`;
/**
 * Where a header name starts: not inside a longer name, or right after a JSON-escaped `\n`, `\r` or `\t` (the headers
 * of a SOAR webhook are one JSON string, `X-Api-Key=a\nAuthorization=Basic b`, whose `n` would otherwise hide it).
 */
const HEADER_START = String.raw`(?:(?<=\\[nrt])|(?<![\w.-]))`;
/**
 * A JSON name/value pair whose name says the value is a secret (`{"name": "apikey", "value": "…"}`): SOAR action
 * parameters, workflow variables and webhook `auth_headers` store secrets this way, under a key named `value`.
 */
const PAIR_NAME = `(?:${SECRET_NAME}|auth_headers|headers|authorization|cookie)`;
const JSON_GAP = String.raw`[ \t\r\n]*`;

const RULES: Rule[] = [
  // `{"name": "password", "value": "…"}`: the whole value, whatever it holds (a header list, a bare key).
  {
    re: new RegExp(
      `("name"${JSON_GAP}:${JSON_GAP}"${name(PAIR_NAME)}"${JSON_GAP},${JSON_GAP}"value"${JSON_GAP}:` +
        String.raw`${JSON_GAP})("(?:[^"\\\r\n]|\\.)+"?)`,
      'gi',
    ),
    replace: (m, head, value) => {
      const masked = maskValue(value, head);
      return masked === undefined ? m : `${head}${masked}`;
    },
  },
  // A Shuffle webhook's id is its URL's secret part: anyone who knows it can start the workflow, unauthenticated. It
  // is kept as a fingerprint (src/util/webhook-id.ts), so a replay still tells the webhooks apart.
  {
    re: /(\/hooks\/webhook_)([\w-]+)/g,
    replace: (_m, head, id) => `${head}${webhookIdFingerprint(id)}`,
  },
  // PEM private keys (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8) and PGP private key blocks, whole block; a block
  // without its END line (truncated output) is masked to the end.
  {
    re: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: (m, kind) => {
      const nl = lineBreak(m);
      return `-----BEGIN ${kind}-----${nl}${MASK}${nl}-----END ${kind}-----`;
    },
  },
  // PuTTY private keys (PuTTY-User-Key-File-2/3): the private lines and the MAC; the public half is not secret.
  {
    re: new RegExp(String.raw`(Private-Lines:[ \t]*\d+)(${NL})(?:[A-Za-z0-9+/=]+(?:${NL}|$))*`, 'g'),
    replace: (m, head, nl) => (m.length > head.length + nl.length ? `${head}${nl}${MASK}${nl}` : m),
  },
  { re: /(Private-(?:MAC|Hash):[ \t]*)([0-9a-fA-F]+)/g, replace: (_m, head) => `${head}${MASK}` },
  // HTTP Authorization / Proxy-Authorization in headers, JSON and server configs
  // (`proxy_set_header Authorization "Basic …";`, `RequestHeader set Authorization "Bearer …"`): the scheme stays.
  // Without a separator the value must be quoted or start with a scheme (`Authorization $http_authorization` is kept).
  headValue(
    new RegExp(
      String.raw`(${HEADER_START}(?:proxy-)?authorization${NAME_QUOTE}(?:[ \t]*[:=][ \t]*|[ ` +
        String.raw`\t]+(?=\\?["']|(?:basic|bearer|digest|negotiate|ntlm|token)[ \t])))(${QUOTED}|digest[ ` +
        String.raw`\t](?:[^\r\n'\\]|\\[^nr])+|` +
        String.raw`(?:(?:basic|bearer|negotiate|ntlm|token|aws4-hmac-sha256|apikey|sso-key|splunk)[ \t]+)?${TOKEN})`,
      'gi',
    ),
    true,
  ),
  // Headers carried in a URL's query string (Cloudflare Logpush `destination_conf`: `?header_Authorization=Splunk%20…`,
  // `&header_DD-API-KEY=…`): the value up to the next parameter.
  {
    re: new RegExp(
      String.raw`(${HEADER_START}header_(?:proxy-)?(?:authorization|[\w-]*?(?:api[_-]?key|token|secret|password))=)` +
        String.raw`([^&\s"'\\]+)`,
      'gi',
    ),
    replace: (_m, head) => `${head}${MASK}`,
  },
  // Appliance configurations: FortiOS prints every secret as `set <name> ENC <value>`; FortiOS and PAN-OS set-format
  // lines name other secrets plainly (`set password "x"`, `set ... radius-server s1 secret -AQ==…`, `phash $1$…`).
  { re: /^([ \t]*set[ \t]+[\w-]+[ \t]+ENC[ \t]+)(\S+)/gim, replace: (_m, head) => `${head}${MASK}` },
  headValue(
    new RegExp(
      String.raw`(^[ \t]*set[ \t][^\r\n]*?(?<![\w.-])(?:phash|[\w-]*?(?:password|passwd|passphrase|secret|psk|` +
        String.raw`authtok))[ \t]+)(?!ENC[ \t])(${QUOTED}|${TOKEN})`,
      'gim',
    ),
  ),
  // PAN-OS XML: <phash>, <password>, <key>, <secret>, <psk>… elements hold the secret as their text.
  {
    re: /(<(phash|key|private-key|[\w-]*?(?:password|passwd|passphrase|secret|psk|token))>)([^<]+)(<\/\2>)/gi,
    replace: (_m, open, _name, _value, close) => `${open}${MASK}${close}`,
  },
  // Cookies: a quoted value, or the rest of the header line.
  headValue(
    new RegExp(String.raw`((?<![\w.-])(?:set-)?cookie${NAME_QUOTE}[ \t]*[:=][ \t]*)(${QUOTED}|[^\r\n"'\\]+)`, 'gi'),
  ),
  // URLs with credentials: scheme://user:pass@host. The password may hold `/` and `@` (`u:ab/cd@h`, `u:p@ss@h`);
  // the last `@` before the host ends it, and `host:8080/path@x` is a port, not a password. The password never spans
  // a `://`, so a line of many `x://a:` fragments is scanned once, not once per fragment.
  {
    re: new RegExp(
      String.raw`((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>\\]*:)(?!\d*(?:[/?#\s"']|$))` +
        String.raw`((?:[^\s@:"'<>\\\`]|:(?!\/\/))+(?:@[^\s@/"'<>\\\`]*)*)@`,
      'gi',
    ),
    replace: (m, head, pass) => (pass.startsWith(MASK) ? m : `${head}${MASK}@`),
  },
  // Form and query parameters carrying passwords (access logs, ModSecurity audit logs, ODBC `;PWD=…;`).
  headValue(
    new RegExp(
      '([?&;](?:pass|password|passwd|pwd|passphrase|token|access_token|' +
        String.raw`auth|secret|api_?key|apikey|client_secret)=)([^&\s"'#;]+)`,
      'gi',
    ),
  ),
  // Windows registry values (`reg query`): `DefaultPassword    REG_SZ    s3cret`.
  headValue(
    new RegExp(
      String.raw`^([ \t]+\w*${SECRET_NAME}[ \t]+REG_(?:SZ|EXPAND_SZ|MULTI_SZ|BINARY)[ \t]+)([^\r\n]*[^\s])`,
      'gim',
    ),
  ),
  // `name = value` at the start of a configuration line: the value may be several words (INI, YAML, properties).
  {
    re: new RegExp(
      String.raw`(${LINE_START}(?:export[ \t]+|-[ \t]+)?${NAME_QUOTE}${name(SECRET_NAME)}${NAME_QUOTE}[ ` +
        String.raw`\t]*(?:=>|:=|[=:])[ \t]*)(${QUOTED}|${LINE_REST}|${TOKEN})`,
      'gim',
    ),
    replace: (m, head, value) => {
      const masked = maskValue(value, head);
      return masked === undefined ? m : `${head}${masked}`;
    },
  },
  // `name = value`, `name: value`, `"name": "value"`, `name => "value"` (Logstash) anywhere on a line: one token or one
  // quoted string.
  headValue(
    new RegExp(String.raw`(${name(SECRET_NAME)}${NAME_QUOTE}[ \t]*(?:=>|:=|[=:])[ \t]*)(${QUOTED}|${TOKEN})`, 'gi'),
  ),
  // syslog-ng `password("…")`: only directly followed by a quoted string, so prose like `password (default)` stays.
  headValue(new RegExp(String.raw`(${name(SECRET_NAME)}\([ \t]*)(${QUOTED})`, 'gi')),
  // rsyslog `pwd="…"` (omelasticsearch); only quoted, so the `PWD=/root` of an environment dump stays.
  headValue(new RegExp(String.raw`((?<![\w.-])pwd[ \t]*=[ \t]*)(${QUOTED})`, 'gi')),
  // Command-line flags: `--password s3cret`, `-storepass changeit`.
  headValue(new RegExp(String.raw`((?<![\w.-])-{1,2}[\w-]*${SECRET_NAME}[ \t]+)(?!-)(${QUOTED}|${TOKEN})`, 'gi')),
  // Directive-style configuration lines: `AuthLDAPBindPassword s3cret`, `requirepass x`, `bindpw x`,
  // `rocommunity public default`. PAM lines (`password requisite pam_deny.so`) and `name = …` are not values.
  {
    re: new RegExp(String.raw`(${LINE_START}${name(DIRECTIVE_NAME)}[ \t]+)(?![=:(\[]|REG_)(${QUOTED}|${TOKEN})`, 'gim'),
    replace: (m, head, value) => {
      const masked = maskValue(value, head);
      return masked === undefined ? m : `${head}${masked}`;
    },
  },
  // net-snmp `com2sec name source community`, SNMPv3 `createUser name SHA authpass AES privpass`.
  headValue(/^([ \t]*com2sec6?[ \t]+(?:-Cn[ \t]+\S+[ \t]+)?\S+[ \t]+\S+[ \t]+)(\S+)/gim),
  {
    re: /^([ \t]*createUser[ \t]+(?:-e[ \t]+\S+[ \t]+)?\S+)[ \t]+\S[^\r\n]*/gim,
    replace: (_m, head) => `${head} ${MASK}`,
  },
  // Redis ACL `user alice on >s3cret #<sha256> ~* +@all`.
  {
    re: /^[ \t]*user[ \t][^\r\n]*/gim,
    replace: (m) =>
      m.replace(
        /(^|[ \t])(>)[^\s]+|(^|[ \t])(#)[0-9a-f]{64}(?![0-9a-f])/gi,
        (_x, a = '', b = '', c = '', d = '') => `${a}${c}${b}${d}${MASK}`,
      ),
  },
  // squid `cache_peer … login=user:pass`.
  {
    re: /((?<![\w.-])login=[^\s:]*:)([^\s]+)/g,
    replace: (m, head, value) => (value.startsWith(MASK) ? m : `${head}${MASK}`),
  },
  // crypt(3) hashes in shadow/htpasswd-style lines, also behind the `!`/`*` of a locked account (kept: it is a fact).
  {
    re: /(^|:)([!*]*)(\$(?:1|2[abxy]?|5|6|y|gy|7|apr1|argon2(?:id|i|d)|sha1|md5)\$[^:\s]{8,})/gm,
    replace: (_m, head, lock) => `${head}${lock}${MASK}`,
  },
  // Well-known token shapes.
  { re: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/g, replace: () => MASK },
  { re: /(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, replace: () => MASK },
  {
    re: new RegExp(
      String.raw`(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{22,}|` +
        String.raw`xox[abprse]-[A-Za-z0-9-]{10,}|glpat-[\w-]{20,}|AIza[\w-]{35})`,
      'g',
    ),
    replace: () => MASK,
  },
];

export function redact(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (...args: unknown[]) => {
      // replace() passes (match, ...groups, offset, input[, namedGroups]); keep only the strings before the offset.
      const end = args.findIndex((a) => typeof a === 'number');
      const [match, ...groups] = args.slice(0, end).map((g) => (typeof g === 'string' ? g : '')) as [
        string,
        ...string[],
      ];
      const replaced = rule.replace(match, ...groups);
      if (replaced !== match) count++;
      return replaced;
    });
  }
  return { text: out, count };
}

/**
 * Keys whose value is a secret in JSON-like values: the whole key or its last `_`/`.`/`-` part, case-insensitive
 * (`password`, `ldap_password`, `Authorization`), or its last camelCase word (`DefaultPassword`, `clientSecret`).
 * `passwordauthentication`, `bypass_mode`, `key` and `password_masked` are not secret names.
 */
const SECRET_KEY = new RegExp(
  String.raw`(?:^|[_.\- ])(?:password|passwd|passphrase|secret|token|api_?key|` +
    'access_?key|secret_?key|private_?key|client_?secret|authorization|' +
    'cookie|authtok|bindpw|rootpw|requirepass|masterauth|pass4symmkey)$',
  'i',
);
const SECRET_KEY_CAMEL =
  /[a-z0-9](?:Password|Passwd|Passphrase|Secret|Token|ApiKey|AccessKey|SecretKey|PrivateKey|SymmKey)$/;

/** Names of a name/value pair whose value is a secret besides the secret keys: header lists, bare API keys. */
const PAIR_KEY = /^(?:auth_headers|headers|cookie|apikey|api-key|x-api-key)$/i;

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_CAMEL.test(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Masks every value under a secret key, keeping the shape and the booleans (`password_set: true` is a fact). */
function maskAll(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(maskAll);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return MASK;
}

/** Redacts every string inside a JSON-like value (observed facts, API answers) and every value under a secret key. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value).text as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (isPlainObject(value)) {
    // `{name: "apikey", value: "…"}`: the pair's name says what its `value` holds.
    const pair = typeof value.name === 'string' && (isSecretKey(value.name) || PAIR_KEY.test(value.name));
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretKey(k) || (pair && k === 'value') ? maskAll(v) : redactDeep(v),
      ]),
    ) as T;
  }
  return value;
}

/**
 * The one redaction of a finding: what it quotes from the target (excerpt, observed facts, reason). The evaluator
 * applies it to every finding it returns, so no collection path redacts findings on its own.
 */
export function redactFinding<
  F extends {
    excerpt?: string;
    observed?: Record<string, unknown>;
    reason?: string;
    explanation?: { observed: object; expected: object };
    decisive?: { text: string }[];
  },
>(f: F): F {
  if (f.excerpt) f.excerpt = redact(f.excerpt).text;
  // Observed words and decisive lines quote the configuration: a secret in a directive must not reach the report.
  if (f.explanation)
    f.explanation = redactDeep(f.explanation as unknown as Record<string, unknown>) as unknown as F['explanation'];
  if (f.decisive) f.decisive = f.decisive.map((l) => ({ ...l, text: redact(l.text).text }));
  if (f.observed) f.observed = redactDeep(f.observed);
  if (f.reason) f.reason = redact(f.reason).text;
  return f;
}
