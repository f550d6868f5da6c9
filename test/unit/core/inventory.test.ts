import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_INVENTORY } from '../../../src/commands/init.js';
import { builtInInventory, loadInventory } from '../../../src/inventory/load.js';
import { inputErrorOf } from '../../helpers/inventory-text.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-inv-'));
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const errorOf = inputErrorOf;

describe('inventory loading', () => {
  it('merges defaults and groups into targets and resolves key paths next to the file', () => {
    const file = write(
      'ok.yaml',
      `version: 1
organization: Example Corp
defaults:
  ssh: { user: audit, key: ./keys/id }
  tags: [prod]
groups:
  dmz: { tags: [dmz], ssh: { sudo: true } }
targets:
  - id: web-01
    kind: linux
    address: 10.0.0.5
    group: dmz
    ssh: { host_key: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" }
  - id: forwarded-container
    kind: linux
    address: 127.0.0.1
    port: 2222
`,
    );
    const inv = loadInventory(file);
    const [web, self] = inv.targets;
    expect(web).toMatchObject({ id: 'web-01', transport: 'ssh', tags: ['prod', 'dmz'] });
    expect(web!.ssh).toMatchObject({ user: 'audit', key: join(dir, 'keys/id'), sudo: true });
    // A loopback address with ssh defaults and a port is a remote host behind a forwarded port, not this machine.
    expect(self!.transport).toBe('ssh');
    expect(inv.rules[0]).toMatch(/checks\/rules$/);
  });

  it('reads report settings: language and a browser path resolved next to the file', () => {
    const inv = loadInventory(
      write('report.yaml', 'version: 1\ntargets: []\nreport: { lang: ja, browser: ./chrome/chrome }\n'),
    );
    expect(inv.report).toEqual({ lang: 'ja', browser: join(dir, 'chrome/chrome') });
  });

  it('refuses credentials in web URLs and a login path that leaves the target', () => {
    const creds = write(
      'creds.yaml',
      'version: 1\ntargets:\n  - id: shop\n    kind: web\n    web: { urls: ["http://user:pw@shop.example/"] }\n',
    );
    expect(errorOf(() => loadInventory(creds)).field).toBe('targets.0.web.urls.0');
    const away = write(
      'away.yaml',
      'version: 1\ntargets:\n  - id: shop\n    kind: web\n    web: { urls: ["https://shop.example/"], login: ' +
        '{ path: "//evil.example/x", username_field: u } }\n',
    );
    expect(errorOf(() => loadInventory(away)).field).toBe('targets.0.web.login.path');
  });

  it('audits a bare local address through the local transport', () => {
    const inv = loadInventory(
      write('local.yaml', 'version: 1\ntargets:\n  - { id: me, kind: linux, address: localhost }\n'),
    );
    expect(inv.targets[0]!.transport).toBe('local');
  });

  it('names file, line, column and field for an unknown field', () => {
    const file = write(
      'unknown.yaml',
      'version: 1\ntargets:\n  - id: a\n    kind: linux\n    address: h\n    pasword: x\n',
    );
    const e = errorOf(() => loadInventory(file));
    expect(e.message).toBe(`${file}:6:5: targets.0.pasword: unknown field`);
  });

  it('names the line of a YAML syntax error', () => {
    const file = write('syntax.yaml', 'version: 1\ntargets:\n  - id: a\n   kind: [linux\n');
    const e = errorOf(() => loadInventory(file));
    expect(e.line).toBe(4);
    expect(e.message).toContain('YAML syntax');
  });

  it('rejects a password written into the file instead of an environment variable name', () => {
    const file = write(
      'secret.yaml',
      'version: 1\ntargets:\n  - id: a\n    kind: linux\n    address: h\n    ssh: { password_env: "hunter 2!" }\n',
    );
    const e = errorOf(() => loadInventory(file));
    expect(e.field).toBe('targets.0.ssh.password_env');
    expect(e.line).toBe(6);
  });

  it('rejects duplicate target ids and a web host that names no target', () => {
    const dup = write(
      'dup.yaml',
      'version: 1\ntargets:\n  - { id: a, kind: linux, address: h }\n  - { id: a, kind: linux, address: h2 }\n',
    );
    const dupError = errorOf(() => loadInventory(dup));
    expect(dupError.message).toContain('duplicate target id "a"');
    // Cross-target checks are located like schema errors: file, line and column of the field.
    expect(dupError.message).toMatch(/dup\.yaml:4:\d+: targets\.1\.id: /);
    const web = write(
      'web.yaml',
      'version: 1\ntargets:\n  - id: shop\n    kind: web\n    web: { urls: ["https://shop.example/"], host: ' +
        'nowhere }\n',
    );
    const webError = errorOf(() => loadInventory(web));
    expect(webError.field).toBe('targets.0.web.host');
    expect(webError.line).toBe(5);
  });

  it('accepts the example that socready init writes', () => {
    const inv = loadInventory(write('example.yaml', EXAMPLE_INVENTORY));
    expect(inv.targets.map((t) => t.id)).toEqual(['web-01', 'db-01']);
    expect(inv.targets[0]!.tags).toContain('dmz');
  });

  it(
    'reads the estate of the init example once uncommented, and names the line of an unknown source class or ' +
      'use-case',
    () => {
      const block = EXAMPLE_INVENTORY.split('\n')
        .filter((l) => /^# (estate:| {2})/.test(l))
        .map((l) => l.slice(2))
        .join('\n');
      const inv = loadInventory(write('estate.yaml', `version: 1\ntargets: []\n${block}\n`));
      expect(inv.estate!.sources['database-audit']).toEqual({ count: 3, products: ['PostgreSQL'] });
      expect(inv.estate!.sources['email-gateway']).toBe(false);
      expect(inv.estate!.use_cases!.automate).toEqual([{ use_case: 'sql-injection', playbooks: ['native-waf-block'] }]);
      const badClass = errorOf(() =>
        loadInventory(
          write('estate-bad.yaml', 'version: 1\ntargets: []\nestate:\n  sources:\n    postgres: { count: 3 }\n'),
        ),
      );
      expect(badClass).toMatchObject({ line: 5, field: 'estate.sources.postgres' });
      expect(badClass.detail).toContain('unknown source class "postgres"');
      const badUse = errorOf(() =>
        loadInventory(
          write(
            'estate-bad2.yaml',
            'version: 1\ntargets: []\nestate:\n  sources: {}\n  use_cases:\n    automate: [sqli]\n',
          ),
        ),
      );
      expect(badUse).toMatchObject({ line: 6, field: 'estate.use_cases.automate.0' });
      expect(badUse.detail).toContain('unknown use-case "sqli"');
    },
  );

  it('audits this machine through the local transport when there is no inventory', () => {
    const inv = builtInInventory();
    expect(inv.targets).toHaveLength(1);
    expect(inv.targets[0]).toMatchObject({ kind: 'linux', transport: 'local' });
  });
});

describe('network sensor targets (ips, ndr)', () => {
  it('reads a sensor without api: on its own host: ssh when remote, local on this machine', () => {
    const file = write(
      'sensors.yaml',
      'version: 1\ntargets:\n  - { id: ids1, kind: ips, address: 10.0.0.5, ssh: { user: audit } }\n  - { id: ' +
        'zeek, kind: ndr, address: localhost }\n  - { id: ndr-api, kind: ndr, address: ndr.example, api: { ' +
        'url: "https://ndr.example/api" } }\n',
    );
    const inv = loadInventory(file);
    expect(inv.targets.map((t) => [t.id, t.transport])).toEqual([
      ['ids1', 'ssh'],
      ['zeek', 'local'],
      ['ndr-api', 'http'],
    ]);
  });

  it('rejects an ips target over http with no api, naming the field', () => {
    const file = write(
      'sensor-http.yaml',
      'version: 1\ntargets:\n  - { id: ids1, kind: ips, address: 10.0.0.5, transport: http }\n',
    );
    const e = errorOf(() => loadInventory(file));
    expect(e.message).toContain('targets.0.transport');
    expect(e.message).toContain('needs api:');
  });
});
