import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_CATALOG } from '../../../src/attack/catalog.js';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { owaspCategory } from '../../../src/attack/owasp.js';
import { loadSourceCatalog, SOURCES_FILE } from '../../../src/sources/catalog.js';
import { InputError } from '../../../src/util/validate.js';

const GOOD = readFileSync(SOURCES_FILE, 'utf8');

function write(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'socready-sources-')), 'sources.yaml');
  writeFileSync(f, text);
  return f;
}

function errorOf(text: string): InputError {
  try {
    loadSourceCatalog(write(text));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('source catalog loader', () => {
  it('loads the shipped catalog: every class of the issue and the use-cases that need them', () => {
    const c = loadSourceCatalog();
    const ids = c.classes.map((x) => x.id);
    for (const id of [
      'web-request-body',
      'web-response-body',
      'waf',
      'tls-decrypting-proxy',
      'ips',
      'ndr',
      'edr',
      'linux-os-audit',
      'windows-os-audit',
      'sysmon',
      'database-audit',
      'firewall',
      'vpn-remote-access',
      'identity',
      'dns',
      'email-gateway',
      'cloud-control-plane',
      'saas',
    ]) {
      expect(ids, id).toContain(id);
    }
    const uc = c.use_cases.map((u) => u.id);
    for (const id of [
      'sql-injection',
      'data-leakage',
      'credential-stuffing',
      'password-spraying',
      'web-shell',
      'kernel-backdoor',
      'process-injection',
      'lateral-movement-ssh',
      'lateral-movement-rdp',
      'exfiltration',
    ]) {
      expect(uc, id).toContain(id);
    }
    // Every class is needed by some use-case: a class nothing needs would never weigh in the score.
    for (const id of ids)
      expect(
        c.use_cases.some((u) => u.needs.includes(id)),
        id,
      ).toBe(true);
  });

  it('names the line and field of a use-case that needs an unknown class', () => {
    const e = errorOf(
      GOOD.replace('needs: [web-request-body, waf, database-audit]', 'needs: [web-request-body, waff, database-audit]'),
    );
    expect(e.field).toBe('use_cases.0.needs.1');
    expect(e.detail).toContain('unknown source class "waff"');
    const line = GOOD.split('\n').findIndex((l) => l.includes('needs: [web-request-body, waf, database-audit]')) + 1;
    expect(e.line).toBe(line);
  });

  it('names the line and field of a schema error (a proof without its meaning)', () => {
    const bad = GOOD.replace(
      / - \{ checks: \[web\.nginx\.request-body-logged\], proves: collected, means: \{[^}]*\} \}/,
      ' - { checks: [web.nginx.request-body-logged], proves: collected }',
    );
    const e = errorOf(bad);
    expect(e.detail).toBe('missing required field "means"');
    expect(e.field).toBe('classes.0.measured_by.1');
    expect(e.line).toBe(GOOD.split('\n').findIndex((l) => l.includes('checks: [web.nginx.request-body-logged]')) + 1);
  });

  it('rejects duplicate ids, unknown OWASP categories and unknown proof kinds', () => {
    expect(errorOf(GOOD.replace('  - id: waf\n', '  - id: web-request-body\n')).detail).toContain(
      'duplicate source class "web-request-body"',
    );
    expect(errorOf(GOOD.replace('owasp: ["A03:2021", "A05:2025"]', 'owasp: ["A11:2021"]')).detail).toContain(
      'unknown OWASP Top 10 category "A11:2021"',
    );
    expect(errorOf(GOOD.replace('proves: arrived', 'proves: maybe')).detail).toContain(
      'must be one of collected, arrived',
    );
  });
});

describe('shipped source catalog against the other shipped catalogs', () => {
  const c = loadSourceCatalog();
  const attack = JSON.parse(readFileSync(SHIPPED_CATALOG, 'utf8')) as {
    techniques: { id: string; deprecated: boolean; revoked: boolean }[];
    data_components: { name: string; deprecated: boolean; revoked: boolean }[];
  };

  it('maps use-cases only to live ATT&CK techniques and known OWASP categories', () => {
    const live = new Set(attack.techniques.filter((t) => !t.deprecated && !t.revoked).map((t) => t.id));
    for (const u of c.use_cases) {
      expect(u.attack.length + u.owasp.length, u.id).toBeGreaterThan(0);
      for (const t of u.attack) expect(live.has(t), `${u.id}: ${t}`).toBe(true);
      for (const o of u.owasp) expect(owaspCategory(o), `${u.id}: ${o}`).toBeDefined();
    }
  });

  it('names only live ATT&CK data components', () => {
    const live = new Set(attack.data_components.filter((d) => !d.deprecated && !d.revoked).map((d) => d.name));
    for (const cls of c.classes) for (const d of cls.data_components) expect(live.has(d), `${cls.id}: ${d}`).toBe(true);
  });

  it('proves classes only with check ids of the check catalog', () => {
    const ids = new Set(loadCatalog().checks.map((ch) => ch.id));
    for (const cls of c.classes)
      for (const p of cls.measured_by) for (const id of p.checks) expect(ids.has(id), `${cls.id}: ${id}`).toBe(true);
  });
});
