// The blind-spot map on one estate: a TLS-terminating reverse proxy (lb1) in front of a web app (web1), one Suricata
// in front of the terminator and one behind it, a Linux host and a Windows host reached over SSH/RDP, and an EDR on
// the Linux host. The sensors' findings are evaluated by the real catalog from the upstream suricata.yaml (with
// HTTP logging switched on), so the map reads the same findings a scan writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { Finding, FindingStatus, Report, Target } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import { validateReport } from '../../../src/report/validate.js';
import { analyseSensors } from '../../../src/sensors/map.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const UPSTREAM = join(SHARED_DIR, 'products', 'suricata', 'suricata.yaml.in');
const present = existsSync(UPSTREAM);
const catalog = loadCatalog();
const ok = (stdout: string, exitCode = 0): ProbeResult => ({
  stdout,
  stderr: exitCode === 127 ? 'sh: 1: suricata: not found' : '',
  exitCode,
  truncated: false,
  durationMs: 1,
});

/** Every ips.suricata.* finding for a sensor running this suricata.yaml. */
function suricataFindings(target: string, yaml: string): Finding[] {
  const outputs = {
    'suricata-dump-config': ok('', 127),
    'suricata-yaml': ok(yaml),
    'suricata-rules-state': ok('now=1900000000\n1899900000 /var/lib/suricata/rules/suricata.rules\n'),
  };
  return catalog.checks
    .filter((c) => c.parser === 'suricata-config')
    .map((c) => evaluateCheck(c, outputs, { targetId: target, kind: 'ips' }));
}

/** A finding as the evaluator writes it, for host checks whose evidence is not the point of this test. */
function finding(check: string, target: string, status: FindingStatus): Finding {
  const def = catalog.checks.find((c) => c.id === check)!;
  return { ...evaluateCheck(def, {}, { targetId: target, kind: def.kinds[0]! }), status };
}

const targets: Target[] = [
  { id: 'lb1', kind: 'web', address: 'lb1', tags: [], transport: 'local', web: { urls: ['https://lb1.example/'] } },
  { id: 'web1', kind: 'web', address: 'web1', tags: [], transport: 'local', web: { urls: ['https://shop.example/'] } },
  {
    id: 'ids-edge',
    kind: 'ips',
    address: 'ids-edge',
    tags: [],
    transport: 'ssh',
    sensor: { watches: ['web1', 'linux1', 'win1'] },
  },
  {
    id: 'ids-dmz',
    kind: 'ips',
    address: 'ids-dmz',
    tags: [],
    transport: 'ssh',
    sensor: { watches: [{ target: 'web1', decrypted_by: 'lb1' }] },
  },
  { id: 'linux1', kind: 'linux', address: 'linux1', tags: [], transport: 'ssh' },
  { id: 'win1', kind: 'windows', address: 'win1', tags: [], transport: 'powershell' },
];

describe.skipIf(!present)('blind-spot map', () => {
  const upstream = readFileSync(UPSTREAM, 'utf8');
  const httpOn = upstream
    .replace('# dump-all-headers: none', 'dump-all-headers: both')
    .replace('# http-body-printable: yes # Requires metadata', 'http-body-printable: yes #');
  const findings: Finding[] = [
    ...suricataFindings('ids-edge', httpOn),
    ...suricataFindings('ids-dmz', httpOn),
    finding('web.tls.nginx-termination', 'lb1', 'pass'),
    finding('linux.auditd.running', 'linux1', 'fail'),
    finding('linux.audit.rules.execve', 'linux1', 'fail'),
    finding('linux.sshd.loglevel', 'linux1', 'pass'),
    finding('linux.edr.healthy', 'linux1', 'pass'),
  ];
  const map = analyseSensors(targets, findings);
  const flow = (name: string) => map.details.flows.find((f) => f.flow === name)!;

  it('shows the IPS in front of TLS termination as metadata only and the one behind it as content, with bodies', () => {
    const https = flow('HTTPS → web1');
    const edge = https.sensors.find((s) => s.sensor === 'ids-edge')!;
    const dmz = https.sensors.find((s) => s.sensor === 'ids-dmz')!;
    expect(edge).toMatchObject({ sees: 'metadata', decrypted_by: null });
    expect(edge.evidence).toContain('ips.suricata.eve-tls-extended@ids-edge');
    expect(dmz).toMatchObject({ sees: 'content', body: true, decrypted_by: 'lb1', decryption: 'measured' });
    expect(https).toMatchObject({ content_seen_by: ['ids-dmz'], gap: false });
  });

  it('makes the same HTTPS flow a gap when the only sensor sits in front of the terminator', () => {
    const edgeOnly = analyseSensors(
      targets.filter((t) => t.id !== 'ids-dmz'),
      findings.filter((f) => f.target !== 'ids-dmz'),
    );
    const https = edgeOnly.details.flows.find((f) => f.flow === 'HTTPS → web1')!;
    expect(https.sensors.map((s) => s.sees)).toEqual(['metadata']);
    expect(https.gap).toBe(true);
    expect(https.blinds.join(' ')).toContain('T1190');
    expect(edgeOnly.summary.content_gaps).toBeGreaterThanOrEqual(1);
  });

  it('reads "declared" decryption when the terminator has no passing TLS-termination finding', () => {
    const declared = analyseSensors(
      targets,
      findings.filter((f) => f.target !== 'lb1'),
    );
    expect(
      declared.details.flows.find((f) => f.flow === 'HTTPS → web1')!.sensors.find((s) => s.sensor === 'ids-dmz')!
        .decryption,
    ).toBe('declared');
  });

  it('lists SSH and RDP as endpoint-only flows with their endpoint evidence status', () => {
    const ssh = flow('SSH → linux1');
    expect(ssh.sensors).toEqual([expect.objectContaining({ sensor: 'ids-edge', sees: 'metadata' })]);
    expect(ssh.endpoint).toMatchObject({ status: 'missing' });
    expect(ssh.endpoint!.checks).toContainEqual({ check: 'linux.auditd.running', status: 'fail' });
    expect(ssh.gap).toBe(true);
    const rdp = flow('RDP → win1');
    expect(rdp.endpoint!.status).toBe('unknown');
    expect(rdp.endpoint!.checks.every((c) => c.status === 'not-run')).toBe(true);
    expect(map.summary).toMatchObject({ endpoint_only_flows: 2, endpoint_unmeasured: 2 });
  });

  it('flags the EDR agent running on a host whose auditd is off', () => {
    expect(map.details.edr).toEqual([
      expect.objectContaining({ target: 'linux1', check: 'linux.edr.healthy', audit_policy: 'missing', flagged: true }),
    ]);
    expect(map.summary.edr_audit_off).toBe(1);
    const fixed = analyseSensors(targets, [
      ...findings.filter((f) => !f.check.startsWith('linux.audit')),
      finding('linux.auditd.running', 'linux1', 'pass'),
      finding('linux.audit.rules.execve', 'linux1', 'pass'),
    ]);
    expect(fixed.details.edr[0]).toMatchObject({ audit_policy: 'measured', flagged: false });
    // The agent itself reads its events from auditd, and the kernel audit is off: flagged whatever the other checks
    // say.
    const dependent = analyseSensors(targets, [
      ...findings.filter((f) => !f.check.startsWith('linux.audit')),
      finding('linux.auditd.running', 'linux1', 'pass'),
      finding('linux.audit.rules.execve', 'linux1', 'pass'),
      finding('linux.edr.auditd-dependency', 'linux1', 'fail'),
    ]);
    expect(dependent.details.edr[0]).toMatchObject({ audit_policy: 'measured', dependency: 'fail', flagged: true });
  });

  it('marks a sensor that was never measured as unknown, not as blind or seeing', () => {
    const unmeasured = analyseSensors(
      targets,
      findings.filter((f) => f.target !== 'ids-edge'),
    );
    expect(unmeasured.details.flows.find((f) => f.flow === 'SSH → linux1')!.sensors[0]!.sees).toBe('unknown');
  });

  it('goes into a schema-valid report and renders in English and Japanese with hostile names escaped', () => {
    const hostile = analyseSensors(
      [...targets, { id: 'x<script>', kind: 'linux', address: 'x', tags: [], transport: 'ssh' }],
      findings,
    );
    const report: Report = {
      schema_version: '1.0',
      tool: { name: 'socready', version: '0.0.0' },
      run: {
        id: 'r1',
        started_at: '2026-01-01T00:00:00.000Z',
        finished_at: '2026-01-01T00:00:01.000Z',
        organization: 'Org',
        inventory: 'inv.yaml',
        mode: 'live',
        options: {},
      },
      targets: [],
      findings,
      evidence: [],
      analyses: { sensors: hostile as unknown as NonNullable<Report['analyses']['sensors']> },
    };
    validateReport(JSON.parse(JSON.stringify(report)), 'report.json');
    const en = renderHtml(report, { lang: 'en' });
    expect(en).toContain('Blind-spot map');
    expect(en).toContain('metadata only');
    expect(en).toContain('decrypted upstream by');
    expect(en).not.toContain('x<script>');
    expect(en).toContain('x&lt;script&gt;');
    const ja = renderHtml(report, { lang: 'ja' });
    expect(ja).toContain('死角マップ');
    expect(ja).toContain('メタデータのみ');
  });
});
