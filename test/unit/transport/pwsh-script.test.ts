import { describe, expect, it } from 'vitest';
import {
  buildCollectionScript,
  decodeCommand,
  encodeCommand,
  MARKER_BEGIN,
  MARKER_END,
  oneLineInvocation,
  parseCollectionOutput,
  probeResultsFrom,
  psQuote,
  readOnlyViolation,
  STDIN_BOOTSTRAP,
} from '../../../src/transport/pwsh-script.js';

const QUOTES = "'\u2018\u2019\u201A\u201B";

/** PowerShell's rule for single-quoted literals: any of the four quote characters, doubled, is one literal quote. */
function readPsLiteral(text: string): string {
  expect(QUOTES).toContain(text[0]);
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (QUOTES.includes(c)) {
      if (QUOTES.includes(text[i + 1] ?? 'x')) {
        out += c;
        i++;
        continue;
      }
      expect(i).toBe(text.length - 1); // the literal must end exactly here: nothing leaks out of it
      return out;
    }
    out += c;
  }
  throw new Error('unterminated');
}

/** Balanced (), {}, [] outside strings and comments: a cheap syntax check for a script we cannot run here. */
function unbalanced(script: string): string | undefined {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '#' && (i === 0 || /\s/.test(script[i - 1]!))) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (QUOTES.includes(c)) {
      i++;
      while (i < script.length) {
        if (QUOTES.includes(script[i]!)) {
          if (QUOTES.includes(script[i + 1] ?? 'x')) i += 2;
          else break;
        } else i++;
      }
    } else if (c === '"') {
      i++;
      while (i < script.length && script[i] !== '"') i += script[i] === '`' ? 2 : 1;
    } else if ('({['.includes(c)) stack.push(c);
    else if (')}]'.includes(c)) {
      if (stack.pop() !== pairs[c]) return `unexpected ${c} at ${i}`;
    }
  }
  return stack.length ? `unclosed ${stack.join('')}` : undefined;
}

describe('psQuote', () => {
  it.each([
    ['plain'],
    ["it's"],
    ['C:\\Program Files\\Sysmon\\Sysmon64.exe'],
    ['$env:SECRET `n $(Remove-Item C:\\) "double"'],
    ['typographic \u2018quotes\u2019 and \u201Alow\u201B'],
    ["監査ポリシー '日本語'"],
    [''],
  ])('quotes %j so PowerShell reads back the same text', (text) => {
    expect(readPsLiteral(psQuote(text))).toBe(text);
  });
});

describe('EncodedCommand', () => {
  it('matches the documented example of powershell.exe -EncodedCommand', () => {
    // about_PowerShell_exe: $command = 'dir "c:\program files" ' encodes to this UTF-16LE base64.
    expect(encodeCommand('dir "c:\\program files" ')).toBe(
      'ZABpAHIAIAAiAGMAOgBcAHAAcgBvAGcAcgBhAG0AIABmAGkAbABlAHMAIgAgAA==',
    );
  });

  it('round-trips any script, Japanese included', () => {
    const script = "Write-Output 'セキュリティ ログ'; auditpol /get /category:* /r";
    expect(decodeCommand(encodeCommand(script))).toBe(script);
  });

  it('keeps the SSH bootstrap far below cmd.exe’s 8191-character limit', () => {
    const line = `powershell -NoProfile -NonInteractive -EncodedCommand ${encodeCommand(STDIN_BOOTSTRAP)}`;
    expect(line.length).toBeLessThan(8191);
    expect(STDIN_BOOTSTRAP).toContain('[Console]::In.ReadToEnd()');
  });

  it('wraps a multi-line script into one line that carries it as UTF-8 base64', () => {
    const line = oneLineInvocation("$a = 1\n'監査'");
    expect(line).not.toContain('\n');
    const b64 = /FromBase64String\('([^']+)'\)/.exec(line)![1]!;
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe("$a = 1\n'監査'");
  });
});

describe('buildCollectionScript', () => {
  const probes = [
    { id: 'auditpol', script: 'auditpol /get /category:* /r' },
    {
      id: 'ps.scriptblock',
      script:
        "Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLoggin" +
        "g' | ConvertTo-Json",
    },
    { id: 'quote-test', script: "Write-Output 'it''s ok'; \"{\"" },
  ];

  it('declares each probe as a quoted literal the script never parses as its own code', () => {
    const script = buildCollectionScript(probes);
    expect(script).toContain('# socready-probes: ["auditpol","ps.scriptblock","quote-test"]');
    for (const p of probes) {
      const line = script.split('\n').find((l) => l.startsWith(`$socreadyProbes['${p.id}'] = `))!;
      expect(readPsLiteral(line.slice(`$socreadyProbes['${p.id}'] = `.length))).toBe(p.script);
    }
  });

  it('produces a balanced script in Windows PowerShell 5.1 syntax', () => {
    const script = buildCollectionScript(probes);
    expect(unbalanced(script)).toBeUndefined();
    // no PS7-only null-coalescing, null-conditional or ternary
    expect(script).not.toMatch(/\?\?|\?\.|\s\?\s[^:]+\s:\s/);
    expect(script).toContain('ConvertTo-Json -InputObject');
    expect(script).toContain('-Depth 6 -Compress');
    expect(script).toContain('[Text.Encoding]::UTF8.GetBytes($socreadyJson)');
  });

  it('catches errors per probe and records exit code, duration and truncation', () => {
    const script = buildCollectionScript(probes, { maxChars: 1000, tailIds: ['auditpol', 'unknown'] });
    expect(script).toContain('$socreadyMaxChars = 1000');
    expect(script).toContain("$socreadyTail = @('auditpol')");
    expect(script).toMatch(/try \{[\s\S]*& \$socreadyBlock \*>&1[\s\S]*\} catch \{/);
    expect(script).toContain('$global:LASTEXITCODE');
    expect(script).toContain('ElapsedMilliseconds');
  });

  it('writes offline evidence as UTF-8 without BOM when asked for a file', () => {
    const script = buildCollectionScript(probes, { output: 'file', outputPath: "C:\\evidence\\it's.json" });
    expect(script).toContain(
      "[IO.File]::WriteAllText('C:\\evidence\\it''s.json', $socreadyJson, (New-Object Text.UTF8Encoding $false))",
    );
    expect(unbalanced(script)).toBeUndefined();
  });

  it('refuses bad ids and state-changing probes', () => {
    expect(() => buildCollectionScript([{ id: "x'; Remove-Item C:\\ #", script: 'Get-Date' }])).toThrow(
      /invalid probe id/,
    );
    expect(() =>
      buildCollectionScript([
        { id: 'a', script: 'Get-Date' },
        { id: 'a', script: 'Get-Date' },
      ]),
    ).toThrow(/duplicate/);
    expect(() =>
      buildCollectionScript([{ id: 'a', script: 'auditpol /set /subcategory:"Logon" /success:enable' }]),
    ).toThrow(/read-only/);
  });
});

describe('readOnlyViolation', () => {
  it.each([
    'Set-ItemProperty -Path HKLM:\\X -Name Y -Value 1',
    'auditpol /set /category:* /success:enable',
    'auditpol.exe /clear /y',
    'reg add HKLM\\Software\\X /v Y /d 1',
    'wevtutil cl Security',
    'wevtutil sl Security /ms:1024',
    'sysmon64 -c C:\\sysmonconfig.xml',
    'sysmon -u force',
    'Stop-Service Sysmon64',
    'Clear-EventLog -LogName Security',
    'New-Item -Path C:\\x',
    'Invoke-Expression $code',
    '(Get-Item HKLM:\\X).DeleteValue("Y")',
    '[IO.File]::WriteAllText("C:\\x", "y")',
    'w32tm /resync',
    'Get-Process | Out-File C:\\p.txt',
  ])('flags %j', (script) => {
    expect(readOnlyViolation(script)).toBeDefined();
  });

  it.each([
    'auditpol /get /category:* /r',
    'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa" /v SCENoApplyLegacyAuditPolicy',
    'sysmon64 -c',
    'wevtutil gl Security',
    'w32tm /query /status',
    'Get-WinEvent -ListLog Security | Select-Object MaximumSizeInBytes, LogMode | ConvertTo-Json',
    'New-Object -TypeName System.Text.StringBuilder',
    'Get-Service -Name Sysmon64, winlogbeat, SplunkForwarder -ErrorAction SilentlyContinue | Format-List',
  ])('lets %j through', (script) => {
    expect(readOnlyViolation(script)).toBeUndefined();
  });
});

const JA_AUDITPOL = [
  'コンピューター名,ポリシー ターゲット,サブカテゴリ,サブカテゴリ GUID,包含設定,除外設定',
  'WIN-JP01,システム,資格情報の確認,{0CCE923F-69AE-11D9-BED3-505054503030},成功および失敗,',
  'WIN-JP01,システム,プロセス作成,{0CCE922B-69AE-11D9-BED3-505054503030},監査なし,',
].join('\r\n');

function realisticDocument() {
  return {
    host: {
      platform: 'windows',
      hostname: 'WIN-JP01',
      os: 'Microsoft Windows Server 2022 Standard',
      culture: 'ja-JP',
      ps_version: '5.1.20348.2849',
      is_admin: true,
    },
    probes: {
      auditpol: { stdout: `${JA_AUDITPOL}\r\n`, stderr: '', exit_code: 0, duration_ms: 412 },
      sysmon: {
        stdout: '',
        stderr:
          "用語 'sysmon64' は、コマンドレット、関数、スクリプト ファイル、または操作可能なプログラムの名前として認識されません。",
        exit_code: null,
        duration_ms: 9,
        error: { kind: 'not-found', message: "用語 'sysmon64' は認識されません。" },
      },
      security_log: {
        stdout: '{"LogName":"Security","MaximumSizeInBytes":20971520,"LogMode":0}\n',
        stderr: '',
        exit_code: 0,
        duration_ms: 120,
        truncated: true,
      },
      odd: { stdout: 'x', stderr: '', exit_code: 0, duration_ms: 1, error: { kind: 'explosion', message: 'weird' } },
    },
  };
}

describe('parseCollectionOutput', () => {
  it('decodes the base64 marker form among banner noise, Japanese intact', () => {
    const json = JSON.stringify(realisticDocument());
    const stdout =
      `Windows PowerShell\r\nCopyright (C) Microsoft Corporation.\r\n${MARKER_BEGIN} ` +
      `${Buffer.from(json, 'utf8').toString('base64')} ${MARKER_END}\r\n`;
    const parsed = parseCollectionOutput(stdout);
    if ('error' in parsed) throw new Error(parsed.error.message);
    expect(parsed.doc.host.culture).toBe('ja-JP');
    expect(parsed.doc.probes.auditpol!.stdout).toContain('資格情報の確認');
    expect(parsed.doc.probes.auditpol!.stdout).toContain('{0CCE923F-69AE-11D9-BED3-505054503030}');
  });

  it('accepts the plain JSON form with a UTF-8 BOM, as PowerShell 5.1 writes files', () => {
    const parsed = parseCollectionOutput(`\uFEFF${JSON.stringify(realisticDocument())}\r\n`);
    expect('doc' in parsed && parsed.doc.host.hostname).toBe('WIN-JP01');
  });

  it('reads PowerShell 5.1’s empty-array rendering of an empty probe set', () => {
    const parsed = parseCollectionOutput(JSON.stringify({ host: { hostname: 'H' }, probes: [] }));
    expect('doc' in parsed && parsed.doc.probes).toEqual({});
  });

  it('returns an error, never throws, for output without a document or with broken JSON', () => {
    const none = parseCollectionOutput('Windows PowerShell\r\nAccess is denied.\r\n');
    expect('error' in none && none.error.message).toContain('no collection document');
    const broken = parseCollectionOutput(
      `${MARKER_BEGIN} ${Buffer.from('{"host":{},"probes":{"a":').toString('base64')} ${MARKER_END}`,
    );
    expect('error' in broken && broken.error.message).toContain('not valid JSON');
    const shape = parseCollectionOutput('{"host":"x","probes":{}}');
    expect('error' in shape).toBe(true);
  });
});

describe('probeResultsFrom', () => {
  it('maps entries to ProbeResults, keeps known error kinds, downgrades unknown ones and flags missing probes', () => {
    const r = probeResultsFrom(realisticDocument() as never, ['auditpol', 'sysmon', 'security_log', 'odd', 'absent']);
    expect(r.auditpol).toMatchObject({ exitCode: 0, truncated: false, durationMs: 412 });
    expect(r.auditpol!.error).toBeUndefined();
    expect(r.sysmon!.error).toEqual({ kind: 'not-found', message: "用語 'sysmon64' は認識されません。" });
    expect(r.sysmon!.exitCode).toBeNull();
    expect(r.security_log!.truncated).toBe(true);
    expect(r.odd!.error?.kind).toBe('other');
    expect(r.absent!.error?.message).toContain('missing');
  });
});
