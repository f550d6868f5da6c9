import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadProbes } from '../../../src/checks/catalog.js';
import { windowsCollectScript } from '../../../src/collect/script-windows.js';
import { buildCollectionScript, exitViolation, psCodeOnly } from '../../../src/transport/pwsh-script.js';
import type { InputError } from '../../../src/util/validate.js';

// PowerShell is not installed on this machine (no pwsh), so these tests hold the script to PowerShell's rules by
// reading it: in a script file, `exit` inside a script block invoked with & ends the whole script, and over a
// remote session it ends the session; `return` only leaves the script block.

// Command probes only: a live probe (the --active canary) is never part of a collection script.
const windowsProbes = [...loadCatalog().probes.values()].filter(
  (p) => p.platform === 'windows' && p.kind === 'command',
);

/** The probe texts as the generated script declares them: `$socreadyProbes['id'] = '<single-quoted literal>'`. */
function declaredProbes(script: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^\$socreadyProbes\['([^']+)'\] = '((?:[^'\u2018\u2019\u201A\u201B]|['\u2018\u2019\u201A\u201B]{2})*)'$/gm;
  for (const m of script.matchAll(re)) out.set(m[1]!, m[2]!.replace(/(['\u2018\u2019\u201A\u201B])\1/g, '$1'));
  return out;
}

describe('no probe can end the collection (exit)', () => {
  it.each([
    [
      'a trailing exit',
      "reg.exe query 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa' /v SCENoApplyLegacyAuditPolicy 2>$null; exit 0",
    ],
    ['a bare exit', 'Get-Date\nexit'],
    ['an exit in a branch, any case', 'if (-not $s) { EXIT 1 }'],
    ['an exit after a pipeline', 'Get-Service | Select-Object Name; Exit'],
    ['[Environment]::Exit', '[Environment]::Exit(0)'],
    ['[System.Environment]::Exit', '[System.Environment] :: Exit(3)'],
    ['$host.SetShouldExit', '$host.SetShouldExit(1)'],
    ['an exit inside a subexpression of a double-quoted string', 'Write-Output "state: $(exit 2)"'],
  ])('flags %s', (_, script) => {
    expect(exitViolation(script)).toBeDefined();
  });

  it.each([
    ['the word in a single-quoted string', "Write-Output 'exit'"],
    ['a comment', 'Get-Date # exit early if needed\n<# exit #>'],
    ['a variable', '$exit = 1; $exitCode = $LASTEXITCODE'],
    ['a member', '$p.ExitCode; $proc.HasExited'],
    ['a here-string', "@'\nexit\n'@"],
    ['return', 'if (-not $s) { return }'],
    ['a cmdlet whose name contains the word', 'Get-Command Exit-PSHostProcess -ErrorAction SilentlyContinue'],
  ])('lets %s through', (_, script) => {
    expect(exitViolation(script)).toBeUndefined();
  });

  it('no Windows probe of the catalog uses exit (checks/probes/windows.yaml)', () => {
    expect(windowsProbes.length).toBeGreaterThanOrEqual(8);
    for (const p of windowsProbes) expect(exitViolation(p.command!), p.id).toBeUndefined();
  });

  it('the generated collect.ps1 declares every probe exit-free and contains no exit statement of its own', () => {
    const script = windowsCollectScript(windowsProbes, '0.0.0-test');
    const declared = declaredProbes(script);
    expect([...declared.keys()].sort()).toEqual(windowsProbes.map((p) => p.id).sort());
    for (const [id, body] of declared) {
      expect(body, id).toBe(windowsProbes.find((p) => p.id === id)!.command);
      expect(exitViolation(body), id).toBeUndefined();
    }
    // The wrapper itself, with the probe literals blanked out.
    expect(exitViolation(script)).toBeUndefined();
  });

  it(
    'the wrapper runs each probe inside try/catch and a one-pass loop, so break, continue and errors stay in ' +
      'that probe',
    () => {
      const code = psCodeOnly(windowsCollectScript(windowsProbes, '0.0.0-test'));
      const loop = code.indexOf('foreach ($socreadyId in @($socreadyProbes.Keys)) {');
      const tryAt = code.indexOf('try {', loop);
      const create = code.indexOf('$socreadyBlock = [ScriptBlock]::Create($socreadyProbes[$socreadyId])', tryAt);
      const call = code.indexOf('do { $socreadyItems = @(& $socreadyBlock *>&1) } while ($false)', create);
      const catchAt = code.indexOf('} catch {', call);
      expect([loop, tryAt, create, call, catchAt].every((i) => i > 0)).toBe(true);
      expect(loop < tryAt && tryAt < create && create < call && call < catchAt).toBe(true);
      // The probe is called in exactly one place.
      expect(code.match(/& \$socreadyBlock/g)).toHaveLength(1);
    },
  );

  it('refuses to build a collection script around a probe that uses exit, live or offline', () => {
    expect(() => buildCollectionScript([{ id: 'reg', script: 'reg.exe query HKLM\\X 2>$null; exit 0' }])).toThrow(
      /probe reg: "exit" would end the whole collection script/,
    );
  });

  it('a catalog probe that uses exit is a located load error, not a probe that runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-probes-'));
    mkdirSync(join(dir, 'p'));
    writeFileSync(
      join(dir, 'p', 'windows.yaml'),
      '- id: ok\n  platform: windows\n  kind: command\n  command: Get-Date\n- id: stops\n  platform: ' +
        'windows\n  kind: command\n  command: "Get-Date; exit 0"\n',
    );
    const problems: InputError[] = [];
    const probes = loadProbes(join(dir, 'p'), problems);
    expect([...probes.keys()]).toEqual(['ok']);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/windows\.yaml.*1\.command.*probe "stops": "exit" would end/s),
    ]);
  });
});

describe('the collection script records the code pages native output was written in', () => {
  it(
    'reads the console output code page and the system OEM/ANSI code pages (each guarded: a remote session has ' +
      'no console)',
    () => {
      const script = windowsCollectScript(windowsProbes, '0.0.0-test');
      expect(script).toContain(
        'try { $socreadyHost.console_code_page = [int][Console]::OutputEncoding.CodePage } catch { }',
      );
      expect(script).toContain(
        "Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' -ErrorAction Stop",
      );
      expect(script).toContain(
        '$socreadyHost.oem_code_page = [int]$socreadyNls.OEMCP; $socreadyHost.ansi_code_page = [int]$socreadyNls.ACP',
      );
      // The live PowerShell path runs the same body.
      expect(buildCollectionScript([{ id: 'a', script: 'Get-Date' }])).toContain('[Console]::OutputEncoding.CodePage');
    },
  );
});

describe('psCodeOnly', () => {
  it('blanks comments and single-quoted strings, keeps double-quoted strings whole, and keeps line breaks', () => {
    const script = "Get-Date # exit\n'it''s exit'; \"# not a comment; 'not a string'\"; a#b\n<# exit\n #>x";
    const code = psCodeOnly(script);
    expect(code.length).toBe(script.length);
    expect(code.split('\n')).toHaveLength(script.split('\n').length);
    expect(code).not.toContain('exit');
    expect(code).toContain('"# not a comment; \'not a string\'"');
    expect(code).toContain('a#b');
    expect(code.endsWith('x')).toBe(true);
  });

  it('a # inside a double-quoted string does not hide an exit after it', () => {
    expect(exitViolation('Write-Output "#"; exit 1')).toBeDefined();
  });
});
