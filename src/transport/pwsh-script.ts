// Builds the ONE read-only PowerShell collection script that runs every probe of a Windows host in a single
// PowerShell start, and reads back the JSON document it returns. Written for Windows PowerShell 5.1 and PowerShell 7
// alike (no `??`, no ternary, no PS7-only cmdlets).
import type { TransportError, TransportErrorKind } from '../model.js';
import type { ProbeResult } from './types.js';

export interface PwshProbe {
  /** Names the probe in the returned document; letters, digits and `_ . : -` only. */
  id: string;
  /** PowerShell scriptblock text (without the braces). */
  script: string;
}

export interface CollectionOptions {
  /** Characters kept of each probe's output (the rest is cut and `truncated` set). */
  maxChars?: number;
  /**
   * 'marker' (default): emits `SOCREADY-BEGIN <base64 of the UTF-8 JSON> SOCREADY-END` as pipeline output, which
   * survives any console code page (CP932 on Japanese Windows) and remote sessions that have no console.
   * 'json': emits the JSON text itself. 'file': writes the JSON as UTF-8 (no BOM) to `outputPath` (offline evidence).
   */
  output?: 'marker' | 'json' | 'file';
  outputPath?: string;
}

export interface CollectionProbeResult {
  stdout: string;
  stderr: string;
  exit_code: number | null;
  duration_ms: number;
  truncated?: boolean;
  error?: { kind: string; message: string };
}

export interface CollectionDocument {
  host: Record<string, unknown>;
  probes: Record<string, CollectionProbeResult>;
}

export const PROBE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const MARKER_BEGIN = 'SOCREADY-BEGIN';
export const MARKER_END = 'SOCREADY-END';
const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;

/**
 * A PowerShell single-quoted string literal. Inside one, only the quote characters are special, and PowerShell
 * treats the typographic single quotes (U+2018..U+201B) as quotes too, so each of them is doubled as well.
 */
export function psQuote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** `-EncodedCommand` argument: base64 of the UTF-16LE script text. */
export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function decodeCommand(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

/** One line that runs a whole script (node-powershell feeds `-Command -` line by line; multi-line input is fragile). */
export function oneLineInvocation(script: string): string {
  const b64 = Buffer.from(script, 'utf8').toString('base64');
  return `& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64}'))))`;
}

/**
 * For PowerShell over SSH: a fixed, short `-EncodedCommand` that reads the real script (base64 of UTF-8) from stdin.
 * The collection script itself would overflow cmd.exe's 8191-character command line, the default OpenSSH shell on
 * Windows, once encoded as UTF-16LE base64.
 */
export const STDIN_BOOTSTRAP =
  "$ProgressPreference = 'SilentlyContinue'; $socreadyIn = [Console]::In.ReadToEnd(); " +
  ('foreach ($socreadyLine in @(& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64' +
    'String($socreadyIn.Trim())))))) ') +
  '{ [Console]::Out.WriteLine([string]$socreadyLine) }';

// Verbs and native invocations that change a host. The catalog is data, so this guard keeps a state-changing line
// from ever reaching a Windows host through socready; it is a tripwire, not a sandbox.
const STATE_CHANGING: RegExp[] = [
  new RegExp(
    String.raw`\b(Set|Remove|Clear|Stop|Start|Restart|Suspend|Resume|Disable|` +
      'Enable|Install|Uninstall|Register|Unregister|Rename|Move|Copy|' +
      'Add|Update|Reset|Mount|Dismount|Initialize|Protect|Unprotect|' +
      'Grant|Revoke|Block|Unblock|Import|Export|Limit|Publish|Save|' +
      'Send)-[A-Za-z]',
    'i',
  ),
  /\bWrite-EventLog\b/i,
  /\bNew-(?!Object\b|TimeSpan\b)[A-Za-z]/i,
  /\bInvoke-(Expression|WebRequest|RestMethod|WmiMethod|CimMethod|Item|Command)\b/i,
  /\b(iex|Out-File|Tee-Object)\b/i,
  /\bauditpol(\.exe)?\s+\/(set|clear|remove|restore)\b/i,
  /\breg(\.exe)?\s+(add|delete|import|restore|copy|load|unload|save|export)\b/i,
  /\bwevtutil(\.exe)?\s+(cl|clear-log|sl|set-log|im|install-manifest|um|uninstall-manifest)\b/i,
  /\bsc(\.exe)?\s+(config|stop|start|delete|create|failure|sdset)\b/i,
  /\bw32tm(\.exe)?\s+\/(resync|config|register|unregister)\b/i,
  /\bsysmon(64)?(\.exe)?\s+-(i|u|c\s+[^\s|;])/i,
  /\bbcdedit(\.exe)?\s+\/(set|delete|create|copy|import|deletevalue)\b/i,
  /\bschtasks(\.exe)?\s+\/(create|delete|change|run|end)\b/i,
  /\bnetsh(\.exe)?\b[^\n|;]*\b(set|add|delete|reset|install|uninstall)\b/i,
  /\b(shutdown|logoff)(\.exe)?\b/i,
  /\.(Delete|SetValue|DeleteValue|DeleteSubKey\w*|CreateSubKey|Kill)\s*\(/i,
  /\[(System\.)?IO\.(File|Directory)\]::(Write|Append|Delete|Move|Copy|Create|Replace)/i,
];

/** Why a probe script may change the host, or undefined when it reads only. */
export function readOnlyViolation(script: string): string | undefined {
  for (const re of STATE_CHANGING) {
    const m = re.exec(script);
    if (m) return `"${m[0].trim()}" may change the host; socready only runs read-only probes`;
  }
  return undefined;
}

/**
 * The probe text with comments and single-quoted strings (here-strings included) blanked out, so that a keyword
 * search sees code only. Double-quoted strings are kept as they are (their `$( )` subexpressions are code), but a `#`
 * or `'` inside one starts nothing.
 */
export function psCodeOnly(script: string): string {
  const Q = "['\u2018\u2019\u201A\u201B]";
  const blanked = [
    /@'\r?\n[\s\S]*?\r?\n'@/y, // single-quoted here-string
    /<#[\s\S]*?(?:#>|$)/y, // block comment
    new RegExp(`${Q}(?:(?!${Q})[\\s\\S]|${Q}{2})*(?:${Q}|$)`, 'y'), // single-quoted string ('' is one quote)
  ];
  const kept = [/@"\r?\n[\s\S]*?\r?\n"@/y, /"(?:[^"`]|`[\s\S]|"")*(?:"|$)/y]; // double-quoted (here-)strings
  const lineComment = /#[^\r\n]*/y;
  let out = '';
  let i = 0;
  outer: while (i < script.length) {
    for (const re of blanked) {
      re.lastIndex = i;
      const m = re.exec(script);
      if (m && m[0].length > 0) {
        out += m[0].replace(/[^\r\n]/g, ' ');
        i += m[0].length;
        continue outer;
      }
    }
    for (const re of kept) {
      re.lastIndex = i;
      const m = re.exec(script);
      if (m && m[0].length > 0) {
        out += m[0];
        i += m[0].length;
        continue outer;
      }
    }
    // `#` starts a comment only where a token may start (a#b is one bare word).
    if (script[i] === '#' && (i === 0 || /[\s;{}()|,]/.test(script[i - 1]!))) {
      lineComment.lastIndex = i;
      const m = lineComment.exec(script)!;
      out += ' '.repeat(m[0].length);
      i += m[0].length;
      continue;
    }
    out += script[i];
    i++;
  }
  return out;
}

/**
 * Why a probe may end the collection instead of returning, or undefined. Every probe runs as a script block inside
 * the one collection script: `exit` there ends the whole script (collect.ps1 writes no evidence) or the remote
 * session, and `[Environment]::Exit` ends the process. A probe that must stop early uses `return`.
 */
export function exitViolation(script: string): string | undefined {
  const code = psCodeOnly(script);
  // `exit` as a statement: not a variable ($exit), member (.Exit), parameter (-exit) or part of a name
  // (Exit-PSSession).
  const statement = /(^|[^\w$.:\-`])exit(?![\w\-.:])/i.exec(code);
  if (statement)
    return '"exit" would end the whole collection script (and a remote session); use "return" to stop a probe early';
  if (/\[(System\.)?Environment\]\s*::\s*Exit\b/i.test(code))
    return '"[Environment]::Exit" would end the PowerShell process';
  if (/\$host\s*\.\s*SetShouldExit\b/i.test(code)) return '"$host.SetShouldExit" would end the PowerShell session';
  return undefined;
}

const COLLECTOR_BODY =
  `
$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
$socreadyNl = [string][char]10
$socreadyHost = [ordered]@{
  platform = 'unknown'; hostname = [Environment]::MachineName; user = [Environment]::UserName
  os = [Environment]::OSVersion.VersionString; ps_version = $PSVersionTable.PSVersion.ToString()
  ps_edition = [string]$PSVersionTable.PSEdition; culture = [Globalization.CultureInfo]::CurrentCulture.Name
  is_admin = $false
}
if ([Environment]::OSVersion.Platform -eq 'Win32NT') { $socreadyHost.platform = 'windows' }
# The code pages native programs wrote in (chcp's console page, the system OEM and ANSI pages), so output stored as
# bytes can be read in its own encoding. A remote session has no console: that read fails and is skipped.
try { $socreadyHost.console_code_page = [int][Console]::OutputEncoding.CodePage } catch { }
try {
  $socreadyNls = Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' ` +
  `-ErrorAction Stop
  $socreadyHost.oem_code_page = [int]$socreadyNls.OEMCP; $socreadyHost.ansi_code_page = [int]$socreadyNls.ACP
} catch { }
try {
  $socreadyOs = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
  $socreadyHost.os = [string]$socreadyOs.Caption; $socreadyHost.version = [string]$socreadyOs.Version
  $socreadyHost.build = [string]$socreadyOs.BuildNumber
} catch { }
try {
  $socreadyIdentity = [Security.Principal.WindowsIdentity]::GetCurrent()
  $socreadyHost.is_admin = (New-Object Security.Principal.WindowsPrincipal ` +
  `$socreadyIdentity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
} catch { }
$socreadyResults = [ordered]@{}
foreach ($socreadyId in @($socreadyProbes.Keys)) {
  $socreadyWatch = [Diagnostics.Stopwatch]::StartNew()
  $socreadyEntry = [ordered]@{ stdout = ''; stderr = ''; exit_code = $null; duration_ms = 0 }
  $socreadyOut = New-Object System.Collections.Generic.List[object]
  $socreadyErr = New-Object System.Collections.Generic.List[string]
  $socreadyCategory = $null
  try {
    $global:LASTEXITCODE = $null
    $socreadyBlock = [ScriptBlock]::Create($socreadyProbes[$socreadyId])
    # A one-pass loop around the call: a stray break or continue in a probe ends this loop, not the loop over probes.
    # (exit cannot be contained here; buildCollectionScript refuses any probe that uses it.)
    $socreadyItems = $null
    do { $socreadyItems = @(& $socreadyBlock *>&1) } while ($false)
    foreach ($socreadyItem in @($socreadyItems)) {
      if ($socreadyItem -is [System.Management.Automation.ErrorRecord]) {
        $socreadyErr.Add($socreadyItem.ToString())
        if ($null -eq $socreadyCategory) { $socreadyCategory = [string]$socreadyItem.CategoryInfo.Category }
      } elseif ($socreadyItem -is [System.Management.Automation.WarningRecord]) {
        $socreadyErr.Add('WARNING: ' + $socreadyItem.Message)
      } elseif ($socreadyItem -is [System.Management.Automation.VerboseRecord] -or $socreadyItem -is ` +
  `[System.Management.Automation.DebugRecord]) {
      } else {
        $socreadyOut.Add($socreadyItem)
      }
    }
    $socreadyStrings = $true
    foreach ($socreadyItem in $socreadyOut) { if ($socreadyItem -isnot [string]) { $socreadyStrings = $false; break } }
    if ($socreadyOut.Count -eq 0) { $socreadyText = '' }
    elseif ($socreadyStrings) { $socreadyText = ($socreadyOut -join $socreadyNl) + $socreadyNl }
    else { $socreadyText = ($socreadyOut | Out-String -Width 4096) }
    if ($null -ne $global:LASTEXITCODE) { $socreadyEntry.exit_code = [int]$global:LASTEXITCODE }
    elseif ($socreadyErr.Count -gt 0) { $socreadyEntry.exit_code = 1 }
    else { $socreadyEntry.exit_code = 0 }
    if ($socreadyOut.Count -eq 0 -and $socreadyCategory -eq 'ObjectNotFound') {
      $socreadyEntry.error = [ordered]@{ kind = 'not-found'; message = $socreadyErr[0] }
    } elseif ($socreadyOut.Count -eq 0 -and ($socreadyCategory -eq 'PermissionDenied' -or $socreadyCategory -eq ` +
  `'SecurityError')) {
      $socreadyEntry.error = [ordered]@{ kind = 'permission-denied'; message = $socreadyErr[0] }
    }
  } catch {
    $socreadyText = ''
    $socreadyErr.Add($_.ToString())
    $socreadyKind = 'other'
    $socreadyEx = $_.Exception
    if ($socreadyEx -is [System.UnauthorizedAccessException] -or $socreadyEx -is ` +
  `[System.Security.SecurityException]) { $socreadyKind = 'permission-denied' }
    elseif ($socreadyEx -is [System.Management.Automation.ItemNotFoundException] -or $socreadyEx -is ` +
  `[System.Management.Automation.CommandNotFoundException] -or $socreadyEx -is [System.IO.FileNotFoundException] ` +
  `-or $socreadyEx -is [System.IO.DirectoryNotFoundException]) { $socreadyKind = 'not-found' }
    $socreadyEntry.exit_code = $null
    $socreadyEntry.error = [ordered]@{ kind = $socreadyKind; message = $_.ToString() }
  }
  if ($socreadyText.Length -gt $socreadyMaxChars) {
    if ($socreadyTail -contains $socreadyId) { $socreadyText = $socreadyText.Substring($socreadyText.Length - ` +
  `$socreadyMaxChars) }
    else { $socreadyText = $socreadyText.Substring(0, $socreadyMaxChars) }
    $socreadyEntry.truncated = $true
  }
  $socreadyEntry.stdout = $socreadyText
  $socreadyEntry.stderr = ($socreadyErr -join $socreadyNl)
  $socreadyEntry.duration_ms = [int]$socreadyWatch.ElapsedMilliseconds
  $socreadyResults[$socreadyId] = $socreadyEntry
}
$socreadyJson = ConvertTo-Json -InputObject ([ordered]@{ host = $socreadyHost; probes = $socreadyResults }) ` +
  `-Depth 6 -Compress
`;

/**
 * The collection script: declares the probes as single-quoted literals (no probe text is ever parsed as part of the
 * script itself), runs each in a child scope with try/catch and all streams captured, and returns one JSON document
 * `{ host: {...}, probes: { <id>: { stdout, stderr, exit_code, duration_ms, truncated?, error? } } }`.
 * Probes listed in `tailIds` keep the end of their output when cut (logs).
 */
export function buildCollectionScript(
  probes: PwshProbe[],
  opts: CollectionOptions & { tailIds?: string[]; plant?: PwshProbe } = {},
): string {
  const ids = new Set<string>();
  // The one write socready makes (--active): a canary event whose text eventLogCanaryScript builds from checked data.
  // It is exempt from the read-only tripwire by construction, never by what a caller passes as a probe.
  if (opts.plant) {
    if (!PROBE_ID_PATTERN.test(opts.plant.id)) throw new Error(`invalid probe id ${JSON.stringify(opts.plant.id)}`);
    const why = exitViolation(opts.plant.script);
    if (why) throw new Error(`probe ${opts.plant.id}: ${why}`);
    ids.add(opts.plant.id);
  }
  for (const p of probes) {
    if (!PROBE_ID_PATTERN.test(p.id)) throw new Error(`invalid probe id ${JSON.stringify(p.id)}`);
    if (ids.has(p.id)) throw new Error(`duplicate probe id ${p.id}`);
    ids.add(p.id);
    const violation = readOnlyViolation(p.script) ?? exitViolation(p.script);
    if (violation) throw new Error(`probe ${p.id}: ${violation}`);
  }
  const lines = [
    '# socready read-only collection script: it reads configuration and state, and changes nothing.',
    `# socready-probes: ${JSON.stringify(probes.map((p) => p.id))}`,
    `$socreadyMaxChars = ${Math.max(1, Math.floor(opts.maxChars ?? DEFAULT_MAX_CHARS))}`,
    `$socreadyTail = @(${(opts.tailIds ?? [])
      .filter((id) => ids.has(id))
      .map(psQuote)
      .join(', ')})`,
    '$socreadyProbes = [ordered]@{}',
    ...[...(opts.plant ? [opts.plant] : []), ...probes].map(
      (p) => `$socreadyProbes[${psQuote(p.id)}] = ${psQuote(p.script)}`,
    ),
    COLLECTOR_BODY.trim(),
  ];
  const output = opts.output ?? 'marker';
  if (output === 'json') lines.push('$socreadyJson');
  else if (output === 'file') {
    const path = opts.outputPath ?? 'socready-evidence.json';
    lines.push(
      `[IO.File]::WriteAllText(${psQuote(path)}, $socreadyJson, (New-Object Text.UTF8Encoding $false))`,
      `'socready: evidence written to ' + ${psQuote(path)}`,
    );
  } else {
    lines.push(
      `'${MARKER_BEGIN} ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($socreadyJson)) + ' ` +
        `${MARKER_END}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const KINDS: TransportErrorKind[] = [
  'unreachable',
  'host-key-unknown',
  'host-key-mismatch',
  'auth-failed',
  'timeout',
  'permission-denied',
  'sudo-password-required',
  'not-found',
  'config',
  'unsupported',
  'offline',
  'other',
];

function isDocument(value: unknown): value is CollectionDocument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.host !== 'object' || v.host === null) return false;
  // ConvertTo-Json writes an empty ordered dictionary as {} and never as null, but be lenient with [] from PS 5.1.
  if (Array.isArray(v.probes)) v.probes = {};
  if (typeof v.probes !== 'object' || v.probes === null) return false;
  for (const entry of Object.values(v.probes as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) return false;
  }
  return true;
}

/**
 * Finds the collection document in a PowerShell run's stdout: the base64 marker form (preferred) or a bare JSON line.
 * Banners, warnings and profile noise around it are ignored.
 */
export function parseCollectionOutput(stdout: string): { doc: CollectionDocument } | { error: TransportError } {
  const marker = new RegExp(`${MARKER_BEGIN} ([A-Za-z0-9+/=]+) ${MARKER_END}`).exec(stdout);
  let text: string | undefined;
  if (marker) text = Buffer.from(marker[1]!, 'base64').toString('utf8');
  else {
    const body = stdout.replace(/^\uFEFF/, '').trim();
    const start = body.indexOf('{"host"');
    if (start >= 0) text = body.slice(start, body.lastIndexOf('}') + 1);
  }
  if (text === undefined) {
    return { error: { kind: 'other', message: `PowerShell returned no collection document${excerpt(stdout)}` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { error: { kind: 'other', message: `collection document is not valid JSON: ${(e as Error).message}` } };
  }
  if (!isDocument(value)) return { error: { kind: 'other', message: 'collection document lacks host or probes' } };
  return { doc: value };
}

function excerpt(text: string): string {
  const t = text.trim();
  if (!t) return ' (empty output)';
  return `: ${t.length > 200 ? `${t.slice(0, 200)}…` : t}`;
}

/** One ProbeResult per requested id; an id the document lacks becomes an error rather than a silent pass. */
export function probeResultsFrom(doc: CollectionDocument, ids: string[]): Record<string, ProbeResult> {
  const out: Record<string, ProbeResult> = {};
  for (const id of ids) {
    const e = doc.probes[id];
    if (!e) {
      out[id] = {
        stdout: '',
        stderr: '',
        exitCode: null,
        truncated: false,
        durationMs: 0,
        error: { kind: 'other', message: `probe ${id} missing from the collection output` },
      };
      continue;
    }
    const result: ProbeResult = {
      stdout: typeof e.stdout === 'string' ? e.stdout : '',
      stderr: typeof e.stderr === 'string' ? e.stderr : '',
      exitCode: typeof e.exit_code === 'number' ? e.exit_code : null,
      truncated: e.truncated === true,
      durationMs: typeof e.duration_ms === 'number' ? e.duration_ms : 0,
    };
    if (e.error && typeof e.error === 'object') {
      const kind = KINDS.includes(e.error.kind as TransportErrorKind) ? (e.error.kind as TransportErrorKind) : 'other';
      result.error = { kind, message: String(e.error.message ?? '') };
    }
    out[id] = result;
  }
  return out;
}
