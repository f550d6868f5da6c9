// Facts of a Zeek sensor from its site policy (local.zeek) and zeekctl.cfg. Zeek loads its base protocol analyzers
// (conn, http, ssl, ssh, files...) by default; local.zeek adds policy scripts and can switch logs off
// (`Log::disable_stream(HTTP::LOG)`) or to JSON (`redef LogAscii::use_json = T;` or `@load tuning/json-logs`).
import { ParseError } from '../../checks/types.js';
import { splitGlobOutput } from '../../util/file-sections.js';
import { defineParser } from '../define.js';
import { type Outputs, requireCommand } from '../linux/util.js';

/** The base streams a SOC reads, by the module name Zeek gives their log stream. */
export const ZEEK_STREAMS: Record<string, string> = {
  conn: 'Conn',
  http: 'HTTP',
  ssl: 'SSL',
  ssh: 'SSH',
  files: 'Files',
  dns: 'DNS',
  x509: 'X509',
  notice: 'Notice',
};

/** Drops a `#` comment outside double quotes (Zeek strings are double-quoted). */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && inString) i++;
    else if (c === '"') inString = !inString;
    else if (c === '#' && !inString) return line.slice(0, i);
  }
  return line;
}

/** `policy/tuning/json-logs.zeek` and `tuning/json-logs` are one script. */
function scriptName(path: string): string {
  return path
    .replace(/^\.\//, '')
    .replace(/^policy\//, '')
    .replace(/\.(zeek|bro)$/, '')
    .replace(/\/$/, '');
}

export interface ZeekPolicy {
  loads: string[];
  use_json: boolean;
  disabled_streams: string[];
  streams: Record<string, boolean>;
  redefs: Record<string, string>;
}

export function parseLocalZeek(text: string, file: string): ZeekPolicy {
  const loads: string[] = [];
  const redefs: Record<string, string> = {};
  const disabled = new Set<string>();
  let json = false;
  text.split('\n').forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    const load = /^@load(?:-sigs)?\s+(\S+)/.exec(line);
    if (load) {
      if (line.startsWith('@load-sigs')) return;
      const name = scriptName(load[1]!);
      loads.push(name);
      if (name === 'tuning/json-logs') json = true;
      return;
    }
    const redef = /^redef\s+([A-Za-z_][\w:]*)\s*(\+?=)\s*(.+?);?\s*$/.exec(line);
    if (redef) {
      const value = redef[3]!.replace(/;$/, '').trim();
      redefs[redef[1]!] = value;
      if (redef[1] === 'LogAscii::use_json') {
        if (value !== 'T' && value !== 'F')
          throw new ParseError(`${file}:${i + 1}: LogAscii::use_json must be T or F, got "${value}"`);
        json = value === 'T';
      }
      return;
    }
    for (const m of line.matchAll(/Log::disable_stream\s*\(\s*([A-Za-z_][\w]*)::LOG\s*\)/g))
      disabled.add(m[1]!.toLowerCase());
  });
  const streams = Object.fromEntries(
    Object.entries(ZEEK_STREAMS).map(([key, module]) => [key, !disabled.has(module.toLowerCase())]),
  );
  return { loads, use_json: json, disabled_streams: [...disabled].sort(), streams, redefs };
}

/** zeekctl.cfg `Key = value` lines (LogDir, LogRotationInterval in seconds, LogExpireInterval). */
export function parseZeekctlCfg(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Za-z][\w.]*)\s*=\s*(.*?)\s*$/.exec(stripComment(raw));
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export const zeekSite = defineParser({
  name: 'zeek-site',
  probes: ['zeek-site'],
  facts: [
    'installed',
    'file',
    'loads',
    'use_json',
    'disabled_streams',
    'streams',
    'log_dir',
    'rotation_seconds',
    'expire',
  ],
  parse: (outputs: Outputs) => {
    const r = requireCommand(outputs, 'zeek-site', "Zeek's site policy");
    const sections = splitGlobOutput(r.stdout);
    const local = sections.find((s) => /\/local\.(zeek|bro)$/.test(s.path));
    if (!local)
      return {
        installed: false,
        file: null,
        loads: [],
        use_json: false,
        disabled_streams: [],
        streams: {},
        log_dir: null,
        rotation_seconds: null,
        expire: null,
      };
    const policy = parseLocalZeek(local.content, local.path);
    const cfgText = sections.find((s) => s.path.endsWith('zeekctl.cfg'))?.content;
    const cfg = cfgText ? parseZeekctlCfg(cfgText) : {};
    const rotation = cfg.LogRotationInterval !== undefined ? Number(cfg.LogRotationInterval) : null;
    return {
      installed: true,
      file: local.path,
      loads: policy.loads,
      use_json: policy.use_json,
      disabled_streams: policy.disabled_streams,
      streams: policy.streams,
      log_dir: cfg.LogDir ?? null,
      rotation_seconds: rotation !== null && Number.isFinite(rotation) ? rotation : null,
      expire: cfg.LogExpireInterval ?? null,
    };
  },
});
