// socready's own rule pack is shown to every new user: its ATT&CK tags must be current in the catalog it ships,
// or its own report flags it (renamed tactic defense-evasion, revoked/deprecated techniques).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAttackCatalog, SHIPPED_CATALOG } from '../../../src/attack/catalog.js';
import { resolveRules } from '../../../src/coverage/grade.js';
import { loadRules } from '../../../src/rules/load.js';
import { REPO_ROOT } from '../../helpers/paths.js';

describe('the built-in rule pack (checks/rules) against the shipped ATT&CK catalog', () => {
  it('loads every rule and has no outdated or unknown technique or tactic tag', async () => {
    const rules = await loadRules([join(REPO_ROOT, 'checks', 'rules')]);
    expect(rules.problems).toEqual([]);
    expect(rules.rules.length).toBeGreaterThan(10);
    const { index } = loadAttackCatalog({ path: SHIPPED_CATALOG });
    const { resolutions } = resolveRules(rules.rules, index);
    expect(
      resolutions.map((r) => `${r.from} (${r.status}${r.to ? ` → ${r.to}` : ''}): ${r.examples.join('; ')}`),
    ).toEqual([]);
    // Every rule still maps to at least one live technique after resolution.
    for (const r of rules.rules)
      expect(
        r.techniques.every((t) => index.resolve(t).status === 'live'),
        r.title,
      ).toBe(true);
  });
});
