// Firewall appliances as offline evidence, in the formats their own CLIs print, normalised to: the syslog
// destinations (and other log servers), and each enabled policy with its action and whether its traffic is logged
// where a SIEM can read it. Formats read:
// - FortiGate (FortiOS 6.x/7.x): `show full-configuration` or `show` output (`config ... edit ... set ... next ...
//   end`), from which `config log syslogd[2-4] setting`, `config log fortianalyzer setting`, `config log setting`
//   (fwpolicy-implicit-log) and `config firewall policy` are read. `show` omits defaults: a policy without
//   `set action` denies, without `set logtraffic` logs `utm` (security events only).
// - Palo Alto PAN-OS: `show config running` XML (`<config>...`), or the set format (`set cli config-output-format set`
//   then `show`): security rules (action, log-start, log-end [default yes], log-setting, disabled), the default
//   interzone rule, log forwarding profiles (traffic -> send-syslog) and syslog server profiles. A rule's traffic
//   reaches the SIEM only when it logs and its log-setting profile forwards traffic logs to syslog.
// - Check Point (R80+ management API): `mgmt_cli show access-rulebase name <layer> details-level full --format json`
//   (rules with action and track, sections nested; with details-level standard, uids resolved through
//   objects-dictionary) and `cp_log_export show` (the Log Exporter's targets, `name:` blocks of `key: value`).
import { ParseError } from '../../checks/types.js';
import { defineParser } from '../define.js';
import { exportFiles, type Outputs } from '../linux/util.js';
import { parseXml, type XmlElement } from '../xml.js';

export interface AppliancePolicy {
  id: string;
  name: string;
  action: 'allow' | 'deny';
  /** What the policy logs: all traffic, security events only, nothing. */
  log: 'all' | 'security-only' | 'none';
  /** The logs are sent on (PAN-OS: a forwarding profile with syslog); null when the product says nothing. */
  forwarded: boolean | null;
  implicit: boolean;
}

export interface ApplianceFacts {
  product: 'fortigate' | 'panos' | 'checkpoint';
  syslog: { name: string; server: string; port: string | null; enabled: boolean }[];
  other_destinations: string[];
  policies: AppliancePolicy[];
}

// ---------------------------------------------------------------------------------------------- FortiGate

interface FortiNode {
  set: Record<string, string[]>;
  configs: { path: string; node: FortiNode }[];
  entries: { id: string; node: FortiNode }[];
}

const fortiNode = (): FortiNode => ({ set: {}, configs: [], entries: [] });

/** Splits a FortiOS line into words, honouring double quotes. */
function fortiWords(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]!));
}

export function parseFortiConfig(text: string, file: string): FortiNode {
  const root = fortiNode();
  const stack: FortiNode[] = [root];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [verb, ...rest] = fortiWords(line);
    const top = stack[stack.length - 1]!;
    if (verb === 'config') {
      const node = fortiNode();
      top.configs.push({ path: rest.join(' '), node });
      stack.push(node);
    } else if (verb === 'edit') {
      const node = fortiNode();
      top.entries.push({ id: rest.join(' '), node });
      stack.push(node);
    } else if (verb === 'set') top.set[rest[0]!] = rest.slice(1);
    else if (verb === 'unset') delete top.set[rest[0]!];
    else if (verb === 'next' || verb === 'end') {
      if (stack.length === 1) throw new ParseError(`${file}:${i + 1}: "${verb}" without an open config or edit`);
      stack.pop();
    }
  });
  return root;
}

/** Every `config <path>` block anywhere in the tree (a VDOM configuration nests them under config vdom / edit). */
function fortiFind(node: FortiNode, path: RegExp): { path: string; node: FortiNode }[] {
  const out: { path: string; node: FortiNode }[] = [];
  const walk = (n: FortiNode) => {
    for (const c of n.configs) {
      if (path.test(c.path)) out.push(c);
      walk(c.node);
    }
    for (const e of n.entries) walk(e.node);
  };
  walk(node);
  return out;
}

export function fortigateFacts(text: string, file: string): ApplianceFacts {
  const root = parseFortiConfig(text, file);
  const syslog = fortiFind(root, /^log syslogd\d? (setting|override-setting)$/).map(({ path, node }) => ({
    name: path,
    server: node.set.server?.[0] ?? '',
    port: node.set.port?.[0] ?? null,
    enabled: node.set.status?.[0] === 'enable' && Boolean(node.set.server?.[0]),
  }));
  const others = fortiFind(root, /^log fortianalyzer\d?(-cloud)? (setting|override-setting)$/)
    .filter(({ node }) => node.set.status?.[0] === 'enable')
    .map(({ path, node }) => `FortiAnalyzer ${node.set.server?.[0] ?? '(cloud)'} (${path})`);
  const policies: AppliancePolicy[] = [];
  for (const { node } of fortiFind(root, /^firewall policy6?$/)) {
    for (const e of node.entries) {
      const s = e.node.set;
      if (s.status?.[0] === 'disable') continue;
      const action = s.action?.[0] === 'accept' ? 'allow' : 'deny';
      const traffic = s.logtraffic?.[0] ?? 'utm';
      // A deny policy logs only with `all` ("log violation traffic"); utm means security events of accepted traffic.
      const log = traffic === 'all' ? 'all' : traffic === 'utm' && action === 'allow' ? 'security-only' : 'none';
      policies.push({ id: e.id, name: s.name?.[0] ?? `policy ${e.id}`, action, log, forwarded: null, implicit: false });
    }
  }
  const logSetting = fortiFind(root, /^log setting$/)[0];
  if (logSetting) {
    policies.push({
      id: 'implicit',
      name: 'implicit deny',
      action: 'deny',
      log: logSetting.node.set['fwpolicy-implicit-log']?.[0] === 'enable' ? 'all' : 'none',
      forwarded: null,
      implicit: true,
    });
  }
  return { product: 'fortigate', syslog, other_destinations: others, policies };
}

// ---------------------------------------------------------------------------------------------- PAN-OS

const text = (e: XmlElement | undefined): string | undefined => e?.text.trim() || undefined;
const child = (e: XmlElement | undefined, name: string) => e?.children.find((c) => c.name === name);
const members = (e: XmlElement | undefined) =>
  (e?.children ?? []).filter((c) => c.name === 'member').map((m) => m.text.trim());

function allElements(e: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of e.children) {
    if (c.name === name) out.push(c);
    allElements(c, name, out);
  }
  return out;
}

interface PanRule {
  name: string;
  action: string;
  logStart: boolean;
  logEnd: boolean;
  logSetting: string | null;
  disabled: boolean;
  implicit: boolean;
}

function panFacts(
  rules: PanRule[],
  syslogProfiles: Map<string, { server: string; port: string | null }[]>,
  forwardingProfiles: Map<string, string[]>,
): ApplianceFacts {
  const syslog = [...syslogProfiles].flatMap(([name, servers]) =>
    servers.map((s) => ({ name, server: s.server, port: s.port, enabled: Boolean(s.server) })),
  );
  const policies = rules
    .filter((r) => !r.disabled)
    .map((r): AppliancePolicy => {
      const sends = r.logSetting ? (forwardingProfiles.get(r.logSetting) ?? []) : [];
      return {
        id: r.name,
        name: r.name,
        action: r.action === 'allow' ? 'allow' : 'deny',
        log: r.logEnd || r.logStart ? 'all' : 'none',
        forwarded: sends.some((p) => syslogProfiles.has(p)),
        implicit: r.implicit,
      };
    });
  return { product: 'panos', syslog, other_destinations: [], policies };
}

export function panosXmlFacts(xml: string, file: string): ApplianceFacts {
  const root = parseXml(xml, file);
  const rules: PanRule[] = [];
  for (const security of allElements(root, 'security')) {
    for (const entry of child(security, 'rules')?.children ?? []) {
      if (entry.name !== 'entry') continue;
      rules.push({
        name: entry.attrs.name ?? '(unnamed)',
        action: text(child(entry, 'action')) ?? 'allow',
        logStart: text(child(entry, 'log-start')) === 'yes',
        logEnd: text(child(entry, 'log-end')) !== 'no',
        logSetting: text(child(entry, 'log-setting')) ?? null,
        disabled: text(child(entry, 'disabled')) === 'yes',
        implicit: false,
      });
    }
  }
  // The predefined interzone-default rule denies and logs nothing unless overridden under default-security-rules.
  const defaults = allElements(root, 'default-security-rules')[0];
  const interzone = child(defaults, 'rules')?.children.find((e) => e.attrs.name === 'interzone-default');
  rules.push({
    name: 'interzone-default',
    action: text(child(interzone, 'action')) ?? 'deny',
    logStart: text(child(interzone, 'log-start')) === 'yes',
    logEnd: text(child(interzone, 'log-end')) === 'yes',
    logSetting: text(child(interzone, 'log-setting')) ?? null,
    disabled: false,
    implicit: true,
  });
  const syslogProfiles = new Map<string, { server: string; port: string | null }[]>();
  const forwardingProfiles = new Map<string, string[]>();
  for (const settings of allElements(root, 'log-settings')) {
    for (const profile of child(settings, 'syslog')?.children ?? []) {
      const servers = (child(profile, 'server')?.children ?? []).map((s) => ({
        server: text(child(s, 'server')) ?? '',
        port: text(child(s, 'port')) ?? null,
      }));
      syslogProfiles.set(profile.attrs.name ?? '', servers);
    }
    for (const profile of child(settings, 'profiles')?.children ?? []) {
      const sends = (child(profile, 'match-list')?.children ?? [])
        .filter((m) => text(child(m, 'log-type')) === 'traffic')
        .flatMap((m) => members(child(m, 'send-syslog')));
      forwardingProfiles.set(profile.attrs.name ?? '', sends);
    }
  }
  return panFacts(rules, syslogProfiles, forwardingProfiles);
}

/** The set format: one `set <path> <value>` per line (names may be quoted; lists as `[ a b ]`). */
export function panosSetFacts(setText: string): ApplianceFacts {
  const rules = new Map<string, PanRule>();
  const syslogProfiles = new Map<string, { server: string; port: string | null }[]>();
  const forwarding = new Map<string, Map<string, { type?: string; syslog: string[] }>>();
  const word = String.raw`("[^"]*"|\S+)`;
  const unq = (s: string) => s.replace(/^"|"$/g, '');
  const list = (s: string) =>
    unq(s)
      .replace(/^\[\s*|\s*\]$/g, '')
      .split(/\s+/)
      .filter(Boolean)
      .map(unq);
  for (const raw of setText.split('\n')) {
    const line = raw.trim();
    let m = new RegExp(String.raw`^set .*?\b(default-security-rules|rulebase security) rules ${word} (\S+) (.+)$`).exec(
      line,
    );
    if (m) {
      const name = unq(m[2]!);
      const implicit = m[1] === 'default-security-rules';
      const r = rules.get(name) ?? {
        name,
        action: implicit ? 'deny' : 'allow',
        logStart: false,
        logEnd: !implicit,
        logSetting: null,
        disabled: false,
        implicit,
      };
      const value = unq(m[4]!.trim());
      if (m[3] === 'action') r.action = value;
      else if (m[3] === 'log-start') r.logStart = value === 'yes';
      else if (m[3] === 'log-end') r.logEnd = value === 'yes';
      else if (m[3] === 'log-setting') r.logSetting = value;
      else if (m[3] === 'disabled') r.disabled = value === 'yes';
      rules.set(name, r);
      continue;
    }
    m = new RegExp(String.raw`^set .*?\blog-settings syslog ${word} server ${word} (server|port) (\S+)`).exec(line);
    if (m) {
      const servers = syslogProfiles.get(unq(m[1]!)) ?? [];
      let s = servers.find((x) => (x as { id?: string }).id === unq(m![2]!)) as
        | { id: string; server: string; port: string | null }
        | undefined;
      if (!s) {
        s = { id: unq(m[2]!), server: '', port: null };
        servers.push(s);
      }
      if (m[3] === 'server') s.server = unq(m[4]!);
      else s.port = unq(m[4]!);
      syslogProfiles.set(unq(m[1]!), servers);
      continue;
    }
    m = new RegExp(
      String.raw`^set .*?\blog-settings profiles ${word} match-list ${word} (log-type|send-syslog) (.+)$`,
    ).exec(line);
    if (m) {
      const profile = forwarding.get(unq(m[1]!)) ?? new Map();
      const entry = profile.get(unq(m[2]!)) ?? { syslog: [] };
      if (m[3] === 'log-type') entry.type = unq(m[4]!.trim());
      else entry.syslog.push(...list(m[4]!.trim()));
      profile.set(unq(m[2]!), entry);
      forwarding.set(unq(m[1]!), profile);
    }
  }
  if (!rules.has('interzone-default'))
    rules.set('interzone-default', {
      name: 'interzone-default',
      action: 'deny',
      logStart: false,
      logEnd: false,
      logSetting: null,
      disabled: false,
      implicit: true,
    });
  const forwardingProfiles = new Map(
    [...forwarding].map(([name, lists]) => [
      name,
      [...lists.values()].filter((l) => l.type === 'traffic').flatMap((l) => l.syslog),
    ]),
  );
  return panFacts([...rules.values()], syslogProfiles, forwardingProfiles);
}

// ---------------------------------------------------------------------------------------------- Check Point

/** `cp_log_export show`: blocks starting `name: <target>`, then `key: value` lines. */
export function checkpointLogExport(text: string): ApplianceFacts['syslog'] {
  const out: ApplianceFacts['syslog'] = [];
  let cur: Record<string, string> | undefined;
  const flush = () => {
    if (cur)
      out.push({
        name: cur.name ?? '',
        server: cur['target-server'] ?? '',
        port: cur['target-port'] ?? null,
        enabled: cur.enabled !== 'false' && Boolean(cur['target-server']),
      });
  };
  for (const raw of text.split('\n')) {
    const m = /^\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    if (m[1] === 'name') {
      flush();
      cur = {};
    }
    if (cur) cur[m[1]!] = m[2]!;
  }
  flush();
  return out;
}

export function checkpointRulebase(doc: Record<string, unknown>, file: string): AppliancePolicy[] {
  const dict = new Map<string, string>();
  for (const o of Array.isArray(doc['objects-dictionary']) ? doc['objects-dictionary'] : []) {
    const obj = o as { uid?: string; name?: string };
    if (obj.uid && obj.name) dict.set(obj.uid, obj.name);
  }
  const nameOf = (v: unknown): string => {
    if (typeof v === 'string') return dict.get(v) ?? v;
    if (v && typeof v === 'object') return String((v as { name?: unknown }).name ?? '');
    return '';
  };
  const policies: AppliancePolicy[] = [];
  const walk = (items: unknown) => {
    if (!Array.isArray(items)) return;
    for (const item of items as Record<string, unknown>[]) {
      if (item.type === 'access-section' || Array.isArray(item.rulebase)) {
        walk(item.rulebase);
        continue;
      }
      if (item.type !== 'access-rule' || item.enabled === false) continue;
      const action = nameOf(item.action).toLowerCase();
      const track = nameOf((item.track as { type?: unknown } | undefined)?.type ?? item.track).toLowerCase();
      policies.push({
        id: String(item['rule-number'] ?? item.uid ?? ''),
        name: String(item.name ?? `rule ${item['rule-number'] ?? ''}`).trim() || `rule ${item['rule-number']}`,
        action: /^(accept|allow|inform|ask)/.test(action) ? 'allow' : 'deny',
        log: !track || track === 'none' ? 'none' : 'all',
        forwarded: null,
        implicit: false,
      });
    }
  };
  if (!Array.isArray(doc.rulebase))
    throw new ParseError(`${file}: no "rulebase" list (mgmt_cli show access-rulebase ... --format json)`);
  walk(doc.rulebase);
  return policies;
}

// ---------------------------------------------------------------------------------------------- the parser

function readExports(outputs: Outputs): ApplianceFacts[] {
  const out: ApplianceFacts[] = [];
  for (const f of exportFiles(outputs, 'export-fortigate')) out.push(fortigateFacts(f.content, f.path));
  for (const f of exportFiles(outputs, 'export-panos')) {
    const t = f.content.trimStart();
    if (t.startsWith('<')) out.push(panosXmlFacts(t, f.path));
    else if (/^set /m.test(t)) out.push(panosSetFacts(t));
    else throw new ParseError(`${f.path}: neither PAN-OS XML (show config running) nor set commands`);
  }
  const cp = exportFiles(outputs, 'export-checkpoint');
  if (cp.length) {
    const facts: ApplianceFacts = { product: 'checkpoint', syslog: [], other_destinations: [], policies: [] };
    for (const f of cp) {
      const t = f.content.trimStart();
      if (t.startsWith('{')) {
        let doc: Record<string, unknown>;
        try {
          doc = JSON.parse(t) as Record<string, unknown>;
        } catch (e) {
          throw new ParseError(`${f.path}: not JSON (${(e as Error).message})`);
        }
        facts.policies.push(...checkpointRulebase(doc, f.path));
      } else facts.syslog.push(...checkpointLogExport(t));
    }
    out.push(facts);
  }
  return out;
}

export const firewallAppliance = defineParser({
  name: 'firewall-appliance',
  probes: ['export-fortigate', 'export-panos', 'export-checkpoint'],
  facts: [
    'product',
    'syslog',
    'syslog[].server',
    'syslog[].enabled',
    'syslog_configured',
    'other_destinations',
    'policies',
    'policies[].name',
    'policies[].action',
    'policies[].log',
    'policies[].forwarded',
    'allow_policies',
    'deny_policies',
    'allow_unlogged',
    'allow_security_only',
    'deny_unlogged',
    'reason',
  ],
  parse: (outputs) => {
    const all = readExports(outputs);
    if (all.length === 0) throw new ParseError('the exported files hold no appliance configuration');
    const syslog = all.flatMap((a) => a.syslog);
    const policies = all.flatMap((a) => a.policies);
    // Logged where a SIEM can read it: the policy logs, and (PAN-OS) its profile forwards traffic logs to syslog.
    const reaches = (p: AppliancePolicy) => p.log !== 'none' && p.forwarded !== false;
    const allow = policies.filter((p) => p.action === 'allow');
    const deny = policies.filter((p) => p.action === 'deny');
    const label = (p: AppliancePolicy) =>
      `${p.name}${p.log !== 'none' && p.forwarded === false ? ' (logged on the box, not forwarded)' : ''}`;
    const allowUnlogged = allow.filter((p) => !reaches(p)).map(label);
    const allowSecurity = allow.filter((p) => reaches(p) && p.log === 'security-only').map(label);
    const denyUnlogged = deny.filter((p) => !reaches(p)).map(label);
    const configured = syslog.some((s) => s.enabled);
    const others = all.flatMap((a) => a.other_destinations);
    const reasons = [
      configured
        ? `syslog: ${syslog
            .filter((s) => s.enabled)
            .map((s) => `${s.server}${s.port ? `:${s.port}` : ''}`)
            .join(', ')}`
        : `no enabled syslog destination${others.length ? ` (only ${others.join(', ')})` : ''}`,
      allowUnlogged.length ? `allow policies that log nothing: ${allowUnlogged.join(', ')}` : '',
      allowSecurity.length ? `allow policies logging security events only: ${allowSecurity.join(', ')}` : '',
      denyUnlogged.length ? `deny policies that log nothing: ${denyUnlogged.join(', ')}` : '',
    ].filter(Boolean);
    return {
      product: all.map((a) => a.product).join(', '),
      syslog,
      syslog_configured: configured,
      other_destinations: others,
      policies,
      allow_policies: allow.length,
      deny_policies: deny.length,
      allow_unlogged: allowUnlogged,
      allow_security_only: allowSecurity,
      deny_unlogged: denyUnlogged,
      reason: reasons.join('\n'),
    };
  },
});
