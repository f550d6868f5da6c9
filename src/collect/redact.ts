/**
 * Redaction of secrets before anything is written to evidence or a report. Evidence comes from configuration files and
 * logs, which carry keys, passwords and tokens in many shapes; each pattern keeps the name and hides the value, so a
 * reader still sees *that* a secret was configured.
 */
const MASK = '[REDACTED]';

interface Rule {
  re: RegExp;
  replace: (...groups: string[]) => string;
}

const RULES: Rule[] = [
  // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PKCS#8), whole block.
  { re: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g, replace: (_m, kind) => `-----BEGIN ${kind}-----\n${MASK}\n-----END ${kind}-----` },
  // HTTP Authorization and proxy authorization headers, cookies.
  { re: /\b((?:proxy-)?authorization\s*[:=]\s*)(?:(basic|bearer|digest|negotiate|ntlm|token)\s+)?[^\s"',;]+/gi, replace: (_m, head, scheme) => `${head}${scheme ? `${scheme} ` : ''}${MASK}` },
  { re: /\b((?:set-)?cookie\s*:\s*)[^\r\n]+/gi, replace: (_m, head) => `${head}${MASK}` },
  // URLs with credentials: scheme://user:pass@host
  { re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, replace: (_m, head) => `${head}${MASK}@` },
  // key = value / key: value / "key": "value" for secret-looking names.
  {
    re: /(["']?\b[\w.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)\b["']?\s*[=:]\s*)(["']?)([^\s"'&,;}]+)\2/gi,
    replace: (_m, head, quote) => `${head}${quote}${MASK}${quote}`,
  },
  // Directive-style configuration lines: `AuthLDAPBindPassword s3cret`, `masterauth_password x`.
  { re: /^(\s*[\w.-]*(?:password|passphrase|secret|token)\s+)(?!no\b|yes\b)(\S+)/gim, replace: (_m, head) => `${head}${MASK}` },
  // Form and query parameters carrying passwords (access logs, ModSecurity audit logs, request bodies).
  { re: /([?&](?:pass(?:word|wd)?|pwd|token|secret|api_key)=)[^&\s"]*/gi, replace: (_m, head) => `${head}${MASK}` },
  // crypt(3) hashes in shadow-style files.
  { re: /(^|:)(\$(?:1|2[abxy]?|5|6|y|gy|7)\$[^:\s]{8,})/gm, replace: (_m, head) => `${head}${MASK}` },
  // Well-known token shapes.
  { re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: () => MASK },
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, replace: () => MASK },
  { re: /\b(gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,})\b/g, replace: () => MASK },
];

export function redact(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (...args: unknown[]) => {
      count++;
      const groups = args.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
      return rule.replace(...groups);
    });
  }
  return { text: out, count };
}

/** Redacts every string inside a JSON-like value (observed facts, API answers). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value).text as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /pass|secret|token|key$/i.test(k) && typeof v === 'string' ? MASK : redactDeep(v)])) as T;
  }
  return value;
}
