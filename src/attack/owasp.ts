// OWASP Top 10 (2021 and 2025) with what each category needs in the logs to be detectable at all, and the maps from
// rule tags (OWASP CRS `attack-*` tags, explicit owasp tags, web rule titles) to categories.
import type { Bilingual, LogSourceRef } from '../model.js';

export type OwaspEdition = '2021' | '2025';

export interface OwaspNeed {
  source: LogSourceRef;
  why: Bilingual;
}

export interface OwaspCategory {
  /** "A03:2021" */
  id: string;
  edition: OwaspEdition;
  name: Bilingual;
  /** How far logs can show this class of attack at all. */
  detectability: 'good' | 'partial' | 'limited';
  /** Any one of these collected makes the category observable (the first is the best). */
  needs: OwaspNeed[];
}

const WAF: OwaspNeed = {
  source: { category: 'waf' },
  why: { en: 'WAF audit log with the matched rule and data', ja: '一致したルールとデータを含む WAF 監査ログ' },
};
const BODY: OwaspNeed = {
  source: { category: 'webserver', fields: ['request_body'] },
  why: { en: 'web server log that records request bodies', ja: 'リクエストボディを記録する Web サーバーログ' },
};
const QUERY: OwaspNeed = {
  source: { category: 'webserver', fields: ['cs-uri-query'] },
  why: {
    en: 'access log with query strings (GET parameters only)',
    ja: 'クエリ文字列を含むアクセスログ（GET パラメータのみ）',
  },
};
const STATUS: OwaspNeed = {
  source: { category: 'webserver', fields: ['sc-status', 'cs-uri-stem'] },
  why: { en: 'access log with URL and status code', ja: 'URL とステータスコードを含むアクセスログ' },
};
const AUTH: OwaspNeed = {
  source: { category: 'authentication' },
  why: { en: 'authentication success/failure events', ja: '認証の成功・失敗イベント' },
};
const PROXY: OwaspNeed = {
  source: { category: 'proxy' },
  why: { en: 'egress proxy log of outbound requests', ja: '外向き通信のプロキシログ' },
};
const ERRORS: OwaspNeed = {
  source: { category: 'webserver', fields: ['sc-status'] },
  why: {
    en: 'error responses (5xx) and application error logs',
    ja: 'エラー応答（5xx）とアプリケーションのエラーログ',
  },
};
const FILES: OwaspNeed = {
  source: { category: 'file_change' },
  why: { en: 'file integrity events on the application files', ja: 'アプリケーションファイルの改ざん検知イベント' },
};
const PROC: OwaspNeed = {
  source: { category: 'process_creation' },
  why: {
    en: 'process creation on web and build hosts (web shells, installers)',
    ja: 'Web サーバー・ビルドホストでのプロセス生成（Web シェル、インストーラー）',
  },
};
const TLS: OwaspNeed = {
  source: { category: 'webserver', fields: ['ssl_protocol'] },
  why: { en: 'TLS protocol and cipher per request', ja: 'リクエストごとの TLS プロトコルと暗号スイート' },
};
const PIPELINE: OwaspNeed = {
  source: { category: 'log_pipeline' },
  why: { en: 'health of log forwarding and alerting itself', ja: 'ログ転送とアラート基盤そのものの稼働状況' },
};

function cat(
  id: string,
  en: string,
  ja: string,
  detectability: OwaspCategory['detectability'],
  needs: OwaspNeed[],
): OwaspCategory {
  return { id, edition: id.endsWith('2025') ? '2025' : '2021', name: { en, ja }, detectability, needs };
}

export const OWASP_2021: OwaspCategory[] = [
  cat('A01:2021', 'Broken Access Control', 'アクセス制御の不備', 'partial', [WAF, STATUS, AUTH]),
  cat('A02:2021', 'Cryptographic Failures', '暗号化の失敗', 'limited', [TLS]),
  cat('A03:2021', 'Injection', 'インジェクション', 'good', [WAF, BODY, QUERY]),
  cat('A04:2021', 'Insecure Design', '安全が確認されない不安な設計', 'limited', [STATUS]),
  cat('A05:2021', 'Security Misconfiguration', 'セキュリティの設定ミス', 'partial', [WAF, ERRORS]),
  cat('A06:2021', 'Vulnerable and Outdated Components', '脆弱で古くなったコンポーネント', 'limited', [WAF, PROC]),
  cat('A07:2021', 'Identification and Authentication Failures', '識別と認証の失敗', 'good', [AUTH, STATUS, WAF]),
  cat('A08:2021', 'Software and Data Integrity Failures', 'ソフトウェアとデータの整合性の不具合', 'partial', [
    WAF,
    FILES,
    BODY,
  ]),
  cat('A09:2021', 'Security Logging and Monitoring Failures', 'セキュリティログとモニタリングの失敗', 'partial', [
    PIPELINE,
  ]),
  cat('A10:2021', 'Server-Side Request Forgery (SSRF)', 'サーバーサイドリクエストフォージェリ（SSRF）', 'partial', [
    PROXY,
    WAF,
    BODY,
  ]),
];

export const OWASP_2025: OwaspCategory[] = [
  cat('A01:2025', 'Broken Access Control', 'アクセス制御の不備', 'partial', [WAF, STATUS, AUTH, PROXY]),
  cat('A02:2025', 'Security Misconfiguration', 'セキュリティの設定ミス', 'partial', [WAF, ERRORS]),
  cat('A03:2025', 'Software Supply Chain Failures', 'ソフトウェアサプライチェーンの不備', 'limited', [PROC, FILES]),
  cat('A04:2025', 'Cryptographic Failures', '暗号化の失敗', 'limited', [TLS]),
  cat('A05:2025', 'Injection', 'インジェクション', 'good', [WAF, BODY, QUERY]),
  cat('A06:2025', 'Insecure Design', '安全でない設計', 'limited', [STATUS]),
  cat('A07:2025', 'Authentication Failures', '認証の失敗', 'good', [AUTH, STATUS, WAF]),
  cat('A08:2025', 'Software or Data Integrity Failures', 'ソフトウェアまたはデータの整合性の不具合', 'partial', [
    WAF,
    FILES,
    BODY,
  ]),
  cat('A09:2025', 'Security Logging and Alerting Failures', 'セキュリティログとアラートの失敗', 'partial', [PIPELINE]),
  cat('A10:2025', 'Mishandling of Exceptional Conditions', '例外的な状況の不適切な処理', 'partial', [ERRORS, WAF]),
];

export const OWASP_CATEGORIES: OwaspCategory[] = [...OWASP_2021, ...OWASP_2025];
const BY_ID = new Map(OWASP_CATEGORIES.map((c) => [c.id, c]));

export function owaspCategory(id: string): OwaspCategory | undefined {
  return BY_ID.get(id);
}

/** The same class of weakness in both editions ("A03:2021" ↔ "A05:2025"); SSRF joined Broken Access Control in 2025. */
const TO_2025: Record<string, string> = {
  A01: 'A01',
  A02: 'A04',
  A03: 'A05',
  A04: 'A06',
  A05: 'A02',
  A06: 'A03',
  A07: 'A07',
  A08: 'A08',
  A09: 'A09',
  A10: 'A01',
};

function both(k2021: string): string[] {
  return [`${k2021}:2021`, `${TO_2025[k2021]}:2025`];
}

/**
 * OWASP CRS `tag:` values (v3 `attack-sqli`, v4 also `OWASP_CRS/ATTACK-SQLI`) → categories. Reputation, DoS, scanner
 * and generic tags map to none: they are not a Top 10 weakness.
 */
const CRS_ATTACK_TAGS: Record<string, string[]> = {
  'attack-sqli': both('A03'),
  'attack-xss': both('A03'),
  'attack-rce': both('A03'),
  'attack-injection-php': both('A03'),
  'attack-injection-java': both('A03'),
  'attack-injection-generic': both('A03'),
  'attack-injection-nodejs': both('A03'),
  'attack-ldap': both('A03'),
  'attack-ssti': both('A03'),
  'attack-rfi': both('A03'),
  'attack-protocol': both('A03'),
  'attack-multipart-header': both('A03'),
  'attack-lfi': both('A01'),
  'attack-ssrf': both('A10'),
  'attack-fixation': both('A07'),
  'attack-deserialization': both('A08'),
  'attack-disclosure': ['A05:2021', 'A02:2025', 'A10:2025'],
};

export function owaspFromCrsTag(tag: string): string[] {
  let t = tag.trim().toLowerCase();
  if (t.startsWith('owasp_crs/')) t = t.slice('owasp_crs/'.length);
  return CRS_ATTACK_TAGS[t] ?? [];
}

/** Explicit tags such as `owasp.a03`, `owasp.a03.2021`, `OWASP-A05:2025`, `owasp_top10_2021_a01`. */
export function owaspFromExplicitTag(tag: string): string[] {
  const m = /owasp(?:[._\- ]?top[._\- ]?10)?(?:[._\- ]?(2021|2025))?[._\-: ]?a(\d{1,2})(?:[._\-: ]?(2021|2025))?/i.exec(
    tag,
  );
  if (!m) return [];
  const n = `A${m[2]!.padStart(2, '0')}`;
  const edition = m[1] ?? m[3];
  if (!TO_2025[n]) return [];
  if (edition === '2025') return [`${n}:2025`];
  if (edition === '2021') return both(n);
  // No edition: the 2021 numbering is what rule authors have used for years.
  return both(n);
}

const TITLE_HINTS: [RegExp, string][] = [
  [/sql.?injection|\bsqli\b|union.?select/i, 'A03'],
  [/cross.?site.?scripting|\bxss\b/i, 'A03'],
  [
    new RegExp(
      String.raw`\bssti\b|template injection|command injection|code injection|` +
        String.raw`os command|\bjndi\b|log4(j|shell)|\bognl\b|expression language|` +
        'remote code',
      'i',
    ),
    'A03',
  ],
  [/path traversal|directory traversal|\blfi\b|local file inclusion|\.\.\//i, 'A01'],
  [/\bssrf\b|server.?side request forgery|metadata service/i, 'A10'],
  [/deserial/i, 'A08'],
  [/brute.?force|password spray|credential stuffing|login failure|failed logon|failed login/i, 'A07'],
  [/web.?shell|webshell/i, 'A03'],
];

/** Web rules rarely carry OWASP tags; their titles say what they look for. Only applied to web log sources. */
export function owaspFromWebTitle(title: string): string[] {
  const out: string[] = [];
  for (const [re, key] of TITLE_HINTS) if (re.test(title)) out.push(...both(key));
  return out;
}

const WEB_CATEGORIES = new Set(['webserver', 'waf', 'proxy', 'application']);
const WEB_PRODUCTS = new Set(['apache', 'nginx', 'iis', 'modsecurity', 'squid', 'tomcat', 'haproxy']);

export function isWebLogSource(ls: LogSourceRef): boolean {
  return (
    (ls.category !== undefined && WEB_CATEGORIES.has(ls.category)) ||
    (ls.product !== undefined && WEB_PRODUCTS.has(ls.product)) ||
    (ls.service !== undefined && WEB_PRODUCTS.has(ls.service))
  );
}
