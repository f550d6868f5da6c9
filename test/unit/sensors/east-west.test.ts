// Database and SMB flows in the blind-spot map, on an estate: a Suricata sensor logging alert payloads on the server
// segment (watching a PostgreSQL host and a SQL Server declared TLS), a Zeek sensor on the Windows segment (watching
// a file server without SMB encryption and one with it), and the endpoint records (database audit, share auditing).
// The sensors' findings come from the real catalog over the upstream suricata.yaml and local.zeek.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { Finding, FindingStatus, Target } from '../../../src/model.js';
import { analyseSensors } from '../../../src/sensors/map.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const SURICATA = join(SHARED_DIR, 'products', 'suricata', 'suricata.yaml.in');
const ZEEK = join(SHARED_DIR, 'products', 'zeek', 'local.zeek');
const present = existsSync(SURICATA) && existsSync(ZEEK);
const catalog = loadCatalog();
const ok = (stdout: string, exitCode = 0): ProbeResult => ({
  stdout,
  stderr: exitCode === 127 ? 'sh: 1: suricata: not found' : '',
  exitCode,
  truncated: false,
  durationMs: 1,
});
const byParser = (parser: string, target: string, outputs: Record<string, ProbeResult>) =>
  catalog.checks
    .filter((c) => c.parser === parser)
    .map((c) => evaluateCheck(c, outputs, { targetId: target, kind: 'ips' }));
function finding(check: string, target: string, status: FindingStatus): Finding {
  const def = catalog.checks.find((c) => c.id === check)!;
  return { ...evaluateCheck(def, {}, { targetId: target, kind: def.kinds[0]! }), status };
}

const targets: Target[] = [
  { id: 'pg-host', kind: 'linux', address: 'pg-host', tags: [], transport: 'ssh' },
  {
    id: 'pg1',
    kind: 'database',
    address: '127.0.0.1',
    tags: [],
    transport: 'ssh',
    database: { product: 'postgresql', host: 'pg-host' },
  },
  { id: 'sql-host', kind: 'windows', address: 'sql-host', tags: [], transport: 'powershell' },
  {
    id: 'sql1',
    kind: 'database',
    address: '127.0.0.1',
    tags: [],
    transport: 'powershell',
    database: { product: 'mssql', host: 'sql-host', tls: { mode: 'require' } },
  },
  { id: 'fs1', kind: 'windows', address: 'fs1', tags: [], transport: 'powershell' },
  { id: 'fs2', kind: 'windows', address: 'fs2', tags: [], transport: 'powershell' },
  {
    id: 'ids-srv',
    kind: 'ips',
    address: 'ids-srv',
    tags: [],
    transport: 'ssh',
    sensor: { watches: ['pg-host', 'sql1'] },
  },
  {
    id: 'zeek-win',
    kind: 'ndr',
    address: 'zeek-win',
    tags: [],
    transport: 'ssh',
    sensor: { watches: ['fs1', 'fs2', { target: 'sql-host', encrypted: true }] },
  },
];

describe.skipIf(!present)('blind-spot map: database and SMB flows', () => {
  const suricata = readFileSync(SURICATA, 'utf8').replace('# payload: yes ', 'payload: yes #');
  const findings: Finding[] = [
    ...byParser('suricata-config', 'ids-srv', {
      'suricata-dump-config': ok('', 127),
      'suricata-yaml': ok(suricata),
      'suricata-rules-state': ok('now=1900000000\n1899900000 /var/lib/suricata/rules/suricata.rules\n'),
    }),
    ...byParser('zeek-site', 'zeek-win', {
      'zeek-site': ok(`==> /opt/zeek/share/zeek/site/local.zeek <==\n${readFileSync(ZEEK, 'utf8')}\n`),
    }),
    finding('database.postgresql.pgaudit-loaded', 'pg1', 'pass'),
    finding('database.postgresql.pgaudit-log-classes', 'pg1', 'pass'),
    finding('windows.smb.encryption', 'fs1', 'fail'),
    finding('windows.smb.encryption', 'fs2', 'pass'),
    finding('windows.auditpol.file-share', 'fs1', 'pass'),
    finding('windows.auditpol.detailed-file-share', 'fs1', 'fail'),
  ];
  const map = analyseSensors(targets, findings);
  const flow = (name: string) => map.details.flows.find((f) => f.flow === name)!;

  it('puts a sensor watching the database host on the DB flow; cleartext: content in its payload alerts', () => {
    expect(findings.find((f) => f.check === 'ips.suricata.eve-alert-payload')!.status).toBe('pass');
    const pg = flow('DB/5432 → pg1');
    expect(pg).toMatchObject({ class: 'database', port: 5432, content_seen_by: ['ids-srv'], gap: false });
    expect(pg.sensors[0]).toMatchObject({ sensor: 'ids-srv', sees: 'content', alerts_only: true, encrypted: null });
    expect(pg.endpoint).toMatchObject({ status: 'measured' });
  });

  it('sees a TLS database connection as metadata only, and without its audit log measured the flow is a gap', () => {
    const sql = flow('DB/1433 → sql1');
    expect(sql.sensors[0]).toMatchObject({ sensor: 'ids-srv', sees: 'metadata', encrypted: 'declared' });
    expect(sql.endpoint!.status).toBe('unknown');
    expect(sql.gap).toBe(true);
    expect(sql.blinds.join(' ')).toContain('T1213');
  });

  it('reads SMB content through Zeek when the host does not encrypt, metadata when it measurably does', () => {
    const fs1 = flow('SMB/445 → fs1');
    expect(fs1.sensors[0]).toMatchObject({ sensor: 'zeek-win', sees: 'content', alerts_only: false, encrypted: null });
    // Share auditing half on: 5140 yes, 5145 no.
    expect(fs1.endpoint).toMatchObject({ status: 'missing' });
    expect(fs1.gap).toBe(false);
    const fs2 = flow('SMB/445 → fs2');
    expect(fs2.sensors[0]).toMatchObject({ sees: 'metadata', encrypted: 'measured' });
    expect(fs2.gap).toBe(true);
    expect(fs2.blinds.join(' ')).toContain('T1021.002');
  });

  it('takes a declared encryption where the host has no SMB finding', () => {
    expect(flow('SMB/445 → sql-host').sensors[0]).toMatchObject({ sees: 'metadata', encrypted: 'declared' });
  });

  it('counts the east-west flows and their gaps apart from the web and remote-session figures', () => {
    expect(map.summary).toMatchObject({ east_west_flows: 5, east_west_gaps: 3, endpoint_only_flows: 4 });
  });
});
