import { describe, expect, it } from 'vitest';
import {
  MAX_CANARY_CHARS,
  canaryDataError,
  eventLogCanaryScript,
  eventLogReadBackScript,
  eventLogTailScript,
} from '../../../src/transport/pwsh-canary.js';
import { buildCollectionScript, exitViolation, readOnlyViolation } from '../../../src/transport/pwsh-script.js';
import { lengthMarkedCanary } from '../../../src/util/canary-text.js';

const canary = { marker: 'socready-canary-r1-win1-0a1b2c3d-1', source: 'socready', eventId: 100, message: '' };
canary.message = `${canary.marker} windows canary ${canary.marker}-END`;

describe('Windows canary scripts', () => {
  it('the write is refused as a catalog probe and accepted only as the built plant, never with exit', () => {
    const script = eventLogCanaryScript(canary);
    expect(readOnlyViolation(script)).toMatch(/Write-EventLog/);
    expect(exitViolation(script)).toBeUndefined();
    expect(() => buildCollectionScript([{ id: 'eventlog-canary', script }])).toThrow(/may change the host/);
    const batch = buildCollectionScript([], { plant: { id: 'eventlog-canary', script } });
    expect(batch).toContain("$socreadyProbes['eventlog-canary'] = ");
    // No source is ever registered: an unregistered one is an ObjectNotFound error before any write.
    expect(script).not.toMatch(/New-EventLog|CreateEventSource/);
    expect(script.indexOf('Test-Path')).toBeLessThan(script.indexOf('Write-EventLog'));
    expect(script).toContain('-Category ObjectNotFound');
  });

  it('refuses data that could leave its quotes or that eventcreate rejects', () => {
    expect(canaryDataError({ ...canary, marker: "x'; Remove-Item C:\\ -Recurse; '" })).toMatch(/marker/);
    expect(canaryDataError({ ...canary, source: "socready'" })).toMatch(/source/);
    expect(canaryDataError({ ...canary, eventId: 4624 })).toMatch(/1\.\.1000/);
    expect(canaryDataError({ ...canary, message: `${canary.marker}\nsecond line` })).toMatch(/one line/);
    expect(() => eventLogCanaryScript({ ...canary, eventId: 0 })).toThrow(/outside 1\.\.1000/);
    // The long text: only plain characters (nothing eventcreate's or PowerShell's argument passing reads), at most
    // 30 000 characters (the event log takes 31 839 per insertion string, fewer on some hosts), holding its marker.
    const long = { marker: 'socready-canary-r1-win1-0a1b2c3d-2', message: '' };
    long.message = lengthMarkedCanary(long.marker, 20_000, 'windows long canary');
    expect(canaryDataError({ ...canary, long })).toBeUndefined();
    expect(canaryDataError({ ...canary, long: { ...long, message: `${long.message}"` } })).toMatch(
      /\[A-Za-z0-9 \._:-\]/,
    );
    expect(canaryDataError({ ...canary, long: { ...long, message: `${long.message} $(x)` } })).toMatch(/one line/);
    const over = lengthMarkedCanary(long.marker, MAX_CANARY_CHARS + 1, 'windows long canary');
    expect(canaryDataError({ ...canary, long: { ...long, message: over } })).toMatch(/at most 30000 characters/);
    expect(canaryDataError({ ...canary, long: { ...long, marker: "x'y" } })).toMatch(/marker "x'y"/);
  });

  it('writes the long event only through Write-EventLog, after the short one; eventcreate says it cannot', () => {
    const long = { marker: 'socready-canary-r1-win1-0a1b2c3d-2', message: '' };
    long.message = lengthMarkedCanary(long.marker, 9000, 'windows long canary');
    const script = eventLogCanaryScript({ ...canary, long });
    // Passed as a single-quoted literal in a variable, never spliced into a command line.
    expect(script).toContain(`$socreadyLongMessage = '${long.message}'`);
    expect(script.match(/-Message \$socreadyLongMessage -ErrorAction Stop/g)).toHaveLength(1);
    expect(script.indexOf('-Message $socreadyMessage')).toBeLessThan(script.indexOf('-Message $socreadyLongMessage'));
    // A refused long write is caught and said on its own line: the short event stands.
    expect(script).toMatch(
      /try \{\n\s+Write-EventLog[^\n]+socreadyLongMessage[^\n]+\n\s+'written long: Write-EventLog'/,
    );
    // The error is folded onto that one line by a regex in the script (the script itself holds no line break in it).
    expect(script).toContain("'long not written: ' + ([string]$_.Exception.Message -replace '[\\r\\n]+', ' ')");
    expect(script).not.toMatch(/\r/);
    const eventcreate = script.slice(script.indexOf('} else {'));
    expect(eventcreate).not.toContain('socreadyLongMessage');
    expect(eventcreate).toContain("'long not written: eventcreate (PowerShell 7 has no Write-EventLog;");
    expect(exitViolation(script)).toBeUndefined();
    expect(() => buildCollectionScript([], { plant: { id: 'eventlog-canary', script } })).not.toThrow();
    // Without a long canary the script is the one it always was.
    expect(eventLogCanaryScript(canary)).not.toMatch(/socreadyLongMessage|long not written/);
  });

  it('the read-back and the collector read are read-only probes', () => {
    for (const script of [eventLogReadBackScript(canary), eventLogTailScript(['ForwardedEvents', 'Application'])]) {
      expect(readOnlyViolation(script)).toBeUndefined();
      expect(exitViolation(script)).toBeUndefined();
      expect(() => buildCollectionScript([{ id: 'read', script }])).not.toThrow();
    }
    expect(eventLogReadBackScript(canary)).toContain(
      "ProviderName = 'socready'; StartTime = (Get-Date).AddMinutes(-60)",
    );
    expect(() => eventLogTailScript(["Forwarded'Events"])).toThrow(/event log name/);
    // A collector without the source's message file renders no message: the insertion strings are searched instead.
    for (const script of [eventLogReadBackScript(canary), eventLogTailScript(['ForwardedEvents'])])
      expect(script).toContain('$(if ($_.Message) { [string]$_.Message } else { (@($_.Properties |');
  });
});
