// Sentinel's analytics and automation rules live in Azure Resource Manager, another host and token audience than the
// Log Analytics query API: the inventory names both, and a wrong management_url fails at load, at its field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { inputErrorOf } from '../../helpers/inventory-text.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-inv-sentinel-'));
const WS =
  '/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/' +
  'workspaces/myWorkspace';

function load(api: string) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    'version: 1\ntargets:\n  - id: sentinel\n    kind: siem\n    address: api.loganalytics.io\n    transport: http\n' +
      `    api:\n${api}`,
  );
  return loadInventory(file);
}
const errorOf = inputErrorOf;

const LA = '      url: https://api.loganalytics.io/v1/workspaces/ws-1234\n      token_env: LA_TOKEN\n';

describe('inventory: a Sentinel target names its Azure Resource Manager workspace and token apart', () => {
  it('accepts the workspace resource URL with its own token variable', () => {
    const inv = load(
      `${LA}      product: sentinel\n      management_url: https://management.azure.com${WS}\n` +
        '      management_token_env: ARM_TOKEN\n',
    );
    expect(inv.targets[0]!.api).toMatchObject({
      management_url: `https://management.azure.com${WS}`,
      management_token_env: 'ARM_TOKEN',
    });
  });

  it('refuses a URL that is not a workspace resource, plain http, a query, or a missing token variable', () => {
    const cases: [string, RegExp][] = [
      [`https://management.azure.com/subscriptions/x`, /must be the workspace resource URL/],
      [`http://management.azure.com${WS}`, /must be https \(Azure Resource Manager\)/],
      [`https://management.azure.com${WS}?api-version=2023-11-01`, /no query, no credentials/],
    ];
    for (const [url, message] of cases) {
      const e = errorOf(() =>
        load(`${LA}      product: sentinel\n      management_url: "${url}"\n      management_token_env: ARM_TOKEN\n`),
      );
      expect(e.field).toBe('targets.0.api.management_url');
      expect(e.message).toMatch(message);
    }
    const noToken = errorOf(() =>
      load(`${LA}      product: sentinel\n      management_url: https://management.azure.com${WS}\n`),
    );
    expect(noToken.message).toMatch(/needs management_token_env .* api\.token_env is never sent to another host/);
  });

  it('refuses management_url on another product', () => {
    const e = errorOf(() =>
      load(
        `${LA}      product: splunk\n      management_url: https://management.azure.com${WS}\n` +
          '      management_token_env: ARM_TOKEN\n',
      ),
    );
    expect(e.field).toBe('targets.0.api.management_url');
    expect(e.message).toMatch(/are for api\.product sentinel \(this is splunk\)/);
  });
});
