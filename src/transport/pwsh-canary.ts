// The Windows host canary's PowerShell (--active only): the one script socready runs on a Windows host that writes
// anything, and the read-only scripts that read the event back. Written for Windows PowerShell 5.1 and PowerShell 7:
// Write-EventLog exists only in 5.1, so 7 writes through eventcreate.exe. Neither registers an event source: a source
// that is not registered under the Application log is reported, never created (registering it is the operator's
// one-time step, README). Nothing else is written; the scripts never `exit`.
import { psQuote } from './pwsh-script.js';

/** What the canary event carries; every field is checked before it reaches a script. */
export interface EventLogCanary {
  /** The unique marker (letters, digits, `._-`): the event's text starts and ends with it. */
  marker: string;
  message: string;
  /**
   * A second, long event (its own marker; src/util/canary-text.ts): written after the first by Write-EventLog only.
   * eventcreate is not given it: no documentation says how long a /D text it takes.
   */
  long?: { marker: string; message: string };
  /** A source registered under the Application log (default `socready`). */
  source: string;
  /** 1..1000: eventcreate accepts no other ids. */
  eventId: number;
}

export const CANARY_PROBE_ID = 'eventlog-canary';
const SAFE_MARKER = /^[A-Za-z0-9._-]{1,200}$/;
const SAFE_SOURCE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
/** A canary's text: one line of plain characters (nothing PowerShell, eventcreate or the event log interprets). */
const SAFE_TEXT = /^[A-Za-z0-9 ._:-]+$/;
/**
 * The longest canary message: ReportEvent takes at most 31 839 characters per insertion string (Vista and later),
 * fewer in practice (31 718 measured on Windows 10, depending on the machine and source names): 30 000 stays below.
 */
export const MAX_CANARY_CHARS = 30_000;
const REGISTERED = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\';

/**
 * An event's text: its rendered message, or its insertion strings when the message cannot be rendered (a collector
 * without the source's message file shows forwarded events with no message, but their data still holds the marker).
 */
const TEXT =
  '$(if ($_.Message) { [string]$_.Message } else { (@($_.Properties | ForEach-Object { [string]$_.Value }) -join ' +
  "' ') })";

/** Why the canary's data cannot be used, or undefined. */
export function canaryDataError(c: EventLogCanary): string | undefined {
  if (!SAFE_SOURCE.test(c.source)) return `event source ${JSON.stringify(c.source)} is not a plain name`;
  if (!Number.isInteger(c.eventId) || c.eventId < 1 || c.eventId > 1000)
    return `event id ${c.eventId} is outside 1..1000 (eventcreate's range)`;
  for (const [marker, message] of [[c.marker, c.message], ...(c.long ? [[c.long.marker, c.long.message]] : [])]) {
    if (!SAFE_MARKER.test(marker!))
      return `canary marker ${JSON.stringify(marker)} has characters outside [A-Za-z0-9._-]`;
    if (!message!.includes(marker!) || !SAFE_TEXT.test(message!) || message!.length > MAX_CANARY_CHARS)
      return (
        `the canary message must hold its marker on one line of at most ${MAX_CANARY_CHARS} characters ` +
        'of [A-Za-z0-9 ._:-]'
      );
  }
  return undefined;
}

/** The line the write script prints when the long event was not written, and why (after the colon). */
export const LONG_NOT_WRITTEN = 'long not written:';
export const LONG_WRITTEN = 'written long: Write-EventLog';

/**
 * Writes one Information event to the Application log: Write-EventLog where it exists (Windows PowerShell 5.1),
 * eventcreate.exe otherwise (PowerShell 7). An unregistered source is an ObjectNotFound error before any write.
 * With `long`, Write-EventLog writes a second event with the long text; its failure (a message over the host's
 * limit) is reported on a line of its own and leaves the first event standing; eventcreate never writes it.
 */
export function eventLogCanaryScript(c: EventLogCanary): string {
  const bad = canaryDataError(c);
  if (bad) throw new Error(bad);
  const write = (message: string) =>
    'Write-EventLog -LogName Application -Source $socreadySource ' +
    `-EventId ${c.eventId} -EntryType Information -Message ${message} -ErrorAction Stop`;
  const long = c.long
    ? [
        '  try {',
        `    ${write('$socreadyLongMessage')}`,
        `    ${psQuote(LONG_WRITTEN)}`,
        '  } catch {',
        `    ${psQuote(`${LONG_NOT_WRITTEN} `)} + ([string]$_.Exception.Message -replace '[\\r\\n]+', ' ')`,
        '  }',
      ]
    : [];
  // eventcreate's /D length limit is not documented: it is given the short text only, and the script says so.
  const longOnEventcreate = c.long
    ? [
        `  ${psQuote(
          `${LONG_NOT_WRITTEN} eventcreate (PowerShell 7 has no Write-EventLog; eventcreate is given only the ` +
            `short text, its /D length limit being undocumented, not the ${c.long.message.length}-character canary)`,
        )}`,
      ]
    : [];
  return [
    `$socreadySource = ${psQuote(c.source)}`,
    `$socreadyMessage = ${psQuote(c.message)}`,
    ...(c.long ? [`$socreadyLongMessage = ${psQuote(c.long.message)}`] : []),
    `if (-not (Test-Path -LiteralPath (${psQuote(REGISTERED)} + $socreadySource))) {`,
    "  Write-Error -Category ObjectNotFound -Message ('source not registered: the event source ' + $socreadySource + " +
      "' is not registered under the Application log')",
    '  return',
    '}',
    'if (Get-Command -Name Write-EventLog -ErrorAction SilentlyContinue) {',
    `  ${write('$socreadyMessage')}`,
    "  'written: Write-EventLog'",
    ...long,
    '} else {',
    `  $socreadyOut = @(& eventcreate.exe /L APPLICATION /T INFORMATION /SO $socreadySource /ID ${c.eventId} ` +
      '/D $socreadyMessage 2>&1)',
    "  foreach ($socreadyEcLine in $socreadyOut) { 'eventcreate: ' + [string]$socreadyEcLine }",
    ...longOnEventcreate,
    '}',
  ].join('\n');
}

/**
 * Reads the canary back from the Application log (read-only): the events of the source since `sinceMinutes` ago whose
 * message holds the marker, as JSON `[{ RecordId, TimeCreated (UTC ISO), Id, ProviderName, LogName, MachineName,
 * Message }]`; nothing at all when none holds it.
 */
export function eventLogReadBackScript(c: Pick<EventLogCanary, 'marker' | 'source'>, sinceMinutes = 60): string {
  if (!SAFE_MARKER.test(c.marker) || !SAFE_SOURCE.test(c.source)) throw new Error('unsafe canary marker or source');
  return [
    `$socreadyMarker = ${psQuote(c.marker)}`,
    '$socreadyFilter = @{ LogName = ' +
      `'Application'; ProviderName = ${psQuote(c.source)}; StartTime = (Get-Date).AddMinutes(-${sinceMinutes}) }`,
    'try {',
    '  $socreadyEvents = @(Get-WinEvent -FilterHashtable $socreadyFilter -MaxEvents 500 -ErrorAction Stop | ' +
      `Where-Object { ${TEXT} -like ('*' + $socreadyMarker + '*') })`,
    '} catch {',
    "  if ([string]$_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { return }",
    '  throw',
    '}',
    'if ($socreadyEvents.Count -eq 0) { return }',
    'ConvertTo-Json -Compress -InputObject @($socreadyEvents | Select-Object -First 5 | ForEach-Object {',
    '  [ordered]@{ RecordId = $_.RecordId; TimeCreated = $_.TimeCreated.ToUniversalTime().ToString(' +
      "'o'); Id = $_.Id; ProviderName = $_.ProviderName; LogName = $_.LogName; MachineName = $_.MachineName; " +
      `Message = ${TEXT} }`,
    '})',
  ].join('\n');
}

/**
 * A Windows Event Collector's forwarded logs (ForwardedEvents by default) as `==> <log> <==` sections, one event per
 * line (`<RecordId> <TimeCreated> <MachineName> <Message on one line>`), newest 2 000 events of the last hour per log:
 * the same shape as the tails of a syslog collector's files, so the same marker search reads both.
 */
export function eventLogTailScript(logNames: string[], sinceMinutes = 60): string {
  for (const n of logNames)
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,199}$/.test(n)) throw new Error(`event log name ${JSON.stringify(n)}`);
  return [
    `foreach ($socreadyLog in @(${logNames.map(psQuote).join(', ')})) {`,
    "  '==> ' + $socreadyLog + ' <=='",
    '  try {',
    '    Get-WinEvent -FilterHashtable @{ LogName = $socreadyLog; ' +
      `StartTime = (Get-Date).AddMinutes(-${sinceMinutes}) } -MaxEvents 2000 -ErrorAction Stop | ForEach-Object {`,
    "      [string]$_.RecordId + ' ' + $_.TimeCreated.ToUniversalTime().ToString('o') + ' ' + " +
      `[string]$_.MachineName + ' ' + (${TEXT} -replace '[\\r\\n]+', ' ')`,
    '    }',
    '  } catch {',
    "    if ([string]$_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { throw }",
    '  }',
    '}',
  ].join('\n');
}
