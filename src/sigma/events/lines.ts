// Line-oriented logs: auditd raw records, web access logs (common/combined), squid native access logs, CSV.
import type { EventLogSource, SigmaEvent } from '../types.js';
import { parseTime, splitRequestLine } from './json.js';

type Fields = Record<string, string>;

class FieldsEvent implements SigmaEvent {
  constructor(
    readonly fields: Fields,
    readonly logsource: EventLogSource,
    readonly time?: number,
    private readonly extra?: (field: string) => unknown,
  ) {}
  get(field: string): unknown {
    const v = this.fields[field];
    return v !== undefined ? v : this.extra?.(field);
  }
  values(): unknown[] {
    return Object.values(this.fields);
  }
  valueRecord(): Fields {
    return this.fields;
  }
}

// x86_64 syscall numbers for raw (non-enriched) auditd logs; ENRICHED logs name the syscall themselves.
const X86_64_SYSCALLS: Record<string, string> = {
  '0': 'read',
  '1': 'write',
  '2': 'open',
  '3': 'close',
  '9': 'mmap',
  '41': 'socket',
  '42': 'connect',
  '43': 'accept',
  '44': 'sendto',
  '45': 'recvfrom',
  '49': 'bind',
  '50': 'listen',
  '54': 'setsockopt',
  '56': 'clone',
  '57': 'fork',
  '59': 'execve',
  '62': 'kill',
  '82': 'rename',
  '83': 'mkdir',
  '84': 'rmdir',
  '87': 'unlink',
  '90': 'chmod',
  '92': 'chown',
  '101': 'ptrace',
  '103': 'syslog',
  '133': 'mknod',
  '135': 'personality',
  '157': 'prctl',
  '165': 'mount',
  '175': 'init_module',
  '176': 'delete_module',
  '257': 'openat',
  '263': 'unlinkat',
  '288': 'accept4',
  '313': 'finit_module',
  '319': 'memfd_create',
  '321': 'bpf',
  '322': 'execveat',
  '99': 'sysinfo',
};

const AUDIT_KV = /([A-Za-z0-9_-]+)=("(?:[^"]*)"|'[^']*'|\S*)/g;
const HEX = /^[0-9A-F]+$/;

function decodeHex(v: string): string {
  return Buffer.from(v, 'hex').toString('utf8').replace(/\0/g, ' ');
}

/**
 * One auditd record line: "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=321 ... \x1d ARCH=x86_64
 * SYSCALL=bpf".
 */
export function parseAuditd(line: string, logsource?: EventLogSource): SigmaEvent | undefined {
  if (!line.startsWith('type=') && !line.includes('msg=audit(')) return undefined;
  const fields: Fields = {};
  // Everything after the 0x1d separator is auditd's interpretation (ENRICHED format).
  const sep = line.indexOf('\x1d');
  const rawPart = sep >= 0 ? line.slice(0, sep) : line;
  const enriched = sep >= 0 ? line.slice(sep + 1) : '';
  for (const m of rawPart.matchAll(AUDIT_KV)) {
    let v = m[2]!;
    if (v.startsWith('"') || v.startsWith("'")) v = v.slice(1, -1);
    fields[m[1]!] = v;
  }
  for (const m of enriched.matchAll(AUDIT_KV)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1);
    fields[m[1]!] = v;
  }
  const msg = /audit\((\d+(?:\.\d+)?):(\d+)\)/.exec(line);
  if (msg) fields.serial = msg[2]!;
  const type = fields.type ?? '';
  // Unquoted EXECVE arguments and proctitle are hex-encoded when they contain spaces or special characters.
  for (const [k, v] of Object.entries(fields)) {
    const quotedInRaw = rawPart.includes(`${k}="`);
    if (quotedInRaw || v.length < 2 || v.length % 2 || !HEX.test(v)) continue;
    if (
      (type === 'EXECVE' && /^a\d+$/.test(k)) ||
      k === 'proctitle' ||
      (type === 'PATH' && k === 'name') ||
      k === 'cmd'
    )
      fields[k] = decodeHex(v);
  }
  if (type === 'SYSCALL' && !fields.SYSCALL && fields.syscall) {
    fields.SYSCALL = /^\d+$/.test(fields.syscall)
      ? (X86_64_SYSCALLS[fields.syscall] ?? fields.syscall)
      : fields.syscall;
  }
  return new FieldsEvent(
    fields,
    logsource ?? { product: 'linux', categories: [], services: ['auditd'] },
    msg ? Number(msg[1]) * 1000 : undefined,
  );
}

const COMBINED =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

/** Common and combined access log lines (Apache, nginx). */
export function parseAccessLog(line: string, logsource?: EventLogSource): SigmaEvent | undefined {
  const m = COMBINED.exec(line);
  if (!m) return undefined;
  const req = splitRequestLine(m[5]!.replace(/\\"/g, '"'));
  const fields: Fields = {
    'c-ip': m[1]!,
    'cs-username': m[3]!,
    date: m[4]!,
    'cs-method': req.method ?? '',
    'cs-uri-stem': req.stem ?? m[5]!,
    'cs-uri-query': req.query ?? '',
    'cs-version': req.version ?? '',
    'sc-status': m[6]!,
    'sc-bytes': m[7]!,
  };
  if (m[8] !== undefined) fields['cs-referer'] = m[8];
  if (m[9] !== undefined) fields['cs-user-agent'] = m[9];
  return new FieldsEvent(fields, logsource ?? { categories: ['webserver'], services: [] }, parseTime(m[4]), (f) =>
    f === 'cs-uri' || f === 'c-uri'
      ? `${fields['cs-uri-stem']}${fields['cs-uri-query'] ? `?${fields['cs-uri-query']}` : ''}`
      : undefined,
  );
}

const SQUID = /^(\d+(?:\.\d+)?)\s+(\d+) (\S+) (\S+)\/(\d{3}) (\d+) (\S+) (\S+) (\S+) (\S+)\/(\S+) (\S+)/;

/** Squid native access.log lines, mapped to the Sigma proxy taxonomy. */
export function parseSquid(line: string, logsource?: EventLogSource): SigmaEvent | undefined {
  const m = SQUID.exec(line);
  if (!m) return undefined;
  const url = m[8]!;
  let host = '';
  let stem = url;
  let query = '';
  const u = /^(?:[a-z]+:\/\/)?([^/:?]+)(?::\d+)?([^?]*)(?:\?(.*))?$/i.exec(url);
  if (u) {
    host = u[1]!;
    stem = u[2] || '/';
    query = u[3] ?? '';
  }
  const fields: Fields = {
    src_ip: m[3]!,
    'sc-status': m[5]!,
    'sc-bytes': m[6]!,
    'cs-method': m[7]!,
    'c-uri': url,
    'cs-host': host,
    'r-dns': host,
    'c-uri-stem': stem,
    'c-uri-query': query,
    'c-uri-extension': /\.([A-Za-z0-9]+)$/.exec(stem)?.[1] ?? '',
    'cs-username': m[9]!,
    dst_ip: m[11]!,
    squid_result: m[4]!,
  };
  return new FieldsEvent(fields, logsource ?? { categories: ['proxy'], services: [] }, Number(m[1]) * 1000);
}

/** A CSV line splitter that honours quotes ("" inside quotes is one quote). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
