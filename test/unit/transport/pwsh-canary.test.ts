import { describe, expect, it } from 'vitest';
import {
  canaryDataError,
  eventLogCanaryScript,
  eventLogReadBackScript,
  eventLogTailScript,
} from '../../../src/transport/pwsh-canary.js';
import { buildCollectionScript, exitViolation, readOnlyViolation } from '../../../src/transport/pwsh-script.js';

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
