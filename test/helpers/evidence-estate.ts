// An estate of offline evidence files of different kinds (Linux hosts from the fixture hosts, one with a PostgreSQL
// server read from its file; Windows hosts from the Windows fixtures), as collect-script would have written them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Catalog, loadCatalog } from '../../src/checks/catalog.js';
import type { ProbeResult } from '../../src/transport/types.js';
import { fixtureHost } from '../fixtures/linux/hosts.js';
import { hostEvidenceFile } from './windows-hosts.js';

/** Probe outputs as a collect-script evidence file stores them (base64 output, the probe's kind and command). */
export function evidenceProbes(outputs: Record<string, ProbeResult>, catalog: Catalog): Record<string, object> {
  return Object.fromEntries(
    Object.entries(outputs).map(([id, r]) => {
      const def = catalog.probes.get(id)!;
      return [
        id,
        {
          kind: def.kind,
          what: def.command ?? def.path ?? id,
          exit_code: r.exitCode,
          stdout_b64: Buffer.from(r.stdout).toString('base64'),
          stderr_b64: Buffer.from(r.stderr).toString('base64'),
          ...(r.error ? { error: r.error } : {}),
        },
      ];
    }),
  );
}

export function linuxEvidence(fixture: string, hostname: string, databases?: 'postgresql'[]): object {
  const catalog = loadCatalog();
  const outputs = fixtureHost(fixture, catalog.probes.values());
  const probes = evidenceProbes(outputs, catalog);
  return {
    format: 'socready-evidence',
    version: 1,
    platform: 'linux',
    collected_at: '2026-11-20T10:00:00Z',
    host: { hostname },
    ...(databases ? { databases } : {}),
    probes,
  };
}

/** Writes the estate's evidence files into `dir` and returns their host names (the target ids a scan gives them). */
export function writeEvidenceEstate(dir: string): string[] {
  const files: [string, object][] = [
    ['web-01', linuxEvidence('hardened', 'web-01')],
    ['app-02', linuxEvidence('debian-default', 'app-02')],
    ['db-03', linuxEvidence('debian-minimal', 'db-03', ['postgresql'])],
    ['dc-04', hostEvidenceFile('hardened', 'dc-04')],
    ['ws-05', hostEvidenceFile('default', 'ws-05')],
    ['ws-06', hostEvidenceFile('default', 'ws-06')],
  ];
  for (const [name, data] of files) writeFileSync(join(dir, `${name}.json`), JSON.stringify(data));
  return files.map(([name]) => name);
}
