// Every rule of the SigmaHQ corpus must load; the few that cannot fully work are listed exactly, with the reason.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { listRuleFiles, loadRules } from '../../../src/sigma/loader.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const SIGMA = join(SHARED_DIR, 'sigma');
const DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => join(SIGMA, d));
const present = DIRS.every((d) => existsSync(d));

describe.skipIf(!present)(`SigmaHQ corpus (${present ? SIGMA : 'skipped: shared reference data absent'})`, () => {
  const loaded = present ? loadRules(DIRS) : { rules: [], failures: [], files: 0 };
  const engine = new SigmaEngine(loaded.rules);

  it('loads every rule file of rules, rules-emerging-threats and rules-threat-hunting', () => {
    const files = listRuleFiles(DIRS, []);
    expect(files.length).toBeGreaterThan(3700);
    expect(loaded.failures).toEqual([]);
    expect(engine.failures).toEqual([]);
    expect(engine.detections.length).toBe(files.length);
  });

  it('warns exactly about the rules whose placeholders need site configuration', () => {
    expect(engine.warnings.map((w) => `${relative(SIGMA, w.path)}: ${w.error}`)).toEqual([
      'rules-emerging-threats/2026/Exploits/CVE-2026-54121/win_security_adcs_certighost_cdc_chase_request.yml' +
        ': c4a1f389-2e6b-4d9a-8f0c-b73e5a12d947: placeholder %known_cdcs% has no configured values, so ' +
        'Attributes|contains|expand never matches',
      'rules-emerging-threats/2026/Exploits/CVE-2026-54121/win_security_adcs_certighost_cert_issued_via_chase' +
        '.yml: 8b7e2c54-1f93-4a6d-b8e0-3c9d7f25a168: placeholder %known_cdcs% has no configured values, so ' +
        'Attributes|contains|expand never matches',
    ]);
  });

  it('gives most rules literal hints so the prefilter can skip them', () => {
    const hinted = engine.detections.filter((r) => r.need).length;
    expect(hinted / engine.detections.length).toBeGreaterThan(0.9);
  });
});
