// Splunk's TRUNCATE (props.conf): the byte length past which Splunk cuts an event at parsing time (default 10000,
// 0 = never). A sourcetype detections need (web access/body logs, Windows/Sysmon XML, Linux audit) with TRUNCATE
// below the size of socready's long canary loses the end of a long body, command line or XML event, where the
// payload sits. Read two ways: the REST configs/conf-props answer (entries with content.TRUNCATE) on a Splunk
// target, and the props.conf files on a Splunk host (system/local > apps' local > apps' default > system/default).
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { type ConfStanza, parseSplunkConf } from '../../rules/splunk.js';
import { WEB_LONG_CANARY_BYTES } from '../../web/canary.js';
import { defineParser, type ParserModule } from '../define.js';
import { LONG_CANARY_BYTES } from '../linux/canary.js';
import { globFiles } from '../linux/util.js';
import { splunkSourcetypeHealth } from './source-health.js';
import { asRecord, type Outputs, otherProduct, readJson } from './util.js';

/** Splunk's built-in TRUNCATE (system/default/props.conf [default]). */
export const SPLUNK_DEFAULT_TRUNCATE = 10_000;

/** The sourcetypes detections need whole, and the event size each must pass: socready's long canaries. */
const NEEDED: { kind: string; test: RegExp; bytes: number }[] = [
  {
    kind: 'web access/body log',
    test: /access|nginx|apache|httpd|iis|squid|haproxy|modsec|waf/i,
    bytes: WEB_LONG_CANARY_BYTES,
  },
  { kind: 'Windows/Sysmon event log', test: /wineventlog|sysmon/i, bytes: LONG_CANARY_BYTES },
  { kind: 'Linux audit log', test: /linux[_:]audit|auditd|linux_secure|syslog/i, bytes: LONG_CANARY_BYTES },
];

export interface TruncateSetting {
  sourcetype: string;
  /** Bytes; 0 = unlimited. */
  truncate: number;
  /** Where it is set: file:line, a REST entry, or "default". */
  where: string;
  /** The line that sets it, for the finding's decisive lines. */
  at?: { file?: string; line?: number; probe?: string; text: string };
}

export interface TruncateJudgement {
  needed: (TruncateSetting & { kind: string; needs: number })[];
  cut: string[];
  at: NonNullable<TruncateSetting['at']>[];
}

/** A stanza that names a sourcetype (not `source::`/`host::`/`rule::`/`delayedrule::` or the default stanza). */
const isSourcetype = (name: string) => name !== 'default' && !/^(source|host|rule|delayedrule)::/.test(name);

/** Which settings are too small for the events they carry; sourcetypes seen receiving events fall back to default. */
export function judgeTruncate(
  settings: TruncateSetting[],
  fallback: TruncateSetting,
  seen: string[] = [],
): TruncateJudgement {
  const all = new Map(settings.map((s) => [s.sourcetype, s]));
  for (const st of seen)
    if (!all.has(st)) all.set(st, { ...fallback, sourcetype: st, where: `[default] ${fallback.where}` });
  const needed: TruncateJudgement['needed'] = [];
  for (const s of [...all.values()].sort((a, b) => a.sourcetype.localeCompare(b.sourcetype))) {
    const need = NEEDED.find((n) => n.test.test(s.sourcetype));
    if (need) needed.push({ ...s, kind: need.kind, needs: need.bytes });
  }
  const short = needed.filter((n) => n.truncate > 0 && n.truncate < n.needs);
  const cut = short.map(
    (n) => `${n.sourcetype} (${n.kind}): TRUNCATE = ${n.truncate} at ${n.where}, events up to ${n.needs} bytes are cut`,
  );
  return { needed, cut, at: short.flatMap((n) => (n.at ? [n.at] : [])) };
}

function bytesOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The effective TRUNCATE per sourcetype stanza from props.conf files given highest precedence first. */
export function truncateFromFiles(files: { path: string; content: string }[]): {
  settings: TruncateSetting[];
  fallback: TruncateSetting;
} {
  const rank = (p: string) =>
    /\/etc\/system\/local\//.test(p) ? 0 : /\/local\//.test(p) ? 1 : /\/etc\/system\/default\//.test(p) ? 3 : 2;
  const ordered = files
    .filter((f) => /\/etc\/(system|apps\/[^/]+)\/(local|default)\/props\.conf$/.test(f.path))
    .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  const settings = new Map<string, TruncateSetting>();
  const named = new Set<string>();
  let fallback: TruncateSetting | undefined;
  for (const f of ordered) {
    for (const st of parseSplunkConf(f.content) as ConfStanza[]) {
      if (isSourcetype(st.name)) named.add(st.name);
      const bytes = bytesOf(st.keys.get('TRUNCATE'));
      if (bytes === undefined) continue;
      const line = st.keyLines?.get('TRUNCATE') ?? st.line;
      const set = {
        truncate: bytes,
        where: `${f.path}:${line}`,
        at: { file: f.path, line, text: `TRUNCATE = ${st.keys.get('TRUNCATE')}` },
      };
      if (st.name === 'default') fallback ??= { sourcetype: 'default', ...set };
      else if (isSourcetype(st.name) && !settings.has(st.name)) settings.set(st.name, { sourcetype: st.name, ...set });
    }
  }
  const base = fallback ?? { sourcetype: 'default', truncate: SPLUNK_DEFAULT_TRUNCATE, where: 'Splunk default' };
  // A sourcetype stanza that sets no TRUNCATE anywhere takes the [default] stanza's.
  for (const name of named)
    if (!settings.has(name)) settings.set(name, { ...base, sourcetype: name, where: `[default] ${base.where}` });
  return { settings: [...settings.values()], fallback: base };
}

/** REST configs/conf-props: each entry is a stanza as one app sees it; the smallest TRUNCATE across apps is kept. */
export function truncateFromRest(json: unknown): { settings: TruncateSetting[]; fallback: TruncateSetting } {
  const entries = asRecord(json).entry;
  if (!Array.isArray(entries)) throw new InconclusiveError('splunk-props: no "entry" list in the answer');
  // A partial page may leave out the stanza that cuts: undecided, not a pass.
  const total = Number(asRecord(asRecord(json).paging).total);
  if (Number.isFinite(total) && total > entries.length)
    throw new InconclusiveError(`splunk-props: ${entries.length} of ${total} props stanzas read (paging)`);
  const settings = new Map<string, TruncateSetting>();
  let fallback: TruncateSetting | undefined;
  entries.forEach((raw, i) => {
    const e = asRecord(raw);
    const name = typeof e.name === 'string' ? e.name : undefined;
    const c = asRecord(e.content);
    const bytes = bytesOf(c.TRUNCATE === undefined ? undefined : String(c.TRUNCATE));
    if (!name || bytes === undefined) return;
    const app = asRecord(asRecord(c['eai:acl']).app ? c['eai:acl'] : e.acl).app;
    const where = `REST conf-props entry[${i}] [${name}]${typeof app === 'string' ? ` (app ${app})` : ''}`;
    const s = {
      sourcetype: name,
      truncate: bytes,
      where,
      at: { probe: 'splunk-props', text: `${where}: TRUNCATE = ${bytes}` },
    };
    if (name === 'default') {
      if (!fallback || bytes < fallback.truncate) fallback = s;
    } else if (isSourcetype(name)) {
      const prev = settings.get(name);
      if (!prev || (bytes !== 0 && (prev.truncate === 0 || bytes < prev.truncate))) settings.set(name, s);
    }
  });
  return {
    settings: [...settings.values()],
    fallback: fallback ?? { sourcetype: 'default', truncate: SPLUNK_DEFAULT_TRUNCATE, where: 'Splunk default' },
  };
}

function facts(j: TruncateJudgement, source: string): Facts {
  return {
    applicable: true,
    needed: j.needed.map((n) => `${n.sourcetype}: ${n.truncate === 0 ? 'unlimited' : n.truncate} (${n.where})`),
    cut: j.cut,
    at: { cut: j.at },
    explanation:
      j.needed.length === 0
        ? `${source}: no sourcetype of web, Windows or Linux audit logs is configured or receiving events`
        : j.cut.length === 0
          ? `${source}: ${j.needed.length} sourcetype(s) detections need keep events of their canary size whole ` +
            `(${j.needed.map((n) => `${n.sourcetype} ${n.truncate === 0 ? 'unlimited' : n.truncate}`).join(', ')})`
          : `${source}: cut at parsing: ${j.cut.join('; ')}`,
  };
}

const restTruncate = (outputs: Outputs): Facts => {
  const gate = otherProduct(outputs, ['splunk-props']);
  if (gate) return gate;
  const { settings, fallback } = truncateFromRest(readJson(outputs, 'splunk-props'));
  // Sourcetypes receiving events without their own stanza take the [default] TRUNCATE.
  const st = outputs['splunk-sourcetypes'];
  let seen: string[] = [];
  if (st && !st.error) {
    try {
      seen = [...new Set(splunkSourcetypeHealth(st.stdout).map((r) => r.sourcetype))];
    } catch {
      seen = [];
    }
  }
  return facts(judgeTruncate(settings, fallback, seen), 'Splunk props (REST)');
};

const fileTruncate = (outputs: Outputs): Facts => {
  const files = [...globFiles(outputs, 'splunk-props-system'), ...globFiles(outputs, 'splunk-props-apps')];
  if (files.length === 0)
    return { applicable: false, needed: [], cut: [], explanation: 'no Splunk props.conf on this host' };
  const { settings, fallback } = truncateFromFiles(files);
  return facts(judgeTruncate(settings, fallback), 'Splunk props.conf');
};

export const splunkPropsParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-truncate',
    probes: ['api-root', 'splunk-props', 'splunk-sourcetypes'],
    facts: ['applicable', 'needed', 'cut', 'at', 'explanation'],
    parse: restTruncate,
  }),
];

export const splunkPropsFileParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-truncate-files',
    probes: ['splunk-props-system', 'splunk-props-apps'],
    facts: ['applicable', 'needed', 'cut', 'at', 'explanation'],
    parse: fileTruncate,
  }),
];
