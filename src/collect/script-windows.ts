import type { ProbeDef } from '../checks/types.js';
import type { DatabaseProductModule } from '../database/products.js';
import { buildCollectionScript } from '../transport/pwsh-script.js';
import { InputError } from '../util/validate.js';

/**
 * The PowerShell script a client runs on a Windows host socready cannot reach: the same batched, read-only
 * collection the live PowerShell transport runs, written to one JSON evidence file for `scan --evidence`.
 */
export function windowsCollectScript(
  probes: ProbeDef[],
  version: string,
  databases: DatabaseProductModule[] = [],
): string {
  const names = databases.map((d) => d.name as string);
  const host = probes.filter((p) => p.platform !== 'database' && p.kind === 'command');
  // The database's own probes (collect-script --database mssql): its catalog queries through PowerShell with Windows
  // authentication as the account running the script, and its PowerShell reads (the registry); no sh probe, no canary.
  const db = probes
    .filter((p) => p.platform === 'database' && p.products?.some((x) => names.includes(x)))
    .flatMap((p) => {
      const module = databases.find((d) => p.products!.includes(d.name));
      if (p.kind === 'query' && module?.psQuery) {
        const call = module.psQuery({ product: module.name, host: 'localhost' }, 'localhost', p.query!);
        return call.error ? [] : [{ id: p.id, script: call.command }];
      }
      if (p.kind === 'command' && p.shell === 'powershell')
        return [{ id: p.id, script: p.command!.replaceAll('@INSTANCE@', 'MSSQLSERVER') }];
      return [];
    });
  if (host.length === 0) throw new InputError('(command line)', 'no Windows probes in the check catalog');
  const body = buildCollectionScript([...host.map((p) => ({ id: p.id, script: p.command! })), ...db], {
    output: 'json',
    maxChars: Math.max(...host.map((p) => p.max_bytes ?? 4 * 1024 * 1024)),
  }).replace(/\n\$socreadyJson\n$/, '\n');
  const header =
    `{"format":"socready-evidence","version":1,"platform":"windows","tool_version":"${version}",` +
    (names.length > 0 ? `"databases":${JSON.stringify(names)},` : '');
  return (
    `<#
  socready ${version} offline evidence collection for Windows.
  Runs read-only commands only and writes one JSON file. Run it in an elevated PowerShell (auditpol needs it):
    powershell -NoProfile -ExecutionPolicy Bypass -File .\\collect.ps1 [-OutFile evidence.json]
  Copy the output back and evaluate it with: socready scan --evidence <file-or-folder>
#>
param([string]$OutFile = ("socready-evidence-" + $env:COMPUTERNAME + ".json"))
${body}
$socreadyEvidence = '${header}"collected_at":"' ` +
    `+ (Get-Date).ToUniversalTime().ToString('o') + '","collection":' + $socreadyJson + '}'
[IO.File]::WriteAllText([IO.Path]::GetFullPath($OutFile), $socreadyEvidence, (New-Object Text.UTF8Encoding $false))
'socready: evidence written to ' + $OutFile
`
  );
}
