import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttackIndex, loadAttackCatalog, parseCatalogFile, SHIPPED_CATALOG } from '../../../src/attack/catalog.js';
import { catalogFromStix } from '../../../src/attack/stix.js';
import { REPO_ROOT, SHARED_DIR } from '../../helpers/paths.js';

const BUNDLE = join(SHARED_DIR, 'attack', 'enterprise-attack-19.1-subset.json.gz');

describe('ATT&CK catalog from the STIX bundle', () => {
  const fromBundle = parseCatalogFile(BUNDLE);

  it(
    'reads the gzipped STIX 2.0 bundle: version, 15 tactics in matrix order, techniques, data components, ' + 'groups',
    () => {
      expect(fromBundle.attack_version).toBe('19.1');
      expect(fromBundle.tactics.map((t) => t.shortname).slice(0, 3)).toEqual([
        'reconnaissance',
        'resource-development',
        'initial-access',
      ]);
      expect(fromBundle.tactics.map((t) => t.shortname)).toContain('defense-impairment');
      expect(fromBundle.tactics.map((t) => t.shortname)).not.toContain('defense-evasion');
      const live = fromBundle.techniques.filter((t) => !t.revoked && !t.deprecated);
      expect(live.length).toBe(697);
      expect(fromBundle.data_components.length).toBe(109);
      const apt29 = fromBundle.groups.find((g) => g.id === 'G0016')!;
      expect(apt29.name).toBe('APT29');
      expect(apt29.aliases).toContain('Cozy Bear');
      expect(apt29.techniques.length).toBeGreaterThan(30);
    },
  );

  it(
    'derives technique → data components through v18+ detection strategies and analytics, as the reference ' +
      'catalog does',
    () => {
      const ref = JSON.parse(readFileSync(join(SHARED_DIR, 'attack', 'enterprise-attack-catalog.json'), 'utf8')) as {
        techniques: { id: string; data_components: string[]; tactics: string[]; revoked_by?: string }[];
      };
      const mine = new Map(fromBundle.techniques.map((t) => [t.id, t]));
      expect(mine.size).toBe(ref.techniques.length);
      for (const r of ref.techniques) {
        const m = mine.get(r.id)!;
        expect(m.data_components, r.id).toEqual([...r.data_components].sort());
        expect(m.tactics, r.id).toEqual(r.tactics);
        expect(m.revoked_by, r.id).toBe(r.revoked_by);
      }
    },
  );

  it(
    "the shipped compact catalog is this bundle, carries no descriptions, and sits next to MITRE's licence " + 'notice',
    () => {
      const shipped = parseCatalogFile(SHIPPED_CATALOG);
      expect(shipped.attack_version).toBe(fromBundle.attack_version);
      expect(shipped.techniques).toEqual(fromBundle.techniques);
      expect(shipped.groups).toEqual(fromBundle.groups);
      expect(readFileSync(SHIPPED_CATALOG, 'utf8')).not.toMatch(/"description"/);
      const licence = join(REPO_ROOT, 'checks', 'attack', 'LICENSE-ATTACK.txt');
      expect(existsSync(licence)).toBe(true);
      expect(readFileSync(licence, 'utf8')).toContain('The MITRE Corporation');
    },
  );

  it('rejects a file that is neither a bundle nor a catalog, naming the file', () => {
    expect(() => catalogFromStix({ type: 'report' }, 'x.json')).toThrow(/x\.json: not a STIX bundle/);
  });
});

describe('AttackIndex', () => {
  const { index } = loadAttackCatalog({ path: SHIPPED_CATALOG });

  it('resolves revoked IDs through their chain to the live replacement', () => {
    expect(index.resolve('T1562.001')).toEqual({
      status: 'revoked',
      id: 'T1685',
      from: 'T1562.001',
      chain: ['T1562.001'],
    });
    // T1089 was revoked by T1562.001, itself revoked by T1685 in v19.
    const r = index.resolve('t1089');
    expect(r.status).toBe('revoked');
    expect(r.id).toBe('T1685');
    expect(index.resolve('T1003.001')).toEqual({ status: 'live', id: 'T1003.001' });
    expect(index.resolve('T9999').status).toBe('unknown');
  });

  it('reports deprecated techniques as deprecated', () => {
    const dep = index.catalog.techniques.find((t) => t.deprecated && !t.revoked)!;
    expect(index.resolve(dep.id)).toEqual({ status: 'deprecated', id: dep.id });
  });

  it('maps the v18 tactic defense-evasion to v19 stealth, and stealth back to defense-evasion on a v18 catalog', () => {
    expect(index.tactic('defense-evasion')?.id).toBe('TA0005');
    expect(index.tactic('defense-evasion')?.shortname).toBe('stealth');
    expect(index.tactic('defense_impairment')?.id).toBe('TA0112');
    const v18 = new AttackIndex({
      ...index.catalog,
      attack_version: '18.1',
      tactics: [{ id: 'TA0005', shortname: 'defense-evasion', name: 'Defense Evasion', order: 1 }],
    });
    expect(v18.tactic('stealth')?.shortname).toBe('defense-evasion');
  });

  it('finds groups by ID, name and alias', () => {
    expect(index.group('G0016')?.name).toBe('APT29');
    expect(index.group('apt29')?.id).toBe('G0016');
    expect(index.group('Cozy Bear')?.id).toBe('G0016');
    expect(index.group('nobody')).toBeUndefined();
  });
});
