// Database targets in the inventory: the `database` section is validated by the schema and its references by the
// loader, each error naming the file and the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { InputError } from '../../../src/util/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-inv-db-'));
let n = 0;
function load(targets: string): ReturnType<typeof loadInventory> {
  const file = join(dir, `inv-${++n}.yaml`);
  writeFileSync(
    file,
    'version: 1\ntargets:\n  - { id: db-host, kind: linux, address: 10.0.0.5, ssh: { user: audit } }\n  - { ' +
      `id: web, kind: web, web: { urls: [https://shop.example/] } }\n${targets}`,
  );
  return loadInventory(file);
}
function errorOf(targets: string): InputError {
  try {
    load(targets);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('database targets in the inventory', () => {
  it('accepts a database on a linux host, defaults its address to loopback and takes the host transport', () => {
    const inv = load(
      '  - id: pg\n    kind: database\n    database: { product: postgresql, host: db-host, user: ' +
        'socready_ro, password_env: PG_PW, port: 5432, tls: { mode: verify-full } }\n',
    );
    const pg = inv.targets.find((t) => t.id === 'pg')!;
    expect(pg.address).toBe('127.0.0.1');
    expect(pg.transport).toBe('ssh');
    expect(pg.database).toMatchObject({ product: 'postgresql', host: 'db-host', password_env: 'PG_PW' });
  });

  it('rejects an unknown product with its line and field', () => {
    const e = errorOf('  - id: pg\n    kind: database\n    database: { product: db2, host: db-host }\n');
    expect(e.field).toBe('targets.2.database.product');
    expect(e.line).toBe(7);
  });

  it('rejects a password written into the inventory (only password_env exists)', () => {
    const e = errorOf(
      '  - id: pg\n    kind: database\n    database: { product: mariadb, host: db-host, user: ro, password: ' +
        'hunter2 }\n',
    );
    expect(e.message).toMatch(/password/);
    expect(e.field).toMatch(/^targets\.2\.database/);
  });

  it('rejects a host that names no target, or a target that is not linux or windows', () => {
    expect(
      errorOf('  - id: pg\n    kind: database\n    database: { product: postgresql, host: nowhere }\n').field,
    ).toBe('targets.2.database.host');
    const e = errorOf('  - id: pg\n    kind: database\n    database: { product: postgresql, host: web }\n');
    expect(e.field).toBe('targets.2.database.host');
    expect(e.message).toContain('must be a linux or windows target');
  });

  it('rejects kind database without a database section, and a database section on another kind', () => {
    expect(errorOf('  - { id: pg, kind: database }\n').message).toContain('needs a "database" section');
    expect(
      errorOf('  - { id: h2, kind: linux, address: h2, database: { product: postgresql, host: db-host } }\n').field,
    ).toBe('targets.2.database');
  });

  it('rejects password_env without a user', () => {
    expect(
      errorOf(
        '  - id: pg\n    kind: database\n    database: { product: postgresql, host: db-host, password_env: PW }\n',
      ).field,
    ).toBe('targets.2.database.password_env');
  });
});
