// Findings decided in code rather than by the catalog: what the TLS handshake showed from outside and what the live
// probes proved. Each aggregates every URL of the target into one finding per check, the worst status winning.
import type { AreaId, Bilingual, Finding, FindingStatus, LogSourceRef, Mappings, Severity } from '../model.js';
import type { LiveProbeResult } from './canary.js';
import type { TlsInspection } from './tls.js';

interface CodeCheck {
  id: string;
  title: Bilingual;
  /** What a failing or warning finding observed (the catalog's `fail_title`). */
  fail_title: Bilingual;
  rationale: Bilingual;
  remediation: Bilingual;
  area: AreaId;
  severity: Severity;
  weight: number;
  maps: Mappings;
  /** Log sources a passing result proves collected. */
  provides?: LogSourceRef[];
}

export const TLS_HANDSHAKE: CodeCheck = {
  id: 'web.tls.handshake',
  title: { en: 'HTTPS endpoints negotiate TLS 1.2 or newer', ja: 'HTTPS エンドポイントが TLS 1.2 以上で接続できる' },
  fail_title: { en: 'An HTTPS endpoint failed its handshake or still accepts TLS 1.0/1.1', ja: 'HTTPS エンドポイントのハンドシェイクが失敗したか、TLS 1.0 / 1.1 をまだ受け付けている' },
  rationale: {
    en: 'Seen from outside as any client would: a failed handshake or TLS 1.0/1.1 means clients are either cut off or exposed to downgrade attacks.',
    ja: '一般のクライアントと同じく外部から確認します。ハンドシェイクの失敗や TLS 1.0 / 1.1 は、クライアントが接続できないか、ダウングレード攻撃にさらされていることを意味します。',
  },
  remediation: { en: 'Allow only TLSv1.2 and TLSv1.3 (nginx ssl_protocols, Apache SSLProtocol).', ja: 'TLSv1.2 と TLSv1.3 のみを許可してください（nginx の ssl_protocols、Apache の SSLProtocol）。' },
  area: 'infrastructure',
  severity: 'medium',
  weight: 2,
  maps: { owasp: ['A02:2021'], attack: ['T1557'] },
};

export const TLS_TRUST: CodeCheck = {
  id: 'web.tls.certificate-trust',
  title: { en: 'The certificate is trusted and valid', ja: '証明書が信頼でき、有効期限内である' },
  fail_title: { en: 'The certificate is self-signed, expired or not trusted', ja: '証明書が自己署名・期限切れ、または信頼されていない' },
  rationale: {
    en: 'A self-signed, expired or untrusted certificate trains users and API clients to click through warnings, which is exactly what an interception attack needs.',
    ja: '自己署名・期限切れ・信頼されない証明書は、利用者や API クライアントに警告を無視する習慣を付けさせます。これはまさに中間者攻撃が必要とする状況です。',
  },
  remediation: { en: 'Use a certificate from a CA the clients trust (public CA or the internal PKI) and renew it before it expires.', ja: 'クライアントが信頼する CA（公的 CA または社内 PKI）の証明書を使い、期限切れの前に更新してください。' },
  area: 'infrastructure',
  severity: 'medium',
  weight: 2,
  maps: { owasp: ['A02:2021', 'A05:2021'], attack: ['T1557', 'T1587.003'] },
};

export const TLS_OWNER: CodeCheck = {
  id: 'web.tls.inspection-point',
  title: { en: 'TLS is terminated by the server or proxy whose logs are assessed', ja: '評価対象のサーバーまたはプロキシで TLS が終端されている' },
  fail_title: { en: 'TLS ends on another device: the assessed logs never see the plaintext', ja: 'TLS が別の機器で終端しており、評価対象のログは平文を見ていない' },
  rationale: {
    en: 'The certificate a client receives shows who decrypts the traffic. If it is not one this proxy/WAF is configured with, TLS ends elsewhere (a load balancer or the backend) and these logs and rules never see the plaintext.',
    ja: 'クライアントが受け取る証明書から、誰が通信を復号しているかがわかります。このプロキシ / WAF に設定された証明書でなければ、TLS は別の場所（ロードバランサーやバックエンド）で終端しており、ここのログやルールは平文を一切見ていません。',
  },
  remediation: {
    en: 'Terminate TLS on the proxy/WAF that logs and inspects (or forward the terminating device\'s logs), and add that device as a target.',
    ja: 'ログ記録と検査を行うプロキシ / WAF で TLS を終端するか、終端している機器のログを転送し、その機器を評価対象に加えてください。',
  },
  area: 'log-collection',
  severity: 'high',
  weight: 3,
  maps: { owasp: ['A09:2021'], attack: ['T1573.002'] },
};

export const BODY_CANARY: CodeCheck = {
  id: 'web.active.body-canary',
  title: { en: 'A live POST body reached the logs (canary), password not in clear', ja: '実際の POST ボディがログに届いた（カナリア）かつパスワードが平文でない' },
  fail_title: { en: 'The canary POST body did not reach the logs, or its password was logged in clear', ja: 'カナリア POST のボディがログに届かなかったか、パスワードが平文で記録された' },
  rationale: {
    en: 'Configuration says what should be logged; a harmless canary POST with a unique marker proves what is: which log, which fields, how fast, and whether the password field was masked.',
    ja: '設定からわかるのは「記録されるはず」のことだけです。一意のマーカーを含む無害なカナリア POST を送ることで、どのログに、どのフィールドが、どれだけの時間で記録され、パスワードがマスクされたかを実際に確かめます。',
  },
  remediation: {
    en: 'Log request bodies (nginx $request_body in proxied locations, ModSecurity part C) and mask password fields (map $request_body / sanitiseArg); forward those logs to the SIEM.',
    ja: 'リクエストボディを記録し（nginx ではプロキシするロケーションの $request_body、ModSecurity ではパート C）、パスワードフィールドをマスクして（map $request_body / sanitiseArg）、それらのログを SIEM に転送してください。',
  },
  area: 'log-collection',
  severity: 'high',
  weight: 4,
  maps: { owasp: ['A03:2021', 'A07:2021', 'A09:2021'], attack: ['T1190', 'T1110.004'] },
  provides: [{ category: 'webserver', fields: ['request_body'] }],
};

export const WAF_PROBE: CodeCheck = {
  id: 'web.active.waf-detection',
  title: { en: 'A CRS-flagged request was detected and blocked', ja: 'CRS が検知する形のリクエストが検知・遮断された' },
  fail_title: { en: 'A CRS-flagged request was not detected, or only detected and not blocked', ja: 'CRS が検知する形のリクエストが検知されなかったか、検知のみで遮断されなかった' },
  rationale: {
    en: 'A SQL-injection-shaped query sent to a path that does not exist harms nothing, yet the OWASP CRS flags it: it shows whether the WAF is in the path, logs the match with its rule ids, and blocks or only detects.',
    ja: '存在しないパスへ送る SQL インジェクション風のクエリは何も害しませんが、OWASP CRS はこれを検知します。WAF が経路上にあるか、一致したルール ID 付きで記録されるか、遮断するのか検知のみなのかがわかります。',
  },
  remediation: {
    en: 'Put ModSecurity + CRS in front of the application with SecRuleEngine On, and forward its audit log to the SIEM.',
    ja: 'アプリケーションの前段に ModSecurity と CRS を SecRuleEngine On で配置し、監査ログを SIEM に転送してください。',
  },
  area: 'detection-validation',
  severity: 'high',
  weight: 3,
  maps: { owasp: ['A03:2021', 'A05:2021'], attack: ['T1190'] },
  provides: [{ category: 'waf' }],
};

const ORDER: FindingStatus[] = ['pass', 'not-applicable', 'warn', 'inconclusive', 'error', 'fail'];
const worst = (a: FindingStatus, b: FindingStatus) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

function finding(c: CodeCheck, target: string, status: FindingStatus, reason: string, observed: Record<string, unknown>, evidence: string[]): Finding {
  return {
    check: c.id,
    target,
    status,
    area: c.area,
    severity: c.severity,
    weight: c.weight,
    title: c.title,
    fail_title: c.fail_title,
    rationale: c.rationale,
    remediation: c.remediation,
    reason,
    observed,
    evidence,
    maps: c.maps,
    ...(c.provides && status === 'pass' ? { provides: c.provides } : {}),
  };
}

export type CertOwner = 'this-server' | 'interception-ca' | 'elsewhere' | 'unknown';
export type TlsResult = TlsInspection & { owner: CertOwner };

/** One finding per TLS check over all the target's HTTPS URLs. */
export function tlsFindings(target: string, results: TlsResult[], evidence: string[]): Finding[] {
  if (results.length === 0) return [];
  let hs: FindingStatus = 'pass';
  let trust: FindingStatus = 'pass';
  let owner: FindingStatus = 'pass';
  const why = { hs: [] as string[], trust: [] as string[], owner: [] as string[] };
  for (const r of results) {
    if (!r.ok) {
      hs = worst(hs, 'fail');
      why.hs.push(`${r.url}: ${r.error}`);
      trust = worst(trust, 'inconclusive');
      owner = worst(owner, 'inconclusive');
      why.trust.push(`${r.url}: no handshake`);
      why.owner.push(`${r.url}: no handshake`);
      continue;
    }
    const old = !/^TLSv1\.[23]$/.test(r.protocol ?? '');
    hs = worst(hs, old ? 'fail' : 'pass');
    why.hs.push(`${r.url}: ${r.protocol} ${r.cipher ?? ''}`.trim());
    const selfSigned = r.leaf?.self_signed === true;
    const expired = (r.days_left ?? 0) < 0;
    const t: FindingStatus = r.authorized && !expired ? ((r.days_left ?? 99) < 14 ? 'warn' : 'pass') : 'fail';
    trust = worst(trust, t);
    why.trust.push(
      `${r.url}: ${r.authorized ? 'trusted' : `untrusted (${r.authorization_error ?? 'unknown'})`}${selfSigned ? ', self-signed' : ''}${expired ? ', expired' : ''}; subject ${r.leaf?.subject}; issuer ${r.leaf?.issuer}`,
    );
    const o: FindingStatus = r.owner === 'this-server' || r.owner === 'interception-ca' ? 'pass' : r.owner === 'elsewhere' ? 'warn' : 'inconclusive';
    owner = worst(owner, o);
    why.owner.push(`${r.url}: certificate ${r.owner === 'this-server' ? "is one this server is configured with" : r.owner === 'interception-ca' ? 'is issued by the TLS-interception CA' : r.owner === 'elsewhere' ? 'is not one this server is configured with (TLS ends elsewhere)' : 'could not be compared with the configuration (no host access or no certificate paths)'}`);
  }
  const observed = { urls: results.map((r) => ({ url: r.url, ok: r.ok, protocol: r.protocol, subject: r.leaf?.subject, issuer: r.leaf?.issuer, authorized: r.authorized, self_signed: r.leaf?.self_signed, days_left: r.days_left, owner: r.owner, error: r.error })) };
  return [
    finding(TLS_HANDSHAKE, target, hs, why.hs.join('; '), observed, evidence),
    finding(TLS_TRUST, target, trust, why.trust.join('; '), observed, evidence),
    finding(TLS_OWNER, target, owner, why.owner.join('; '), observed, evidence),
  ];
}

function landingSummary(r: LiveProbeResult) {
  return {
    marker: r.marker,
    status: r.request.status,
    found_in: r.found_in,
    body_logged: r.body_logged,
    username_logged: r.username_logged,
    fake_credential: r.fake_credential,
    rule_ids: r.rule_ids,
    blocked: r.blocked,
    first_seen_ms: r.first_seen_ms ?? null,
    fields: r.logs.flatMap((l) => l.hits.flatMap((h) => h.fields.map((f) => `${l.path}: ${f}`))),
    unreadable: r.logs.filter((l) => l.read_error).map((l) => `${l.path}: ${l.read_error}`),
  };
}

/** Inconclusive reasons common to both live probes: no log could be read, or the request itself failed. */
function unreadable(r: LiveProbeResult, hasHost: boolean): string | undefined {
  if (!hasHost) return 'no host to read the logs from: set `web.host` to the ssh/local target that holds them';
  if (r.logs.length === 0) return 'no log file known: set `web.log_paths` or let socready read the configuration';
  if (r.logs.every((l) => l.read_error)) return `no log could be read: ${r.logs.map((l) => `${l.path}: ${l.read_error}`).join('; ')}`;
  return undefined;
}

export function canaryFinding(target: string, results: LiveProbeResult[], hasHost: boolean, evidence: string[]): Finding | undefined {
  if (results.length === 0) return undefined;
  let status: FindingStatus = 'pass';
  const reasons: string[] = [];
  for (const r of results) {
    if (r.request.error && r.request.status === null) {
      status = worst(status, 'inconclusive');
      reasons.push(`${r.request.url}: request failed: ${r.request.error}`);
      continue;
    }
    const u = unreadable(r, hasHost);
    if (r.found_in.length === 0 && u) {
      status = worst(status, 'inconclusive');
      reasons.push(`${r.marker}: ${u}`);
      continue;
    }
    if (!r.request_logged) {
      status = worst(status, 'fail');
      reasons.push(`${r.marker}: not found in any log read (${r.logs.map((l) => l.path).join(', ')})`);
    } else if (!r.body_logged) {
      status = worst(status, 'fail');
      reasons.push(`${r.marker}: the request was logged in ${r.found_in.join(', ')} but not its body`);
    } else if (r.fake_credential === 'clear') {
      status = worst(status, 'warn');
      reasons.push(`${r.marker}: body logged in ${r.found_in.join(', ')} after ${r.first_seen_ms} ms, but the password field is in clear text`);
    } else {
      reasons.push(`${r.marker}: body logged in ${r.found_in.join(', ')} after ${r.first_seen_ms} ms, password ${r.fake_credential}`);
    }
  }
  return finding(BODY_CANARY, target, status, reasons.join('; '), { probes: results.map(landingSummary) }, evidence);
}

export function wafFinding(target: string, results: LiveProbeResult[], hasHost: boolean, evidence: string[]): Finding | undefined {
  if (results.length === 0) return undefined;
  let status: FindingStatus = 'pass';
  const reasons: string[] = [];
  for (const r of results) {
    if (r.request.error && r.request.status === null) {
      status = worst(status, 'inconclusive');
      reasons.push(`${r.request.url}: request failed: ${r.request.error}`);
      continue;
    }
    const rules = r.rule_ids.length > 0 ? `rules ${r.rule_ids.join(', ')}` : 'no rule ids';
    if (r.blocked && r.detected) reasons.push(`${r.marker}: blocked (HTTP ${r.request.status}) and logged with ${rules}`);
    else if (r.blocked) {
      const u = unreadable(r, hasHost);
      status = worst(status, u ? 'pass' : 'warn');
      reasons.push(`${r.marker}: blocked (HTTP ${r.request.status}) but ${u ?? 'no audit record with the marker was found'}`);
    } else if (r.detected) {
      status = worst(status, 'warn');
      reasons.push(`${r.marker}: detected (${rules}) but not blocked (HTTP ${r.request.status}): detection only`);
    } else {
      const u = unreadable(r, hasHost);
      status = worst(status, u ? 'inconclusive' : 'fail');
      reasons.push(`${r.marker}: not blocked (HTTP ${r.request.status}) and ${u ?? `no WAF record (${r.found_in.length > 0 ? `only in ${r.found_in.join(', ')}` : 'in no log'})`}`);
    }
  }
  return finding(WAF_PROBE, target, status, reasons.join('; '), { probes: results.map(landingSummary) }, evidence);
}
