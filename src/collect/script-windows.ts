import type { ProbeDef } from '../checks/types.js';
import { buildCollectionScript } from '../transport/pwsh-script.js';
import { InputError } from '../util/validate.js';

/**
 * The PowerShell script a client runs on a Windows host socready cannot reach: the same batched, read-only
 * collection the live PowerShell transport runs, written to one JSON evidence file for `scan --evidence`.
 */
export function windowsCollectScript(probes: ProbeDef[], version: string): string {
  const commands = probes.filter((p) => p.kind === 'command');
  if (commands.length === 0) throw new InputError('(command line)', 'no Windows probes in the check catalog');
  const body = buildCollectionScript(
    commands.map((p) => ({ id: p.id, script: p.command! })),
    { output: 'json', maxChars: Math.max(...commands.map((p) => p.max_bytes ?? 4 * 1024 * 1024)) },
  ).replace(/\n\$socreadyJson\n$/, '\n');
  return (
    `<#
  socready ${version} offline evidence collection for Windows.
  Runs read-only commands only and writes one JSON file. Run it in an elevated PowerShell (auditpol needs it):
    powershell -NoProfile -ExecutionPolicy Bypass -File .\\collect.ps1 [-OutFile evidence.json]
  Copy the output back and evaluate it with: socready scan --evidence <file-or-folder>
#>
param([string]$OutFile = ("socready-evidence-" + $env:COMPUTERNAME + ".json"))
${body}
$socreadyEvidence = ` +
    `'{"format":"socready-evidence","version":1,"platform":"windows","tool_version":"${version}","collected_at":"' ` +
    `+ (Get-Date).ToUniversalTime().ToString('o') + '","collection":' + $socreadyJson + '}'
[IO.File]::WriteAllText([IO.Path]::GetFullPath($OutFile), $socreadyEvidence, (New-Object Text.UTF8Encoding $false))
'socready: evidence written to ' + $OutFile
`
  );
}
