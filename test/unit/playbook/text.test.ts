// `playbook dry-run` text: each path is listed in order and stops at its end; another path starts under a header.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Alert, loadAlertFile } from '../../../src/playbook/alerts.js';
import { dryRun } from '../../../src/playbook/dryrun.js';
import { loadPlaybookFile } from '../../../src/playbook/load.js';
import { dryRunStepLines } from '../../../src/playbook/text.js';
import { CHECKS_DIR } from '../../../src/paths.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const EX = join(CHECKS_DIR, 'playbooks');
const PLAYBOOKS = [
  ...readdirSync(EX)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f) => join(EX, f)),
  join(FIXTURES_DIR, 'playbook', 'xsoar-block-ip-guarded.yml'),
  join(FIXTURES_DIR, 'playbook', 'xsoar-isolate-unguarded.yml'),
];
const ALERTS: (Alert | undefined)[] = [
  undefined,
  ...readdirSync(join(EX, 'alerts')).flatMap((f) => loadAlertFile(join(EX, 'alerts', f))),
];
const STEP_LINE = /^\s+(\d+)\. /;

describe('dry-run step lines, path by path', () => {
  for (const file of PLAYBOOKS) {
    it(
      `${file.split('/').pop()}: no step is listed right after an end step, every step once, ` + 'headers point back',
      () => {
        const loaded = loadPlaybookFile(file);
        for (const alert of ALERTS) {
          const run = dryRun(loaded.playbook, alert);
          const lines = dryRunStepLines(run, () => '');
          const numbered = lines.filter((l) => STEP_LINE.test(l));
          expect(numbered).toHaveLength(run.steps.length);
          // Numbers run 1..n in the order printed.
          expect(numbered.map((l) => Number(STEP_LINE.exec(l)![1]))).toEqual(run.steps.map((_, i) => i + 1));
          lines.forEach((line, i) => {
            if (line.includes(' (end)') && i + 1 < lines.length) expect(lines[i + 1]).not.toMatch(STEP_LINE);
            const from = /from step (\d+),/.exec(line);
            const printedSoFar = lines.slice(0, i).filter((l) => STEP_LINE.test(l)).length;
            if (from) expect(Number(from[1])).toBeLessThanOrEqual(printedSoFar);
            const join = /-> step (\d+)$/.exec(line);
            if (join) expect(Number(join[1])).toBeLessThanOrEqual(printedSoFar);
          });
        }
      },
    );
  }

  it('a failure route of the native example is listed under its own header after the path that ended at done', () => {
    const alert = loadAlertFile(join(EX, 'alerts', 'fp-backup-service-logons.json'))[0];
    const run = dryRun(loadPlaybookFile(join(EX, 'native-waf-block.yaml')).playbook, alert);
    const lines = dryRunStepLines(run, () => '').map((l) => l.trim());
    const done = lines.findIndex((l) => /^\d+\. {3}would-execute done \(end\)$/.test(l));
    expect(done).toBeGreaterThan(0);
    expect(lines[done + 1]).toMatch(/^from step \d+, on failure \(workflow_exception\):$/);
    expect(lines[done + 2]).toMatch(/^\d+\. \? would-execute Notify the on-call analyst/);
  });
});
