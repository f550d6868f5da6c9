// Finds a probe's marker in log text that was read from the server: access log lines, JSON lines (nginx escape=json,
// ModSecurity JSON audit) and ModSecurity's native multi-part audit records. Says which fields carried it.

/** The distinct strings one probe request carries, so each field can be recognised where it lands. */
export interface ProbeTokens {
  marker: string;
  /** In the URL (query string): the request was logged at all. */
  request: string;
  /** The username field's value in the body. */
  username?: string;
  /** Another body field: the body was logged. */
  body?: string;
  /** The fake password's value (clear text in a log means no masking). */
  password?: string;
  passwordField?: string;
  /** The end token at the very end of a long canary's body: present in the log means the body was not cut. */
  end?: string;
}

export interface MarkerHit {
  format: 'json' | 'modsec-native' | 'modsec-json' | 'line';
  /** JSON key paths or audit-log parts (`C: request body`) that carry a token. */
  fields: string[];
  carried: { request: boolean; username: boolean; body: boolean };
  fake_credential: 'clear' | 'masked' | 'absent';
  rule_ids: string[];
  intercepted: boolean | null;
  status: number | null;
  /** The hit, with the fake password replaced and cut to a few hundred characters. */
  excerpt: string;
}

const PART_NAMES: Record<string, string> = {
  A: 'A: audit header',
  B: 'B: request headers',
  C: 'C: request body',
  E: 'E: response body',
  F: 'F: response headers',
  H: 'H: trailer (rule messages)',
  I: 'I: request body (compact)',
  K: 'K: matched rules',
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The marker as a whole word: run 1's marker is a prefix of run 10's, so a digit may not follow it. */
function markerRe(t: ProbeTokens): RegExp {
  return new RegExp(`${escapeRe(t.marker)}(?![0-9])`);
}

function ruleIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\[id \\?"(\d+)\\?"\]/g)) ids.add(m[1]!);
  for (const m of text.matchAll(/"ruleId"\s*:\s*"?(\d+)/g)) ids.add(m[1]!);
  return [...ids].sort();
}

function passwordState(text: string, t: ProbeTokens): MarkerHit['fake_credential'] {
  if (t.password && text.includes(t.password)) return 'clear';
  if (t.passwordField) {
    const f = escapeRe(t.passwordField);
    if (new RegExp(`${f}(=|\\\\?"\\s*:\\s*\\\\?")\\*+`).test(text)) return 'masked';
  }
  return 'absent';
}

function excerpt(text: string, t: ProbeTokens): string {
  let s = text;
  if (t.password) s = s.split(t.password).join('[fake-password]');
  s = s.replace(/\s+/g, ' ').trim();
  const at = Math.max(0, s.indexOf(t.marker) - 120);
  return (at > 0 ? '…' : '') + s.slice(at, at + 400) + (s.length > at + 400 ? '…' : '');
}

function carried(text: string, t: ProbeTokens): MarkerHit['carried'] {
  return {
    request: text.includes(t.request),
    username: t.username ? text.includes(t.username) : false,
    body: t.body ? text.includes(t.body) : false,
  };
}

function jsonPaths(value: unknown, t: ProbeTokens, path: string, out: string[], re: RegExp): void {
  if (typeof value === 'string') {
    if (re.test(value) || (t.password !== undefined && value.includes(t.password))) out.push(path || '(value)');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      jsonPaths(v, t, `${path}[${i}]`, out, re);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) jsonPaths(v, t, path ? `${path}.${k}` : k, out, re);
  }
}

function statusOf(obj: Record<string, unknown>): number | null {
  const tx = obj.transaction as Record<string, unknown> | undefined;
  const candidates = [
    obj.status,
    (obj.response as Record<string, unknown> | undefined)?.status,
    (tx?.response as Record<string, unknown> | undefined)?.http_code,
  ];
  for (const c of candidates) if (c !== undefined && c !== null && !Number.isNaN(Number(c))) return Number(c);
  return null;
}

function nativeRecords(text: string): { id: string; parts: Map<string, string> }[] {
  // v2: --1a2b3c4d-A--   v3: ---M0tqExar---A--
  const re = /^-{2,3}([0-9A-Za-z]+)-{1,3}([A-Z])--\s*$/gm;
  const records = new Map<string, Map<string, string>>();
  let prev: { id: string; part: string; start: number } | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (prev) records.get(prev.id)!.set(prev.part, text.slice(prev.start, m.index));
    if (!records.has(m[1]!)) records.set(m[1]!, new Map());
    prev = { id: m[1]!, part: m[2]!, start: m.index + m[0].length };
  }
  if (prev) records.get(prev.id)!.set(prev.part, text.slice(prev.start));
  return [...records].map(([id, parts]) => ({ id, parts }));
}

/** Every place in `text` where the probe's marker appears, one hit per log line or audit record. */
export function findMarker(text: string, t: ProbeTokens): MarkerHit[] {
  const re = markerRe(t);
  if (!re.test(text)) return [];
  const hits: MarkerHit[] = [];
  if (/^-{2,3}[0-9A-Za-z]+-{1,3}A--\s*$/m.test(text)) {
    for (const rec of nativeRecords(text)) {
      const all = [...rec.parts.values()].join('\n');
      if (!re.test(all)) continue;
      const fields = [...rec.parts]
        .filter(([, body]) => re.test(body) || (t.password !== undefined && body.includes(t.password)))
        .map(([p]) => PART_NAMES[p] ?? p);
      const h = rec.parts.get('H') ?? '';
      const statusLine = /^HTTP\/[\d.]+ (\d{3})/m.exec(rec.parts.get('F') ?? '');
      hits.push({
        format: 'modsec-native',
        fields,
        carried: carried(all, t),
        fake_credential: passwordState(all, t),
        rule_ids: ruleIds(all),
        intercepted: /Action: Intercepted|Access denied with code/.test(h) ? true : h ? false : null,
        status: statusLine ? Number(statusLine[1]) : null,
        excerpt: excerpt(rec.parts.get('C') ?? rec.parts.get('I') ?? rec.parts.get('A') ?? all, t),
      });
    }
    // A native audit log holds only records: its lines are never access-log lines.
    return hits;
  }
  for (const line of text.split('\n')) {
    if (!re.test(line)) continue;
    const trimmed = line.trim();
    let obj: Record<string, unknown> | undefined;
    if (trimmed.startsWith('{')) {
      try {
        obj = JSON.parse(trimmed) as Record<string, unknown>;
      } catch {
        obj = undefined;
      }
    }
    if (obj) {
      const fields: string[] = [];
      jsonPaths(obj, t, '', fields, re);
      const modsec = 'transaction' in obj || 'audit_data' in obj;
      hits.push({
        format: modsec ? 'modsec-json' : 'json',
        fields,
        carried: carried(trimmed, t),
        fake_credential: passwordState(trimmed, t),
        rule_ids: modsec ? ruleIds(trimmed) : [],
        intercepted: modsec
          ? /"intercepted"\s*:\s*true|Action: Intercepted|"disruptive"\s*:\s*true/.test(trimmed)
          : null,
        status: statusOf(obj),
        excerpt: excerpt(trimmed, t),
      });
      continue;
    }
    const status = /"\s(\d{3})\s/.exec(trimmed);
    hits.push({
      format: 'line',
      fields: ['line'],
      carried: carried(trimmed, t),
      fake_credential: passwordState(trimmed, t),
      rule_ids: ruleIds(trimmed),
      intercepted: null,
      status: status ? Number(status[1]) : null,
      excerpt: excerpt(trimmed, t),
    });
  }
  return hits;
}
