import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { readEventFile } from '../../../src/sigma/events/reader.js';
import { loadRuleText } from '../../../src/sigma/loader.js';
import type { SigmaEvent } from '../../../src/sigma/types.js';
import { SHARED_DIR } from '../../helpers/paths.js';

// SigmaHQ's own rule: EventID 1116 with SourceName 'AMSI'. Defender writes that field as "Source Name".
const RULE_FILE = join(
  SHARED_DIR,
  'sigma',
  'rules',
  'windows',
  'builtin',
  'windefend',
  'win_defender_malware_detected_amsi_source.yml',
);

/**
 * Microsoft-Windows-Windows Defender/Operational 1116 as evtx_dump writes it (EventData names as Defender writes them).
 */
const DEFENDER_1116: Record<string, string> = {
  'Product Name': 'Microsoft Defender Antivirus',
  'Product Version': '4.18.24090.11',
  'Detection ID': '{5E0C1F2B-7A77-4C1B-9E0F-3A1D2C4B5E6F}',
  'Detection Time': '2026-11-20T01:23:45.678Z',
  'Threat ID': '2147735503',
  'Threat Name': 'Trojan:PowerShell/Mimikatz.A',
  'Severity ID': '5',
  'Severity Name': 'Severe',
  'Category ID': '8',
  'Category Name': 'Trojan',
  FWLink:
    'https://go.microsoft.com/fwlink/?linkid=37020&name=Trojan:PowerShell/Mimikatz.A&threatid=2147735503&enterprise=0',
  'Status Code': '1',
  'Status Description': '',
  State: '1',
  'Source ID': '10',
  'Source Name': 'AMSI',
  'Process Name': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'Detection User': 'CONTOSO\\taro.yamada',
  Path: 'amsi:_\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'Origin ID': '0',
  'Origin Name': 'Unknown',
  'Execution ID': '0',
  'Execution Name': 'Unknown',
  'Type ID': '0',
  'Type Name': 'Concrete',
  'Pre Execution Status': '0',
  'Action ID': '9',
  'Action Name': 'Not Applicable',
  'Error Code': '0x00000000',
  'Error Description': 'The operation completed successfully. ',
  'Post Clean Status': '0',
  'Additional Actions ID': '0',
  'Additional Actions String': 'No additional actions required',
  'Security intelligence Version': 'AV: 1.421.233.0, AS: 1.421.233.0, NIS: 1.421.233.0',
  'Engine Version': 'AM: 1.1.24090.11, NIS: 1.1.24090.11',
};

const SYSTEM = {
  Provider: {
    '#attributes': { Name: 'Microsoft-Windows-Windows Defender', Guid: '{11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78}' },
  },
  EventID: 1116,
  Version: 0,
  Level: 3,
  Channel: 'Microsoft-Windows-Windows Defender/Operational',
  Computer: 'EIGYO-PC01.contoso.local',
  TimeCreated: { '#attributes': { SystemTime: '2026-11-20T01:23:46.123456Z' } },
  Security: { '#attributes': { UserID: 'S-1-5-18' } },
};

const dir = mkdtempSync(join(tmpdir(), 'sigma-spaced-'));
async function read(name: string, content: string): Promise<SigmaEvent[]> {
  const f = join(dir, name);
  writeFileSync(f, content);
  const out: SigmaEvent[] = [];
  for await (const e of readEventFile(f)) out.push(e);
  return out;
}

function engine(): SigmaEngine {
  const r = loadRuleText(readFileSync(RULE_FILE, 'utf8'), RULE_FILE);
  expect(r.failures).toEqual([]);
  return new SigmaEngine(r.rules);
}

describe('EventData names written with spaces match the spaceless Sigma field names', () => {
  it(
    'evtx_dump JSON: a Defender 1116 AMSI detection fires SigmaHQ win_defender_malware_detected_amsi_source ' +
      '(SourceName)',
    async () => {
      const [event] = await read(
        'defender.json',
        JSON.stringify(
          {
            Event: {
              '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
              System: SYSTEM,
              EventData: DEFENDER_1116,
            },
          },
          null,
          2,
        ),
      );
      expect(event!.logsource.services).toEqual(['windefend']);
      expect(event!.get('SourceName')).toBe('AMSI');
      expect(event!.get('ThreatName')).toBe('Trojan:PowerShell/Mimikatz.A');
      expect(event!.get('ProcessName')).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
      expect(event!.get('Source Name')).toBe('AMSI');
      expect(engine().matchIds(event!)).toEqual(['ea9bf0fa-edec-4fb8-8b78-b119f2528186']);
    },
  );

  it('evtx_dump JSON with classic Data items (Name attributes with spaces) reads them the same way', async () => {
    const data = Object.entries(DEFENDER_1116).map(([Name, text]) => ({ '#attributes': { Name }, '#text': text }));
    const [event] = await read(
      'defender-classic.json',
      JSON.stringify({ Event: { System: SYSTEM, EventData: { Data: data } } }),
    );
    expect(event!.get('SourceName')).toBe('AMSI');
    expect(engine().matchIds(event!)).toHaveLength(1);
  });

  it('a Defender event from another source (real-time protection) does not fire the AMSI rule', async () => {
    const [event] = await read(
      'defender-rtp.json',
      JSON.stringify({
        Event: { System: SYSTEM, EventData: { ...DEFENDER_1116, 'Source Name': 'Real-Time Protection' } },
      }),
    );
    expect(event!.get('SourceName')).toBe('Real-Time Protection');
    expect(engine().matchIds(event!)).toEqual([]);
  });

  it('Winlogbeat (winlog.event_data) and flat NDJSON exports keep the names with spaces and match too', async () => {
    const winlogbeat = JSON.stringify({
      '@timestamp': '2026-11-20T01:23:46.123Z',
      winlog: {
        channel: 'Microsoft-Windows-Windows Defender/Operational',
        event_id: 1116,
        provider_name: 'Microsoft-Windows-Windows Defender',
        event_data: DEFENDER_1116,
      },
    });
    const flat = JSON.stringify({
      Channel: 'Microsoft-Windows-Windows Defender/Operational',
      EventID: 1116,
      ...DEFENDER_1116,
    });
    const events = await read('defender.ndjson', `${winlogbeat}\n${flat}\n`);
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.get('SourceName')).toBe('AMSI');
      expect(engine().matchIds(e)).toHaveLength(1);
    }
  });

  it('a field really named without spaces wins over the spaced one', async () => {
    const [event] = await read(
      'both.json',
      JSON.stringify({ Event: { System: SYSTEM, EventData: { 'Source Name': 'AMSI', SourceName: 'Other' } } }),
    );
    expect(event!.get('SourceName')).toBe('Other');
  });
});
