import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dryRunPlaybook } from '../../../src/playbook/analyse.js';
import { loadPlaybookFile } from '../../../src/playbook/load.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const OASIS = join(SHARED_DIR, 'playbooks', 'cacao-oasis');
const SOARCA = join(SHARED_DIR, 'playbooks', 'cacao-soarca');
const load = (dir: string, f: string) => loadPlaybookFile(join(dir, f));
const errors = (lp: ReturnType<typeof load>, tier?: string) =>
  lp.validation.filter((i) => i.level === 'error' && (!tier || i.tier === tier));

describe('every CACAO file in shared/playbooks', () => {
  const files = [...readdirSync(OASIS).map((f) => [OASIS, f]), ...readdirSync(SOARCA).map((f) => [SOARCA, f])].filter(
    ([, f]) => f!.endsWith('.json'),
  );

  it('covers the 11 reference playbooks', () => {
    expect(files).toHaveLength(11);
  });

  it.each(files)('loads %s/%s and completes a dry-run without an alert', async (dir, f) => {
    const lp = load(dir!, f!);
    const r = await dryRunPlaybook(lp);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]!.alert).toBeNull();
    expect(r.runs[0]!.steps.length).toBeGreaterThan(0);
    expect(r.runs[0]!.steps[0]!.step_id).toBe(lp.playbook.start);
  });
});

describe('OASIS examples', () => {
  it('accepts both OASIS examples in the strict tier (unlike the published non-normative schemas)', () => {
    for (const f of ['basic-example-1.json', 'spec-3.1-example.json']) {
      const lp = load(OASIS, f);
      expect(lp.valid).toBe(true);
      expect(lp.strict_valid).toBe(true);
      expect(errors(lp)).toEqual([]);
    }
  });

  it(
    'classifies the switch MAC drop as containment done by a person (individual agent), so not an unguarded ' +
      'automation',
    async () => {
      const r = await dryRunPlaybook(load(OASIS, 'basic-example-1.json'));
      const a = r.runs[0]!.actions[0]!;
      expect(a.risk).toBe('contain');
      expect(a.verb).toBe('drop');
      expect(a.automated).toBe(false);
      expect(r.guardrail_findings.filter((f) => f.kind === 'unguarded-destructive-action')).toEqual([]);
      expect(r.counts.destructive_actions).toBe(0);
    },
  );

  it('substitutes the playbook variable __data_exfil_site__ into the manual command', async () => {
    const r = await dryRunPlaybook(load(OASIS, 'spec-3.1-example.json'));
    const a = r.runs[0]!.actions[0]!;
    expect(a.commands[0]!.command).toBe('Look up IP 1.2.3.4 in SIEM');
    expect(a.automated).toBe(false);
    expect(a.risk).toBe('investigate');
  });
});

describe('SOARCA examples', () => {
  it(
    'accepts SOARCA extension agent types in the lenient tier with warnings, and rejects them in the strict ' + 'tier',
    () => {
      const lp = load(SOARCA, 'http-playbook.json');
      expect(lp.valid).toBe(true);
      expect(lp.strict_valid).toBe(false);
      expect(lp.validation).toContainEqual(
        expect.objectContaining({
          tier: 'lenient',
          level: 'warning',
          message: expect.stringContaining('extension agent/target type "soarca"'),
        }),
      );
      expect(errors(lp, 'strict').map((i) => i.path)).toContain(
        '/agent_definitions/soarca--00020001-1000-1000-a000-000100010001/type',
      );
    },
  );

  it('accepts the "openc2" command type with a warning naming the specification\'s "openc2-http"', () => {
    const lp = load(SOARCA, 'openc2-playbook.json');
    expect(lp.valid).toBe(true);
    const w = lp.validation.find((i) => i.tier === 'lenient' && i.path.endsWith('/commands/0/type'))!;
    expect(w.level).toBe('warning');
    expect(w.message).toContain('openc2-http');
  });

  it(
    'reads the OpenC2 "deny" inside content_b64 as an automated, unguarded containment of the addresses it ' + 'names',
    async () => {
      const r = await dryRunPlaybook(load(SOARCA, 'openc2-playbook.json'));
      const a = r.runs[0]!.actions[0]!;
      expect(a).toMatchObject({ risk: 'contain', verb: 'deny', automated: true });
      expect(a.entities.map((e) => e.value)).toEqual(expect.arrayContaining(['1.2.3.4', '198.2.3.4']));
      expect(r.guardrail_findings).toContainEqual(
        expect.objectContaining({
          kind: 'unguarded-destructive-action',
          step_id: 'action--eb9372d4-d524-49fc-bf24-be26ea084779',
          severity: 'high',
        }),
      );
      expect(r.verdict).toBe('unsafe');
    },
  );

  it('marks the manual playbook step as human, with both SOARCA extension types warned about', async () => {
    const lp = load(SOARCA, 'manual-playbook.json');
    expect(lp.valid).toBe(true);
    expect(lp.validation.filter((i) => i.tier === 'lenient' && i.level === 'warning')).toHaveLength(2);
    const r = await dryRunPlaybook(lp);
    expect(r.runs[0]!.actions[0]).toMatchObject({ risk: 'manual', automated: false });
  });

  it(
    'resolves the constant step variable __command__ to "ls -la" and flags the "touch" as an unguarded state ' +
      'change',
    async () => {
      const r = await dryRunPlaybook(load(SOARCA, 'ssh-playbook.json'));
      const [ls, touch] = r.runs[0]!.actions;
      expect(ls!.commands[0]!.command).toBe('ls -la');
      expect(ls!.risk).toBe('investigate');
      expect(touch!.commands[0]!.command).toBe('touch /root/file1');
      expect(touch!.risk).toBe('change');
      expect(r.guardrail_findings).toContainEqual(
        expect.objectContaining({
          kind: 'unguarded-state-change',
          step_id: 'action--88f4c4df-fa96-44e6-b310-1c06d193ea55',
        }),
      );
    },
  );

  it('reports credentials stored inline without ever copying the secret into the result', async () => {
    for (const [f, secret] of [
      ['powershell-playbook.json', 'Password1234!'],
      ['test-invalid_playbook.json', 'super-secure-password'],
    ] as const) {
      expect(readFileSync(join(SOARCA, f), 'utf8')).toContain(secret);
      const r = await dryRunPlaybook(load(SOARCA, f));
      expect(r.guardrail_findings.some((x) => x.kind === 'embedded-credential')).toBe(true);
      expect(JSON.stringify(r)).not.toContain(secret);
    }
  });
});

describe("SOARCA's edge cases", () => {
  it(
    'test-infinite: an action that loops on itself is an unbounded loop with no reachable end, and the dry-run ' +
      'still terminates',
    async () => {
      const lp = load(SOARCA, 'test-infinite_playbook.json');
      expect(lp.valid).toBe(false);
      const msgs = errors(lp, 'structure').map((i) => i.message);
      expect(msgs).toContainEqual(
        expect.stringMatching(/^unbounded loop: steps action--6b23c237-ade8-4d00-9aa1-75999738d557 repeat forever/),
      );
      expect(msgs).toContainEqual(expect.stringContaining('no end step is reachable'));
      const r = await dryRunPlaybook(lp);
      expect(r.verdict).toBe('invalid');
      expect(r.runs[0]!.steps.map((s) => s.step_id)).toHaveLength(5);
    },
  );

  it('test-invalid: an agent whose type "invalid" contradicts its http-api identifier fails the lenient tier', () => {
    const lp = load(SOARCA, 'test-invalid_playbook.json');
    expect(lp.valid).toBe(false);
    expect(errors(lp, 'lenient')).toEqual([
      expect.objectContaining({
        path: '/agent_definitions/http-api--7e9174ec-a293-43df-a72d-471c79e276bf/type',
        message: expect.stringContaining('contradicts'),
      }),
    ]);
    expect(errors(lp, 'structure')).toEqual([]);
  });

  it('test-missing_step: the dangling on_completion is an error, and the real end step becomes unreachable', () => {
    const lp = load(SOARCA, 'test-missing_step_playbook.json');
    expect(lp.valid).toBe(false);
    const st = errors(lp, 'structure');
    expect(st).toContainEqual(
      expect.objectContaining({
        path: 'action--2190f685-1857-44ac-ad0e-0ded6c6ef3ce/on_completion',
        message: expect.stringContaining('missing step "end--6b23c237-ade8-4d00-9aa1-75999738d558"'),
      }),
    );
    expect(st).toContainEqual(
      expect.objectContaining({
        path: 'end--6b23c237-ade8-4d00-9aa1-75999738d557',
        message: expect.stringContaining('unreachable'),
      }),
    );
  });

  it(
    'test-parallels: loads (lenient) with warnings for the parallel start and the dangling workflow_exception, ' +
      'and walks both branches',
    async () => {
      const lp = load(SOARCA, 'test-parallels_playbook.json');
      expect(lp.valid).toBe(true);
      const warnings = lp.validation.filter((i) => i.tier === 'structure' && i.level === 'warning').map((i) => i.path);
      expect(warnings).toEqual(expect.arrayContaining(['workflow_start', 'workflow_exception']));
      const r = await dryRunPlaybook(lp);
      const reached = Object.fromEntries(r.runs[0]!.steps.map((s) => [s.step_id, s.reached]));
      expect(reached).toEqual({
        'parallel--a76dbc32-b739-427b-ae13-4ec703d5797e': 'definite',
        'action--9fcc5c3b-0b70-4d73-b922-cf5491dcd1a4': 'definite',
        'end--7b23c237-ade8-4d00-9aa1-75999738d557': 'definite',
        'end--6b23c237-ade8-4d00-9aa1-75999738d557': 'definite',
      });
    },
  );
});
