// Facts of a Snort 3 sensor: where its alerts go (which alert_* loggers are on, to a file, stdout or syslog), whether
// the alerts carry the packet, whether packets are logged, and whether any rules are loaded. Read from the effective
// configuration (`snort -c snort.lua --dump-config-text`, which prints every configured module's options with
// Snort's defaults filled in) or, when the binary cannot be asked, from snort.lua and the Lua files it includes; the
// running process's command line adds `-A <logger>`, `-L <logger>`, `-R`, `--rule-path`, `-l <dir>`.
// Upstream ships snort.lua with every output commented out and no rules included: Snort then inspects and records
// nothing a SIEM can read. Logger options follow src/loggers/*.cc of snort3/snort3 (3.12): `file` defaults to false
// (stdout), alert_json's default fields are `timestamp pkt_num proto pkt_gen pkt_len dir src_ap dst_ap rule action`
// (no msg), unified2 always writes its binary file.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import { splitGlobOutput } from '../../util/file-sections.js';
import { defineParser } from '../define.js';
import { type Outputs, permissionProblem, toolMissing } from '../linux/util.js';
import { isTable, type LuaTable, type LuaValue, parseLuaChunk } from './lua-tables.js';

/** Options of one module: `key -> value`, nested keys dotted (`fields`, `file`). */
type ModuleOptions = Record<string, string | number | boolean | null>;

export const ALERT_LOGGERS = [
  'alert_csv',
  'alert_fast',
  'alert_full',
  'alert_json',
  'alert_sfsocket',
  'alert_syslog',
  'alert_talos',
  'unified2',
] as const;
export const PACKET_LOGGERS = ['log_pcap', 'log_hext', 'log_codecs', 'packet_capture'] as const;
const JSON_DEFAULT_FIELDS = 'timestamp pkt_num proto pkt_gen pkt_len dir src_ap dst_ap rule action';

export interface SnortAlertLogger {
  name: string;
  /** file: text/JSON file in the log directory; binary-file: unified2; syslog; socket; stdout. */
  destination: 'file' | 'binary-file' | 'syslog' | 'socket' | 'stdout';
  /** Where it was turned on: the Lua configuration, or `-A` on the command line (defaults then). */
  from: 'config' | 'command-line';
  fields: string[] | null;
  packet: boolean;
}

/** `key=value` lines of --dump-config-text, grouped by top module (`alert_json.fields="..."`). */
export function parseDumpConfigText(text: string): Map<string, ModuleOptions> {
  const modules = new Map<string, ModuleOptions>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('consolidated config for')) continue;
    const m = /^([A-Za-z_]\w*)((?:\.|\[)[^=]*)?=(.*)$/.exec(line);
    if (!m) continue;
    const [, mod, rest = '', rawValue = ''] = m;
    const key = rest.replace(/^\./, '');
    const v = rawValue.trim();
    const value: string | number | boolean | null = /^".*"$/.test(v)
      ? v.slice(1, -1)
      : v === 'true'
        ? true
        : v === 'false'
          ? false
          : /^-?\d+(\.\d+)?$/.test(v)
            ? Number(v)
            : v;
    const opts = modules.get(mod!) ?? {};
    if (key) opts[key] = value;
    modules.set(mod!, opts);
  }
  return modules;
}

/** A Lua table's literal options (nested tables flattened with dots; expressions as their text). */
function tableOptions(t: LuaTable, prefix = ''): ModuleOptions {
  const out: ModuleOptions = {};
  for (const [k, v] of Object.entries(t.fields)) {
    if (isTable(v)) Object.assign(out, tableOptions(v, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = typeof v === 'object' && v !== null ? v.expr : v;
  }
  t.items.forEach((v, n) => {
    if (isTable(v)) Object.assign(out, tableOptions(v, `${prefix}[${n}].`));
    else out[`${prefix}[${n}]`] = typeof v === 'object' && v !== null ? v.expr : v;
  });
  return out;
}

/** snort.lua and the files it includes (from the same read), as module -> options; the main file is snort.lua. */
export function modulesFromLua(files: { path: string; content: string }[]): {
  modules: Map<string, ModuleOptions>;
  main: string;
} {
  const main = files.find((f) => /(^|\/)snort\.lua$/.test(f.path));
  if (!main) throw new ParseError(`no snort.lua among ${files.map((f) => f.path).join(', ') || 'the files read'}`);
  const modules = new Map<string, ModuleOptions>();
  const seen = new Set<string>();
  const load = (file: { path: string; content: string }) => {
    if (seen.has(file.path)) return;
    seen.add(file.path);
    const chunk = parseLuaChunk(file.content, file.path);
    // Includes are applied where they appear in practice (snort_defaults first, tweaks last): order by kind.
    for (const inc of chunk.includes) {
      const name = inc.split('/').pop()!;
      const found = files.find((f) => f.path.split('/').pop() === name);
      if (found) load(found);
    }
    for (const [name, { value }] of Object.entries(chunk.assignments)) {
      const v: LuaValue = value;
      if (isTable(v)) modules.set(name, tableOptions(v));
      else if (typeof v === 'object' && v !== null) {
        // `ips = default_ips` style references to a table defined earlier.
        const ref = modules.get(v.expr);
        if (ref) modules.set(name, { ...ref });
        else modules.set(name, { '=': v.expr });
      } else if (v !== null) modules.set(name, { '=': v });
    }
  };
  load(main);
  return { modules, main: main.path };
}

/** The options of the running process (or of the unit's ExecStart) that change outputs and rules. */
export function parseSnortCommandLine(text: string): {
  seen: boolean;
  alert: string[];
  packet: string[];
  rules: string[];
  log_dir: string | null;
} {
  const out = {
    seen: false,
    alert: [] as string[],
    packet: [] as string[],
    rules: [] as string[],
    log_dir: null as string | null,
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^ExecStart=[-@+!]*/, '').trim();
    if (!/(^|\/)snort(\s|$)/.test(line)) continue;
    out.seen = true;
    const args = line.split(/\s+/);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const next = args[i + 1];
      const val = (flag: string) =>
        a === flag ? next : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined;
      const alertMode = a === '-A' ? next : /^-A\S/.test(a) ? a.slice(2) : undefined;
      if (alertMode !== undefined) out.alert.push(alertMode);
      const pkt = a === '-L' ? next : /^-L\S/.test(a) ? a.slice(2) : undefined;
      if (pkt !== undefined) out.packet.push(pkt);
      const rules = a === '-R' ? next : (val('--rule-path') ?? val('--rule'));
      if (rules !== undefined) out.rules.push(rules);
      const dir = a === '-l' ? next : undefined;
      if (dir !== undefined) out.log_dir = dir;
    }
  }
  return out;
}

const on = (v: unknown) => v === true || v === 'true';

function alertLogger(name: string, opts: ModuleOptions, from: SnortAlertLogger['from']): SnortAlertLogger {
  const fieldsText =
    name === 'alert_json' || name === 'alert_csv'
      ? String(opts.fields ?? (name === 'alert_json' ? JSON_DEFAULT_FIELDS : ''))
      : '';
  const fields = fieldsText ? fieldsText.split(/[\s,]+/).filter(Boolean) : null;
  const destination: SnortAlertLogger['destination'] =
    name === 'unified2'
      ? 'binary-file'
      : name === 'alert_syslog'
        ? 'syslog'
        : name === 'alert_sfsocket'
          ? 'socket'
          : on(opts.file)
            ? 'file'
            : 'stdout';
  const packet =
    (name === 'alert_fast' && on(opts.packet)) ||
    (name === 'alert_json' && Boolean(fields?.includes('b64_data'))) ||
    name === 'unified2';
  return { name, destination, from, fields, packet };
}

export const snortConfig = defineParser({
  name: 'snort-config',
  probes: ['snort-dump-config', 'snort-lua', 'snort-lua-local', 'snort-cmdline'],
  facts: [
    'installed',
    'source',
    'alert_loggers',
    'alert_loggers[].name',
    'alert_loggers[].destination',
    'alert_enabled',
    'alert_collectable',
    'alert_binary_only',
    'alert_json_file',
    'json_fields',
    'json_complete',
    'alert_packet',
    'packet_loggers',
    'packet_logged',
    'rules_loaded',
    'rules',
    'command_line_seen',
    'reason',
  ],
  parse: (outputs: Outputs) => {
    const dump = outputs['snort-dump-config'];
    let modules: Map<string, ModuleOptions> | undefined;
    let source = 'none';
    if (dump && !dump.error && dump.exitCode === 0 && !toolMissing(dump) && /^\w+(\.|\[)\S*=/m.test(dump.stdout)) {
      modules = parseDumpConfigText(dump.stdout);
      source = 'snort --dump-config-text';
    } else {
      const files = ['snort-lua', 'snort-lua-local'].flatMap((id) => {
        const r = outputs[id];
        if (!r || (r.error && ['not-found', 'offline', 'unsupported'].includes(r.error.kind))) return [];
        if (r.error) throw new InconclusiveError(`${id}: ${permissionProblem(r) ?? r.error.message}`);
        return splitGlobOutput(r.stdout);
      });
      // /etc/snort (packages) is read first; a source install's /usr/local/etc/snort counts only when it is alone.
      const etc = files.filter((f) => f.path.startsWith('/etc/'));
      const chosen = etc.some((f) => f.path.endsWith('/snort.lua')) ? etc : files;
      if (chosen.some((f) => f.path.endsWith('/snort.lua'))) {
        const read = modulesFromLua(chosen);
        modules = read.modules;
        source = read.main;
      } else {
        const perm = permissionProblem(dump);
        if (perm) throw new InconclusiveError(`snort --dump-config-text: not permitted (${perm}); run with sudo`);
      }
    }
    const cmdProbe = outputs['snort-cmdline'];
    const cmd = parseSnortCommandLine(cmdProbe && !cmdProbe.error ? cmdProbe.stdout : '');
    if (!modules) {
      return {
        installed: false,
        source,
        alert_loggers: [],
        alert_enabled: false,
        alert_collectable: false,
        alert_binary_only: false,
        alert_json_file: false,
        json_fields: [],
        json_complete: false,
        alert_packet: false,
        packet_loggers: [],
        packet_logged: false,
        rules_loaded: false,
        rules: [],
        command_line_seen: cmd.seen,
        reason: '',
      };
    }
    const loggers: SnortAlertLogger[] = [];
    const none = cmd.alert.includes('none');
    if (!none) {
      for (const name of ALERT_LOGGERS) {
        const opts = modules.get(name);
        if (opts) loggers.push(alertLogger(name, opts, 'config'));
      }
      for (const mode of cmd.alert) {
        // -A cmg is alert_fast with the packet, to stdout; -A <logger> uses its configured or default options.
        const name =
          mode === 'cmg' ? 'alert_fast' : mode.startsWith('alert_') || mode === 'unified2' ? mode : `alert_${mode}`;
        if (loggers.some((l) => l.name === name)) continue;
        const opts = mode === 'cmg' ? { packet: true } : (modules.get(name) ?? {});
        loggers.push(alertLogger(name, opts, 'command-line'));
      }
    }
    const json = loggers.find((l) => l.name === 'alert_json');
    const jsonFields = json?.fields ?? [];
    const has = (...any: string[]) => any.some((f) => jsonFields.includes(f));
    const collectable = loggers.filter((l) => l.destination === 'file' || l.destination === 'syslog');
    const packetLoggers = [
      ...PACKET_LOGGERS.filter((n) => modules.has(n)),
      ...cmd.packet.map((p) => (p.startsWith('log_') ? p : `log_${p}`)),
    ];
    const ips = modules.get('ips') ?? {};
    const rules = [
      ...Object.entries(ips)
        .filter(([k, v]) => /^(include|rules|includes?\.|\[)/.test(k) && v !== null && v !== '' && k !== 'variables')
        .map(([k, v]) => `ips.${k}: ${String(v).trim().split('\n')[0]!.slice(0, 120)}`),
      ...cmd.rules.map((r) => `command line: ${r}`),
    ];
    const complete = Boolean(
      json && json.destination === 'file' && has('msg') && has('rule', 'sid') && has('src_ap', 'src_addr'),
    );
    const reasons: string[] = [];
    if (loggers.length === 0)
      reasons.push(
        none ? 'alerts are switched off (-A none)' : 'no alert logger is configured (snort.lua has them commented out)',
      );
    else if (collectable.length === 0)
      reasons.push(
        `alerts go to ${[...new Set(loggers.map((l) => l.destination))].join(', ')} only ` +
          `(${loggers.map((l) => l.name).join(', ')})`,
      );
    if (json && !complete) reasons.push(`alert_json: ${json.destination}, fields ${jsonFields.join(' ')}`);
    if (rules.length === 0) reasons.push('no rules are loaded (ips has no include or rules, no -R/--rule-path)');
    return {
      installed: true,
      source,
      alert_loggers: loggers,
      alert_enabled: loggers.length > 0,
      alert_collectable: collectable.length > 0,
      alert_binary_only: collectable.length === 0 && loggers.some((l) => l.destination === 'binary-file'),
      alert_json_file: json?.destination === 'file',
      json_fields: jsonFields,
      json_complete: complete,
      alert_packet: loggers.some((l) => l.packet && l.destination !== 'stdout'),
      packet_loggers: packetLoggers,
      packet_logged: packetLoggers.length > 0,
      rules_loaded: rules.length > 0,
      rules,
      command_line_seen: cmd.seen,
      reason: reasons.join('; '),
    };
  },
});
