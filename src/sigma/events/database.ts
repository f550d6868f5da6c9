// Database audit log lines as events: PostgreSQL's stderr log with the log_line_prefix socready recommends
// ('%m [%p] %u@%d %h %c ', pgaudit's "AUDIT:" records split into their CSV fields) and MariaDB's server_audit file
// and syslog lines. PostgreSQL jsonlog/csvlog are JSON/CSV and read by the generic readers (field `message`).
import type { EventLogSource, SigmaEvent } from '../types.js';

type Fields = Record<string, string>;

class DbEvent implements SigmaEvent {
  constructor(
    readonly fields: Fields,
    readonly logsource: EventLogSource,
    readonly time?: number,
  ) {}
  get(field: string): unknown {
    return this.fields[field];
  }
  values(): unknown[] {
    return Object.values(this.fields);
  }
  valueRecord(): Fields {
    return this.fields;
  }
}

/** Splits one CSV record (pgaudit writes the statement as a quoted CSV field when it holds commas or quotes). */
function csv(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

// 2026-12-03 03:00:51.206 UTC [32314] socready_ro@postgres 127.0.0.1 6b10db63.7e3a LOG:  AUDIT: SESSION,...
const PG = new RegExp(
  String.raw`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)(?: ([A-Z]{2,5}|` +
    String.raw`[+-]\d\d))? \[(\d+)\] (?:(\S*)@(\S*) (\S+) (\S+) )?([A-Z]+):\s+(.*)$`,
);

/** One PostgreSQL stderr log line (prefix '%m [%p] %u@%d %h %c '); pgaudit records get their fields. */
export function parsePostgresLog(line: string, logsource?: EventLogSource): SigmaEvent | undefined {
  const m = PG.exec(line);
  if (!m) return undefined;
  const fields: Fields = {
    pid: m[3]!,
    user: m[4] ?? '',
    database: m[5] ?? '',
    client: (m[6] ?? '').replace(/\(\d+\)$/, ''),
    session_id: m[7] ?? '',
    level: m[8]!,
    message: m[9]!,
  };
  const audit = /^AUDIT: (.*)$/.exec(m[9]!);
  if (audit) {
    // AUDIT_TYPE,STATEMENT_ID,SUBSTATEMENT_ID,CLASS,COMMAND,OBJECT_TYPE,OBJECT_NAME,STATEMENT,PARAMETER
    const [type, sid, sub, cls, command, objectType, objectName, ...rest] = csv(audit[1]!);
    const parameter = rest.length > 1 ? rest.pop()! : '';
    Object.assign(fields, {
      audit_type: type ?? '',
      statement_id: sid ?? '',
      substatement_id: sub ?? '',
      class: cls ?? '',
      command: command ?? '',
      object_type: objectType ?? '',
      object_name: objectName ?? '',
      statement: rest.join(','),
      parameter,
    });
  }
  const failed = /^password authentication failed for user "([^"]*)"|^role "([^"]*)" does not exist/.exec(m[9]!);
  if (failed) fields.auth_user = failed[1] ?? failed[2] ?? '';
  const zone = m[2] === 'UTC' || m[2] === 'GMT' || !m[2] ? 'Z' : '';
  const time = Date.parse(`${m[1]!.replace(' ', 'T')}${zone}`);
  return new DbEvent(
    fields,
    logsource ?? { product: 'postgresql', categories: [], services: audit ? ['pgaudit'] : [] },
    Number.isNaN(time) ? undefined : time,
  );
}

// 20261203 03:02:25,vm,socready_ro,localhost,12,18,QUERY,appdb,'SELECT 1',0   (file output)
// ... mysql-server_auditing:  vm,nosuchuser,127.0.0.1,5,0,FAILED_CONNECT,,,1698   (syslog output)
const AUDIT_FILE = /^(\d{8} \d\d:\d\d:\d\d),(.*)$/;
const AUDIT_SYSLOG = /mysql-server_auditing:\s+(.*)$/;
const OPERATIONS = new RegExp(
  '^(CONNECT|DISCONNECT|FAILED_CONNECT|CHANGEUSER|QUERY|QUERY_DDL|' +
    'QUERY_DML|QUERY_DCL|READ|WRITE|CREATE|ALTER|RENAME|DROP)$',
);

/** One MariaDB server_audit record: serverhost,username,host,connectionid,queryid,operation,database,object,retcode. */
export function parseServerAudit(line: string, logsource?: EventLogSource): SigmaEvent | undefined {
  const file = AUDIT_FILE.exec(line);
  const body = file ? file[2]! : AUDIT_SYSLOG.exec(line)?.[1];
  if (body === undefined) return undefined;
  // The object (a query in quotes, with \' escapes) may hold commas: take five fields from the left, one from the
  // right.
  const parts = body.split(',');
  if (parts.length < 9) return undefined;
  const [host, user, client, conn, query, op, db] = parts;
  if (!OPERATIONS.test(op ?? '')) return undefined;
  const retcode = parts[parts.length - 1]!;
  let object = parts.slice(7, -1).join(',');
  const quoted = object.startsWith("'") && object.endsWith("'");
  if (quoted) object = object.slice(1, -1).replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  const fields: Fields = {
    server_host: host!,
    user: user!,
    client: client!,
    connection_id: conn!,
    query_id: query!,
    operation: op!,
    database: db ?? '',
    object,
    query: op === 'QUERY' ? object : '',
    retcode,
  };
  let time: number | undefined;
  if (file) {
    const t = file[1]!;
    time = Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9)}Z`);
  }
  return new DbEvent(fields, logsource ?? { product: 'mariadb', categories: [], services: ['server_audit'] }, time);
}
