// Facts of a Suricata sensor: what its EVE JSON log records (event types and how much of each), whether HTTP bodies
// reach the log, which rule files it loads and how old the newest rules are. The effective configuration
// (`suricata --dump-config`) is preferred; the file is read when the binary cannot be asked (offline image, stored
// evidence of the file alone).
import { InconclusiveError, ParseError } from '../../checks/types.js';
import { defineParser } from '../define.js';
import { fileText, type Outputs, permissionProblem, toolMissing } from '../linux/util.js';
import {
  at,
  type ConfNode,
  namedItems,
  parseDumpConfig,
  parseSuricataYaml,
  sizeBytes,
  text,
  truth,
} from './suricata-config.js';

export interface EveTypes {
  alert: {
    logged: boolean;
    payload: boolean;
    payload_printable: boolean;
    packet: boolean;
    metadata: boolean;
    http_body: boolean;
    http_body_printable: boolean;
  };
  http: { logged: boolean; extended: boolean; dump_all_headers: string; custom: string[] };
  tls: { logged: boolean; extended: boolean; custom: string[] };
  ssh: { logged: boolean };
  flow: { logged: boolean };
  files: { logged: boolean };
  dns: { logged: boolean };
  stats: { logged: boolean };
}

/** Where the configuration came from, and the tree. */
function readConfig(outputs: Outputs): { conf: ConfNode; source: string } | undefined {
  const dump = outputs['suricata-dump-config'];
  if (dump && !dump.error && dump.exitCode === 0 && !toolMissing(dump) && dump.stdout.trim()) {
    return { conf: parseDumpConfig(dump.stdout), source: 'suricata --dump-config' };
  }
  const file = fileText(outputs, 'suricata-yaml');
  if (file !== undefined)
    return { conf: parseSuricataYaml(file, '/etc/suricata/suricata.yaml'), source: '/etc/suricata/suricata.yaml' };
  const perm = permissionProblem(dump);
  if (perm)
    throw new InconclusiveError(`suricata --dump-config: not permitted (${perm}); run with sudo: true or as root`);
  return undefined;
}

/** Every enabled eve-log output, merged: a type counts as logged when any enabled EVE output logs it. */
export function eveFacts(conf: ConfNode): {
  enabled: boolean;
  outputs: { filetype: string; filename: string }[];
  types: EveTypes;
} {
  const eves = namedItems(at(conf, 'outputs')).filter(
    (o) => o.name === 'eve-log' && truth(at(o.conf, 'enabled')) === true,
  );
  const types: EveTypes = {
    alert: {
      logged: false,
      payload: false,
      payload_printable: false,
      packet: false,
      metadata: false,
      http_body: false,
      http_body_printable: false,
    },
    http: { logged: false, extended: false, dump_all_headers: 'none', custom: [] },
    tls: { logged: false, extended: false, custom: [] },
    ssh: { logged: false },
    flow: { logged: false },
    files: { logged: false },
    dns: { logged: false },
    stats: { logged: false },
  };
  const on = (conf: ConfNode, key: string) => truth(at(conf, key)) === true;
  const list = (v: ConfNode | undefined) =>
    Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string')
      : typeof v === 'string'
        ? v.split(/[\s,[\]]+/).filter(Boolean)
        : [];
  for (const eve of eves) {
    for (const { name, conf: t } of namedItems(at(eve.conf, 'types'))) {
      // A type item is on unless it says `enabled: no` (frame, arp, pgsql ship that way).
      if (truth(at(t, 'enabled')) === false) continue;
      if (name === 'alert') {
        const a = types.alert;
        a.logged = true;
        a.payload ||= on(t, 'payload');
        a.payload_printable ||= on(t, 'payload-printable');
        a.packet ||= on(t, 'packet');
        // metadata defaults to on; a mapping under it (app-layer, flow, rule) is on too.
        const meta = at(t, 'metadata');
        const metaOn = meta === undefined || meta === null || typeof meta === 'object' || truth(meta) !== false;
        a.metadata ||= metaOn;
        // http-body needs metadata: without it Suricata writes no body into the alert.
        a.http_body ||= metaOn && on(t, 'http-body');
        a.http_body_printable ||= metaOn && on(t, 'http-body-printable');
      } else if (name === 'http') {
        const h = types.http;
        h.logged = true;
        h.extended ||= on(t, 'extended');
        const dump = text(at(t, 'dump-all-headers'))?.trim().toLowerCase();
        if (dump === 'both' || (dump && h.dump_all_headers === 'none')) h.dump_all_headers = dump;
        h.custom.push(...list(at(t, 'custom')));
      } else if (name === 'tls') {
        const s = types.tls;
        s.logged = true;
        const custom = list(at(t, 'custom'));
        s.custom.push(...custom);
        // Suricata: "enabling custom disables extended logging".
        s.extended ||= on(t, 'extended') && custom.length === 0;
      } else if (name in types) {
        (types[name as keyof EveTypes] as { logged: boolean }).logged = true;
      }
    }
  }
  return {
    enabled: eves.length > 0,
    outputs: eves.map((e) => ({
      filetype: text(at(e.conf, 'filetype')) ?? 'regular',
      filename: text(at(e.conf, 'filename')) ?? 'eve.json',
    })),
    types,
  };
}

/** HTTP parsing and the body sizes libhtp keeps (0 = unlimited): a body beyond the limit is never seen whole. */
export function httpAppLayer(conf: ConfNode): {
  enabled: boolean;
  request_body_limit: number | null;
  response_body_limit: number | null;
} {
  const http = at(conf, 'app-layer.protocols.http');
  const enabledText = text(at(http, 'enabled'));
  // `enabled: detection-only` parses but logs nothing; a missing value is Suricata's default (on).
  const enabled = enabledText === undefined ? true : truth(enabledText) === true;
  return {
    enabled,
    request_body_limit: sizeBytes(at(http, 'libhtp.default-config.request-body-limit')) ?? null,
    response_body_limit: sizeBytes(at(http, 'libhtp.default-config.response-body-limit')) ?? null,
  };
}

/** `now=<epoch>` then `<mtime epoch> <path>` lines (the suricata-rules-state probe); ages in whole days. */
export function parseRulesState(stdout: string): { now: number; files: { path: string; age_days: number }[] } {
  const nowLine = /^now=(\d+)\s*$/m.exec(stdout);
  if (!nowLine) throw new ParseError('suricata-rules-state: no now=<epoch> line');
  const now = Number(nowLine[1]);
  const files = [...stdout.matchAll(/^(\d+) (\/\S.*)$/gm)].map((m) => ({
    path: m[2]!,
    age_days: Math.floor((now - Number(m[1])) / 86400),
  }));
  return { now, files };
}

export const suricataConfig = defineParser({
  name: 'suricata-config',
  probes: ['suricata-dump-config', 'suricata-yaml', 'suricata-rules-state'],
  facts: ['installed', 'source', 'eve', 'app_layer', 'rules', 'rules.files[].path', 'rules.files[].age_days'],
  parse: (outputs) => {
    const read = readConfig(outputs);
    if (!read) {
      return {
        installed: false,
        source: 'none',
        eve: { enabled: false },
        app_layer: {},
        rules: { files: [], loaded: 0 },
      };
    }
    const { conf, source } = read;
    const eve = eveFacts(conf);
    const ruleFiles = Array.isArray(at(conf, 'rule-files'))
      ? (at(conf, 'rule-files') as ConfNode[]).filter((r): r is string => typeof r === 'string')
      : [];
    const state = outputs['suricata-rules-state'];
    let files: { path: string; age_days: number }[] = [];
    let newest: number | null = null;
    if (state && !state.error && state.stdout.includes('now=')) {
      files = parseRulesState(state.stdout).files;
      newest = files.length ? Math.min(...files.map((f) => f.age_days)) : null;
    }
    return {
      installed: true,
      source,
      eve: { enabled: eve.enabled, outputs: eve.outputs, ...eve.types },
      app_layer: { http: httpAppLayer(conf) },
      rules: {
        default_rule_path: text(at(conf, 'default-rule-path')) ?? null,
        rule_files: ruleFiles,
        loaded: ruleFiles.length,
        files,
        // null when the host gave no rule file times (state not readable): the freshness check is inconclusive then.
        newest_age_days: newest,
      },
    };
  },
});
