import type { Parser } from '../../checks/types.js';
import { requireOk } from './auditpol.js';
import { psJsonList } from './eventlog.js';
import { parseRegQuery, normaliseKey } from './registry.js';

export interface ForwarderAgent {
  product: string;
  service: string | null;
  running: boolean;
  /** Where events go (host:port, URL, "Azure Monitor"), or null when the configuration does not say. */
  target: string | null;
  /** Whether the Security channel (4624, 4688, 1102 ...) is among what it forwards; null when not knowable here. */
  security_channel: boolean | null;
}

interface ServiceRow {
  Name: string;
  Status?: string | number;
}

interface ForwarderProbe {
  services?: ServiceRow[] | ServiceRow;
  configs?: Record<string, string>;
}

const SERVICES: Record<string, string> = {
  winlogbeat: 'Winlogbeat',
  'elastic-agent': 'Elastic Agent',
  splunkforwarder: 'Splunk Universal Forwarder',
  wazuhsvc: 'Wazuh agent',
  ossecsvc: 'Wazuh/OSSEC agent',
  azuremonitoragent: 'Azure Monitor Agent',
  healthservice: 'Microsoft Monitoring Agent',
  nxlog: 'NXLog',
  'fluent-bit': 'Fluent Bit',
};

function configFor(configs: Record<string, string>, pattern: RegExp): string | undefined {
  const key = Object.keys(configs).find((k) => pattern.test(k));
  return key ? configs[key] : undefined;
}

/** winlogbeat.yml: `hosts:` under an `output.*` section, and a `- name: Security` event log. */
export function winlogbeatTarget(yml: string): { target: string | null; security: boolean } {
  const output = /^output\.(\w+):([\s\S]*?)(?=^\S|$(?![\s\S]))/m.exec(yml);
  const hosts = output ? /hosts:\s*\[?\s*["']?([^"'\],\s]+)/.exec(output[2]!) : null;
  const cloud = /^cloud\.id:\s*["']?([^"'\s]+)/m.exec(yml);
  return {
    target: hosts ? `${output![1]}://${hosts[1]}` : cloud ? `elastic cloud ${cloud[1]!.split(':')[0]}` : null,
    security: /-\s*name:\s*["']?Security["']?\s*$/im.test(yml),
  };
}

/** Splunk outputs.conf `server = host:port[, ...]` and inputs.conf `[WinEventLog://Security]` not disabled. */
export function splunkTarget(
  outputs: string | undefined,
  inputs: string | undefined,
): { target: string | null; security: boolean | null } {
  // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
  const server = outputs ? /^[^\S\n\r\u2028\u2029]*server\s*=\s*(.+)$/m.exec(outputs) : null;
  let security: boolean | null = null;
  if (inputs) {
    const stanza = /^\[WinEventLog:\/\/Security\]([\s\S]*?)(?=^\[|$(?![\s\S]))/im.exec(inputs);
    security = stanza ? !/^[^\S\n\r\u2028\u2029]*disabled\s*=\s*(1|true)\s*$/im.test(stanza[1]!) : false;
  }
  return { target: server ? server[1]!.trim() : null, security };
}

/**
 * The text between each match of `open` and the first match of `close` after it (both global regexes). Without a close
 * after an opening there is none after the later ones either: stop rather than rescan to the end from each opening.
 */
function blocks(text: string, open: RegExp, close: RegExp): string[] {
  const out: string[] = [];
  for (let m = open.exec(text); m; m = open.exec(text)) {
    close.lastIndex = m.index + m[0].length;
    const end = close.exec(text);
    if (!end) break;
    out.push(text.slice(m.index + m[0].length, end.index));
    open.lastIndex = close.lastIndex;
  }
  return out;
}

/** Wazuh/OSSEC ossec.conf: `<address>` in `<server>` (or legacy `<server-ip>`), and the Security eventchannel. */
export function wazuhTarget(xml: string): { target: string | null; security: boolean } {
  // The first <address> after the first <server> (what `<server>[\s\S]*?<address>` finds, without retrying from
  // every later <server> when there is none).
  const server = /<server>/i.exec(xml);
  const addressRe = /<address>\s*([^<\s]+)\s*<\/address>/gi;
  if (server) addressRe.lastIndex = server.index + server[0].length;
  const address = (server ? addressRe.exec(xml) : null) ?? /<server-ip>\s*([^<\s]+)\s*<\/server-ip>/i.exec(xml);
  // A <localfile> whose text up to its first </localfile> names the Security location.
  const security = blocks(xml, /<localfile>/gi, /<\/localfile>/gi).some((body) =>
    /<location>\s*Security\s*<\/location>/i.test(body),
  );
  return { target: address ? address[1]! : null, security };
}

/** NXLog: an om_tcp/om_udp/om_ssl/om_http output with Host (or URL). */
export function nxlogTarget(conf: string): { target: string | null; security: boolean | null } {
  // `<Output ...>` (the tag runs to the first `>`) ... the first `</Output>` after it. Without a `>` or a `</Output>`
  // after an opening there is none after the later ones either: stop rather than rescan to the end from each.
  const open = /<Output/gi;
  const close = /<\/Output>/gi;
  for (let m = open.exec(conf); m; m = open.exec(conf)) {
    const tagEnd = conf.indexOf('>', m.index + m[0].length);
    if (tagEnd < 0) break;
    close.lastIndex = tagEnd + 1;
    const end = close.exec(conf);
    if (!end) break;
    open.lastIndex = close.lastIndex;
    const body = conf.slice(tagEnd + 1, end.index);
    if (!/Module\s+om_(tcp|udp|ssl|http|batchcompress)/i.test(body)) continue;
    // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
    const host = /^[^\S\n\r\u2028\u2029]*(?:Host|URL)\s+(\S+)/im.exec(body);
    const port = /^[^\S\n\r\u2028\u2029]*Port\s+(\d+)/im.exec(body);
    if (host)
      return { target: port ? `${host[1]}:${port[1]}` : host[1]!, security: /Security/i.test(conf) ? true : null };
  }
  return { target: null, security: null };
}

/** Facts: the log forwarders on a Windows host, with where they send and whether Security is among it. */
export const forwardersParser: Parser = (outputs) => {
  const probe =
    psJsonList<ForwarderProbe>(requireOk(outputs['win-forwarders'], 'win-forwarders').stdout, 'win-forwarders')[0] ??
    {};
  const services = Array.isArray(probe.services) ? probe.services : probe.services ? [probe.services] : [];
  const configs = probe.configs ?? {};
  const running = (name: string) => {
    const s = services.find((x) => x.Name.toLowerCase() === name);
    return s ? { service: s.Name, running: /running/i.test(String(s.Status)) || s.Status === 4 } : undefined;
  };
  const agents: ForwarderAgent[] = [];
  let wefPolicy: string | undefined;
  for (const [svc, product] of Object.entries(SERVICES)) {
    const state = running(svc);
    if (!state) continue;
    let target: string | null = null;
    let security: boolean | null = null;
    if (svc === 'winlogbeat') {
      const yml = configFor(configs, /winlogbeat\.yml$/i);
      if (yml) ({ target, security } = winlogbeatTarget(yml));
    } else if (svc === 'splunkforwarder') {
      ({ target, security } = splunkTarget(
        configFor(configs, /outputs\.conf$/i),
        configFor(configs, /inputs\.conf$/i),
      ));
    } else if (svc === 'wazuhsvc' || svc === 'ossecsvc') {
      const xml = configFor(configs, /ossec\.conf$/i);
      if (xml) ({ target, security } = wazuhTarget(xml));
    } else if (svc === 'nxlog') {
      const conf = configFor(configs, /nxlog\.conf$/i);
      if (conf) ({ target, security } = nxlogTarget(conf));
    } else if (svc === 'azuremonitoragent') {
      target = 'Azure Monitor (data collection rules)';
    }
    agents.push({ product, ...state, target, security_channel: security });
  }
  // Windows Event Forwarding on a source computer is a policy naming the collector's subscription manager.
  const reg = outputs['win-registry-policy'];
  if (reg && !reg.error) {
    const tree = parseRegQuery(reg.stdout);
    const sm = tree.get(
      normaliseKey('HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\EventLog\\EventForwarding\\SubscriptionManager'),
    );
    const value = sm
      ? [...sm.values()]
          .flat()
          .map(String)
          .find((v) => /Server=/i.test(v))
      : undefined;
    if (value) {
      wefPolicy = value;
      const winrm = running('winrm');
      agents.push({
        product: 'Windows Event Forwarding',
        service: 'WinRM',
        running: winrm ? winrm.running : true,
        target: /Server=([^,]+)/i.exec(value)![1]!,
        security_channel: null,
      });
    }
  }
  const active = agents.filter((a) => a.running && a.target);
  // The service and configuration answers behind the verdict; with no agent, what was asked and not found.
  const said = (text: string) => ({ probe: 'win-forwarders', text });
  const agentLines = agents.map((a) =>
    a.product === 'Windows Event Forwarding' && wefPolicy
      ? { probe: 'win-registry-policy', text: `EventForwarding\\SubscriptionManager: ${wefPolicy}` }
      : said(
          `${a.product} (${a.service}): ${a.running ? 'running' : 'not running'}; target ${a.target ?? 'not found'}` +
            `; Security channel ${a.security_channel === null ? 'unknown' : a.security_channel ? 'read' : 'not read'}`,
        ),
  );
  const none = said(
    `(no forwarding service among ${Object.keys(SERVICES).join(', ')} ` +
      'and no EventForwarding SubscriptionManager policy)',
  );
  return {
    at: {
      forwarding: agentLines.length ? agentLines : [none],
      security_forwarded: agentLines.length ? agentLines : [none],
    },
    agents,
    forwarding: active.length > 0,
    targets: active.map((a) => a.target),
    security_forwarded: active.some((a) => a.security_channel === true)
      ? true
      : active.every((a) => a.security_channel === false)
        ? false
        : null,
  };
};
