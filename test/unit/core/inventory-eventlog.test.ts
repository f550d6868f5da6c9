import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/util/validate.js';
import { inputErrorOf, loadTargets } from '../../helpers/inventory-text.js';

const load = loadTargets;
const errorOf = inputErrorOf;
const WIN = '  - { id: win1, kind: windows, address: win1.corp.example, transport: powershell, ';

describe('inventory: a Windows host names where its events must arrive (eventlog)', () => {
  it('accepts a Windows Event Collector (powershell, collector.event_logs) and a file collector', () => {
    const inv = load(
      `${WIN}eventlog: { collector: wec, source: socready, event_id: 100, max_wait: 20 } }\n` +
        '  - { id: wec, kind: windows, address: wec.corp.example, transport: powershell, ' +
        'collector: { event_logs: [ForwardedEvents] } }\n' +
        `${WIN.replace('win1', 'win2').replace('win1.', 'win2.')}eventlog: { collector: logs } }\n` +
        '  - { id: logs, kind: linux, address: localhost, collector: { paths: [/var/log/nxlog/*.log] } }\n',
    );
    expect(inv.targets[0]!.eventlog).toEqual({ collector: 'wec', source: 'socready', event_id: 100, max_wait: 20 });
    expect(inv.targets[1]!.collector).toEqual({ event_logs: ['ForwardedEvents'] });
  });

  it('rejects eventlog on a Linux host, a WEC without event_logs, and an event id eventcreate refuses', () => {
    const linux = errorOf(() =>
      load(
        '  - { id: l, kind: linux, address: localhost, eventlog: { collector: logs } }\n' +
          '  - { id: logs, kind: linux, address: localhost, collector: { paths: [/x] } }\n',
      ),
    );
    expect(linux.field).toBe('targets.0.eventlog');
    const bare = errorOf(() =>
      load(
        `${WIN}eventlog: { collector: wec } }\n` +
          '  - { id: wec, kind: windows, address: wec, transport: powershell, collector: { paths: [/x] } }\n',
      ),
    );
    expect(bare).toMatchObject({ field: 'targets.0.eventlog.collector' });
    expect(bare.message).toMatch(/declares no collector.event_logs/);
    expect(() => load(`${WIN}eventlog: { collector: win1, event_id: 4624 } }\n`)).toThrow(InputError);
    expect(() => load(`${WIN}eventlog: { collector: win1, source: "x'; Remove-Item" } }\n`)).toThrow(InputError);
  });

  it('accepts a long canary as true or a length of 8193..30000 characters, and names the field when not', () => {
    const wec =
      '  - { id: wec, kind: windows, address: wec.corp.example, transport: powershell, ' +
      'collector: { event_logs: [ForwardedEvents] } }\n';
    expect(load(`${WIN}eventlog: { collector: wec, long_canary: true } }\n${wec}`).targets[0]!.eventlog).toEqual({
      collector: 'wec',
      long_canary: true,
    });
    expect(load(`${WIN}eventlog: { collector: wec, long_canary: 12000 } }\n${wec}`).targets[0]!.eventlog).toEqual({
      collector: 'wec',
      long_canary: 12000,
    });
    // Not past 8 KB, or past what the event log takes in one insertion string (31 839): refused.
    for (const bad of ['4096', '32000', '"big"']) {
      const e = errorOf(() => load(`${WIN}eventlog: { collector: wec, long_canary: ${bad} } }\n${wec}`));
      expect(e.field).toMatch(/^targets\.0\.eventlog\.long_canary/);
    }
  });
});
