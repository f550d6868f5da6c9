import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlertFile, makeAlert } from '../../../src/playbook/alerts.js';
import { dryRunPlaybook } from '../../../src/playbook/analyse.js';
import { loadPlaybookFile, loadPlaybookText } from '../../../src/playbook/load.js';
import { CHECKS_DIR } from '../../../src/paths.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const FIX = join(FIXTURES_DIR, 'playbook');
const EXAMPLES = join(CHECKS_DIR, 'playbooks');
const alerts = (...names: string[]) => names.flatMap((n) => loadAlertFile(join(EXAMPLES, 'alerts', `${n}.json`)));

describe('native YAML playbooks', () => {
  it(
    'converts the shipped example to the CACAO model: synthetic ' + 'start, approval with timeout in ms, while-free',
    () => {
      const lp = loadPlaybookFile(join(EXAMPLES, 'native-waf-block.yaml'));
      expect(lp.format).toBe('native');
      expect(lp.valid).toBe(true);
      const pb = lp.playbook;
      expect(pb.steps[pb.start]).toMatchObject({ type: 'start', on_completion: 'allow-list' });
      expect(pb.steps.approve).toMatchObject({
        type: 'action',
        approval: true,
        timeout: 1_800_000,
        on_success: 'block',
        on_failure: 'record-rejected',
      });
      expect(pb.steps.block).toMatchObject({ verb: 'block_ip', agent: 'waf', on_failure: 'notify-failure' });
      expect(pb.agents.waf).toMatchObject({ health_url: 'https://waf.corp.example/health', token_env: 'WAF_TOKEN' });
    },
  );

  it('guards every containment: no findings, and the internal scanner false positive blocks nothing', async () => {
    const lp = loadPlaybookFile(join(EXAMPLES, 'native-waf-block.yaml'));
    const r = await dryRunPlaybook(lp, { alerts: alerts('sqli-web-attacker', 'fp-internal-scanner') });
    expect(r.guardrail_findings).toEqual([]);
    expect(r.verdict).toBe('ok');
    const fpRun = r.runs.find((x) => x.alert?.id === 'fp-internal-scanner.json')!;
    expect(fpRun.alert!.origin).toBe('false-positive');
    expect(fpRun.actions.map((a) => a.step_id)).not.toContain('block');
    const tpRun = r.runs.find((x) => x.alert?.id === 'sqli-web-attacker.json')!;
    expect(tpRun.steps.find((s) => s.step_id === 'approve')!.status).toBe('awaits-human');
    expect(tpRun.actions.find((a) => a.step_id === 'block')!.args).toEqual({ ip: '203.0.113.45', ttl: '86400' });
  });

  it('names file, line and field for a schema error', () => {
    const lp = loadPlaybookFile(join(FIX, 'native-bad-field.yaml'));
    expect(lp.valid).toBe(false);
    const e = lp.validation.find((i) => i.tier === 'lenient' && i.level === 'error')!;
    expect(e.message).toMatch(/native-bad-field\.yaml:9:\d+: steps\.0\.nxt: unknown field/);
  });
});

describe('Cortex XSOAR playbooks', () => {
  it(
    'imports tasks: Brand|||command actions, the manual condition as approval, #error# as on_failure, ' +
      'sub-playbooks with skipunavailable',
    () => {
      const lp = loadPlaybookFile(join(FIX, 'xsoar-block-ip-guarded.yml'));
      expect(lp.format).toBe('xsoar');
      expect(lp.valid).toBe(true);
      const s = lp.playbook.steps;
      // biome-ignore lint/suspicious/noTemplateCurlyInString: XSOAR ${context} syntax, not a template.
      expect(s['task-4']).toMatchObject({
        type: 'action',
        agent: 'Panorama',
        verb: 'pan-os-block-ip',
        on_success: 'task-5',
        on_failure: 'task-8',
        args: { ip: '${inputs.IP}', log_forwarding: 'default' },
      });
      expect(s['task-3']).toMatchObject({
        type: 'switch-condition',
        approval: true,
        cases: { Yes: 'task-4', No: 'task-9' },
      });
      expect(s['task-7']).toMatchObject({
        type: 'playbook-action',
        playbook_id: 'Unblock IP - Generic',
        skip_unavailable: true,
      });
      expect(s['task-8']!.commands![0]!.type).toBe('manual');
      expect(s['task-9']!.type).toBe('end');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: XSOAR ${context} syntax, not a template.
      expect(s['task-2']!.condition).toBe("${inputs.IP} ISSUBSET '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16'");
      expect(lp.playbook.variables['inputs.IP']).toMatchObject({ from_alert: 'incident.sourceip' });
    },
  );

  it(
    'decides the allow-list condition from the alert: internal source ends, external source waits for the ' + 'analyst',
    async () => {
      const lp = loadPlaybookFile(join(FIX, 'xsoar-block-ip-guarded.yml'));
      const r = await dryRunPlaybook(lp, {
        alerts: [
          makeAlert({ sourceip: '192.168.10.5' }, 'internal', 'sample'),
          makeAlert({ sourceip: '198.51.100.23' }, 'external', 'sample'),
        ],
      });
      const [internal, external] = r.runs;
      expect(internal!.steps.map((x) => x.step_id)).toEqual(['task-0', 'task-1', 'task-2', 'task-9']);
      expect(external!.steps.find((x) => x.step_id === 'task-3')!.status).toBe('awaits-human');
      const blockAction = external!.actions.find((a) => a.step_id === 'task-4')!;
      expect(blockAction).toMatchObject({
        risk: 'contain',
        reached: 'possible',
        commands: [{ type: 'xsoar-command', command: 'pan-os-block-ip ip=198.51.100.23 log_forwarding=default' }],
      });
      expect(r.guardrail_findings.filter((f) => f.kind === 'unguarded-destructive-action')).toEqual([]);
      expect(r.counts.blast_radius_incidents).toBe(0);
    },
  );

  it(
    'flags the auto-isolating playbook: unguarded isolate and account block, silently skipped when the ' +
      'integration is missing',
    async () => {
      const lp = loadPlaybookFile(join(FIX, 'xsoar-isolate-unguarded.yml'));
      const r = await dryRunPlaybook(lp, {
        alerts: [makeAlert({ hostname: 'ws-042.corp.example', username: 'k.sato' }, 'edr', 'sample')],
      });
      const unguarded = r.guardrail_findings
        .filter((f) => f.kind === 'unguarded-destructive-action')
        .map((f) => f.step_id);
      expect(unguarded).toEqual(['task-2', 'task-3']);
      expect(r.guardrail_findings.filter((f) => f.kind === 'skip-unavailable-containment')).toHaveLength(2);
      const run = r.runs[0]!;
      expect(run.actions.find((a) => a.step_id === 'task-2')!.commands[0]!.command).toBe(
        'xdr-endpoint-isolate endpoint_id=ws-042.corp.example',
      );
      // The domain-controller mutation would isolate dc01: a critical blast-radius incident.
      expect(r.blast_radius!.incidents).toContainEqual(
        expect.objectContaining({
          alert: 'edr~domain-controller',
          step_id: 'task-2',
          entity: expect.objectContaining({ value: 'dc01.corp.example' }),
        }),
      );
    },
  );

  it('rejects an XSOAR task of an unknown type with file and line', () => {
    const text = 'id: x\nname: x\nstarttaskid: "0"\ntasks:\n  "0":\n    id: "0"\n    type: teleport\n    task: {}\n';
    const lp = loadPlaybookText(text, 'x.yml');
    expect(lp.validation[0]!.message).toMatch(/^x\.yml:7:\d+: tasks\.0\.type: must be one of/);
  });
});
