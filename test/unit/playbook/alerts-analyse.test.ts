import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  extractEntities,
  loadAlertFile,
  makeAlert,
  mutateAlert,
  protectedReason,
} from '../../../src/playbook/alerts.js';
import { analysePlaybooks, dryRunPlaybook } from '../../../src/playbook/analyse.js';
import { loadPlaybookFile } from '../../../src/playbook/load.js';
import { toExecutionStatus } from '../../../src/playbook/trace.js';
import { dryRun } from '../../../src/playbook/dryrun.js';
import { CHECKS_DIR } from '../../../src/paths.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { InputError } from '../../../src/util/validate.js';

const EXAMPLES = join(CHECKS_DIR, 'playbooks');

describe('alerts', () => {
  it('finds the entities of ECS-like, flat and Windows-style alerts', () => {
    const ents = (d: Record<string, unknown>) => extractEntities(d).map((e) => `${e.kind}:${e.value}`);
    expect(ents({ source: { ip: '203.0.113.1' }, host: { name: 'web01' }, user: { name: 'alice' } })).toEqual([
      'ip:203.0.113.1',
      'host:web01',
      'user:alice',
    ]);
    expect(ents({ src_ip: '198.51.100.2', Computer: 'WS01', TargetUserName: 'bob' })).toEqual([
      'ip:198.51.100.2',
      'host:WS01',
      'user:bob',
    ]);
    expect(ents({ src_ip: 'not-an-ip' })).toEqual([]);
  });

  it('knows what must not be contained automatically', () => {
    expect(protectedReason({ kind: 'ip', value: '10.1.2.3', field: 'x' })).toMatch(/internal/);
    expect(protectedReason({ kind: 'ip', value: '203.0.113.9', field: 'x' })).toBeUndefined();
    expect(
      protectedReason(
        { kind: 'ip', value: '198.18.0.9', field: 'x' },
        { own_ranges: ['198.18.0.0/15'], critical_assets: [], protected_accounts: [] },
      ),
    ).toMatch(/own/);
    expect(protectedReason({ kind: 'host', value: 'DC01.corp.example', field: 'x' })).toMatch(/critical/);
    expect(protectedReason({ kind: 'host', value: 'ws-042', field: 'x' })).toBeUndefined();
    expect(protectedReason({ kind: 'user', value: 'CORP\\breakglass-admin', field: 'x' })).toMatch(/break-glass/);
    expect(protectedReason({ kind: 'user', value: 'svc_backup', field: 'x' })).toMatch(/service/);
    expect(protectedReason({ kind: 'user', value: 'j.tanaka', field: 'x' })).toBeUndefined();
  });

  it(
    'mutates an alert into its internal-IP, domain-controller and break-glass twins, everywhere the value ' + 'appears',
    () => {
      const base = makeAlert(
        {
          source: { ip: '198.51.100.23' },
          host: { name: 'vpn-gw01' },
          user: { name: 'j.tanaka' },
          message: 'login j.tanaka from 198.51.100.23',
        },
        'a.json',
        'sample',
      );
      const m = mutateAlert(base);
      expect(m.map((x) => x.id)).toEqual(['a.json~internal-ip', 'a.json~domain-controller', 'a.json~break-glass']);
      expect(m[0]!.data).toMatchObject({ source: { ip: '10.20.30.40' }, message: 'login j.tanaka from 10.20.30.40' });
      expect(m[2]!.entities.find((e) => e.kind === 'user')!.value).toBe('breakglass-admin');
      expect(m.every((x) => x.origin === 'mutation')).toBe(true);
    },
  );

  it('adds the entity under its ECS field when the alert does not name one', () => {
    const m = mutateAlert(
      makeAlert({ rule_id: 'r1', title: 'fired on a benign baseline', false_positive: true }, 'fp', 'false-positive'),
    );
    expect(m.map((x) => x.entities.map((e) => `${e.kind}:${e.value}`))).toEqual([
      ['ip:10.20.30.40'],
      ['host:dc01.corp.example'],
      ['user:breakglass-admin'],
    ]);
    expect(m[0]!.data).toEqual({ rule_id: 'r1', title: 'fired on a benign baseline', source: { ip: '10.20.30.40' } });
  });

  it('marks false positives from the alert file and rejects files that are not alert objects', () => {
    expect(loadAlertFile(join(EXAMPLES, 'alerts', 'fp-internal-scanner.json'))[0]!.origin).toBe('false-positive');
    expect(() => loadAlertFile(join(FIXTURES_DIR, 'playbook', 'alert-not-object.json'))).toThrow(InputError);
  });
});

describe('analysePlaybooks (scan pipeline)', () => {
  it("analyses socready's own examples by default and sums them up", async () => {
    const r = await analysePlaybooks({ playbookPaths: [], alertPaths: [] });
    expect(r.problems).toEqual([]);
    expect(r.summary).toMatchObject({
      playbooks: 3,
      valid: 3,
      invalid: 0,
      destructive_actions: 5,
      unguarded_destructive: 3,
      integrations_unready: 0,
    });
    expect(r.summary.blast_radius_incidents).toBeGreaterThan(0);
    const byName = Object.fromEntries(r.details.results.map((x) => [x.playbook.source.split('/').pop(), x]));
    expect(byName['cacao-waf-block-guarded.json']!.verdict).toBe('ok');
    expect(byName['native-waf-block.yaml']!.verdict).toBe('ok');
    expect(byName['cacao-auto-contain-dangerous.json']!.verdict).toBe('unsafe');
    expect(byName['cacao-auto-contain-dangerous.json']!.counts.blast_radius_incidents).toBe(
      r.summary.blast_radius_incidents,
    );
    expect(r.details.alerts.map((a) => a.origin).sort()).toEqual([
      'false-positive',
      'false-positive',
      'sample',
      'sample',
    ]);
  });

  it('lists a broken playbook in problems and still analyses the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-pb-'));
    copyFileSync(join(EXAMPLES, 'cacao-waf-block-guarded.json'), join(dir, 'good.json'));
    copyFileSync(join(FIXTURES_DIR, 'playbook', 'broken.json'), join(dir, 'broken.json'));
    const r = await analysePlaybooks({ playbookPaths: [dir], alertPaths: [join(EXAMPLES, 'alerts')] });
    expect(r.details.results.map((x) => x.playbook.name)).toEqual(['Block a web attacker at the WAF (guarded)']);
    expect(r.problems).toEqual([{ path: join(dir, 'broken.json'), error: expect.stringContaining('invalid JSON') }]);
    expect(r.summary).toMatchObject({ playbooks: 2, valid: 1, invalid: 1 });
  });

  it('runs the false-positive alerts it is given, and reports a bad one as a problem', async () => {
    const r = await analysePlaybooks({
      playbookPaths: [join(EXAMPLES, 'cacao-auto-contain-dangerous.json')],
      alertPaths: [join(EXAMPLES, 'alerts', 'sqli-web-attacker.json')],
      falsePositiveAlerts: [{ src_ip: '10.9.9.9', hostname: 'ws-1', user: 'alice' }, 'nope'],
    });
    expect(r.problems).toEqual([{ path: 'falsePositiveAlerts[1]', error: 'an alert must be a JSON object' }]);
    const incidents = r.details.results[0]!.blast_radius!.incidents.filter((i) => i.alert === 'false-positive#1')
      .map((i) => i.entity?.value)
      .sort();
    expect(incidents).toEqual(['10.9.9.9', 'alice', 'ws-1']);
  });
});

describe('execution-status trace', () => {
  it(
    'has one CACAO execution-status object per walked step, deterministic ids, base64 commands and dry-run ' +
      'statuses',
    () => {
      const lp = loadPlaybookFile(join(EXAMPLES, 'cacao-waf-block-guarded.json'));
      const alert = loadAlertFile(join(EXAMPLES, 'alerts', 'sqli-web-attacker.json'))[0]!;
      const run = dryRun(lp.playbook, alert);
      const t1 = toExecutionStatus(lp.playbook, run, '2026-11-23T00:00:00.000Z');
      const t2 = toExecutionStatus(lp.playbook, dryRun(lp.playbook, alert), '2026-11-23T00:00:00.000Z');
      expect(t1).toEqual(t2);
      expect(t1).toHaveLength(run.steps.length);
      for (const e of t1) {
        expect(e.type).toBe('execution-status');
        expect(e.id).toMatch(/^execution-status--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      const block = t1.find((e) => e.workflow_step === 'action--3caa99e1-57c5-4949-b9c9-feb2d40c2e83')!;
      expect(Buffer.from(block.command_b64[0]!, 'base64').toString()).toContain('"ip":"203.0.113.45"');
      // Reached only if the SOC lead approves: a possibility, not a certainty.
      expect(block).toMatchObject({
        status: 'would_execute_if_reached',
        automated_execution: true,
        executed_by: 'http-api--248e939d-b240-4ed0-a8c6-a26cc9b4b57c',
      });
      expect(t1.find((e) => e.workflow_step === 'action--65602cc8-d663-426c-946e-20e8a0e1c414')).toMatchObject({
        status: 'awaits_human',
        automated_execution: false,
      });
      expect(t1.find((e) => e.workflow_step === 'if-condition--0740ee45-79bf-476a-a659-3c33c27e2cb2')!.status).toBe(
        'undecidable',
      );
    },
  );
});

describe('no side effects by construction', () => {
  it(
    'only readonly-probe.ts may import a network module, and no playbook module can start processes or open ' +
      'sockets',
    () => {
      const dir = join(CHECKS_DIR, '..', 'src', 'playbook');
      const forbidden = new RegExp(
        'from [\'"](node:)?(child_process|net|tls|dgram|http2|worker_threads)[\'"]|' +
          String.raw`from ['"]ssh2|node-powershell|\bfetch\(|XMLHttpRequest|WebSocket`,
      );
      const http = /from ['"](node:)?https?['"]/;
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
        const src = readFileSync(join(dir, f), 'utf8');
        expect(forbidden.test(src), f).toBe(false);
        expect(http.test(src), f).toBe(f === 'readonly-probe.ts');
      }
    },
  );

  it(
    'the dry-run result of the dangerous example is the same whether or not a probe is allowed (nothing is ' +
      'sent for actions)',
    async () => {
      const lp = loadPlaybookFile(join(EXAMPLES, 'cacao-auto-contain-dangerous.json'));
      const a = await dryRunPlaybook(lp, { probe: false, now: () => new Date(0) });
      const b = await dryRunPlaybook(lp, { probe: true, now: () => new Date(0) });
      expect(b).toEqual(a);
    },
  );
});
