import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAttackCatalog } from '../../../src/attack/catalog.js';
import { computeCoverage } from '../../../src/coverage/analyse.js';
import { loadRules } from '../../../src/rules/load.js';
import type { RuleSet } from '../../../src/rules/model.js';
import { SHARED_DIR } from '../../helpers/paths.js';

// The whole SigmaHQ rule corpus (rules/), read by the metadata reader and mapped onto the shipped ATT&CK catalog.
describe('Sigma corpus against the ATT&CK catalog', () => {
  let set: RuleSet;
  const { index } = loadAttackCatalog();
  beforeAll(async () => {
    set = await loadRules([join(SHARED_DIR, 'sigma', 'rules')]);
  }, 60_000);

  it('reads every rule file of the corpus without a problem', () => {
    expect(set.files).toBeGreaterThan(3000);
    expect(set.problems).toEqual([]);
    expect(set.rules.length).toBe(set.files);
  });

  it('resolves every technique and tactic tag to a live entry of ATT&CK 19.1', () => {
    const notLive = new Set<string>();
    const unknownTactics = new Set<string>();
    for (const r of set.rules) {
      for (const t of r.techniques) if (index.resolve(t).status !== 'live') notLive.add(t);
      for (const t of r.tactics) if (index.tactic(t)?.shortname !== t) unknownTactics.add(t);
    }
    expect([...notLive]).toEqual([]);
    expect([...unknownTactics]).toEqual([]);
  });

  it('counts techniques per tactic within the catalog, and the matrix shows the same counts', () => {
    const declared = new Set(set.rules.filter((r) => !r.disabled).flatMap((r) => r.techniques));
    const res = computeCoverage(set, loadAttackCatalog(), { findings: [] });
    for (const tactic of index.catalog.tactics) {
      const inCatalog = index.live().filter((t) => t.tactics.includes(tactic.shortname));
      const covered = inCatalog.filter((t) => declared.has(t.id));
      expect(covered.length, tactic.shortname).toBeLessThanOrEqual(inCatalog.length);
      // Top-level cells: a technique counts when it or one of its sub-techniques is declared.
      const topLevel = inCatalog.filter(
        (t) =>
          t.parent === null && (declared.has(t.id) || (index.children.get(t.id) ?? []).some((s) => declared.has(s.id))),
      );
      const column = res.details.matrix.find((c) => c.shortname === tactic.shortname)!;
      expect(column.techniques.filter((c) => c.grade !== 'none').length, tactic.shortname).toBe(topLevel.length);
      expect(column.total).toBe(inCatalog.filter((t) => t.parent === null).length);
    }
    // Host-observable tactics are where Sigma's rules live; each has coverage.
    for (const t of [
      'execution',
      'persistence',
      'privilege-escalation',
      'stealth',
      'defense-impairment',
      'credential-access',
      'discovery',
      'lateral-movement',
      'command-and-control',
      'impact',
    ]) {
      const column = res.details.matrix.find((c) => c.shortname === t)!;
      expect(
        column.techniques.some((c) => c.grade === 'declared'),
        t,
      ).toBe(true);
    }
    expect(res.summary.techniques_declared).toBe([...declared].filter((id) => index.techniques.get(id)).length);
  });

  it(
    'tags most technique/tactic pairs consistently with the catalog (the rule tactic is one of the technique ' +
      'tactics)',
    () => {
      let pairs = 0;
      let consistent = 0;
      for (const r of set.rules) {
        if (r.tactics.length === 0) continue;
        for (const t of r.techniques) {
          const tech = index.techniques.get(t);
          if (!tech) continue;
          pairs++;
          if (r.tactics.some((tac) => tech.tactics.includes(tac))) consistent++;
        }
      }
      expect(pairs).toBeGreaterThan(3000);
      expect(consistent / pairs).toBeGreaterThan(0.9);
    },
  );
});

describe('Sigma emerging-threats and threat-hunting folders', () => {
  it('reads every rule without a problem and resolves their technique tags', async () => {
    const set = await loadRules([
      join(SHARED_DIR, 'sigma', 'rules-emerging-threats'),
      join(SHARED_DIR, 'sigma', 'rules-threat-hunting'),
    ]);
    expect(set.files).toBeGreaterThan(500);
    expect(set.problems).toEqual([]);
    const { index } = loadAttackCatalog();
    expect(set.rules.flatMap((r) => r.techniques).filter((t) => index.resolve(t).status !== 'live')).toEqual([]);
  }, 30_000);
});
