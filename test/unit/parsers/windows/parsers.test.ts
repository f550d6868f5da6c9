import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditpolParser, parseAuditpolCsv, readInclusion } from '../../../../src/parsers/windows/auditpol.js';
import { parseEventLogs } from '../../../../src/parsers/windows/eventlog.js';
import {
  forwardersParser,
  nxlogTarget,
  splunkTarget,
  wazuhTarget,
  winlogbeatTarget,
} from '../../../../src/parsers/windows/forwarders.js';
import { parseRegQuery, registryPolicyParser, regValue } from '../../../../src/parsers/windows/registry.js';
import { parseSysmonConfig } from '../../../../src/parsers/windows/sysmon.js';
import { parseW32tmStatus } from '../../../../src/parsers/windows/w32tm.js';
import { parseWinrmListeners } from '../../../../src/parsers/windows/winrm.js';
import { InconclusiveError } from '../../../../src/checks/types.js';
import { hostOutputs } from '../../../helpers/windows-hosts.js';
import { FIXTURES_DIR, SHARED_DIR } from '../../../helpers/paths.js';

const W = join(FIXTURES_DIR, 'windows');
const read = (f: string) => readFileSync(join(W, f), 'utf8');
const PROCESS_CREATION = '0cce922b-69ae-11d9-bed3-505054503030';
const LOGON = '0cce9215-69ae-11d9-bed3-505054503030';

describe('auditpol /r parser', () => {
  it('keys subcategories by GUID whatever the display language', () => {
    const en = parseAuditpolCsv(read('auditpol-en-hardened.csv'));
    const ja = parseAuditpolCsv(read('auditpol-ja-hardened.csv'));
    expect(en).toHaveLength(59);
    expect(ja.map((s) => [s.guid, s.success, s.failure])).toEqual(en.map((s) => [s.guid, s.success, s.failure]));
    const pc = ja.find((s) => s.guid === PROCESS_CREATION)!;
    expect(pc).toMatchObject({
      printed_name: 'プロセス作成',
      name: 'Process Creation',
      success: true,
      failure: false,
      setting: '成功',
    });
  });

  it('reads the default member-server policy: process creation off, logon on', () => {
    const facts = auditpolParser(
      {
        'win-auditpol': {
          stdout: read('auditpol-en-default.csv'),
          stderr: '',
          exitCode: 0,
          truncated: false,
          durationMs: 1,
        },
      },
      { targetId: 'w', kind: 'windows' },
    );
    const byGuid = facts.by_guid as Record<string, { success: boolean; failure: boolean }>;
    expect(byGuid[PROCESS_CREATION]).toMatchObject({ success: false, failure: false });
    expect(byGuid[LOGON]).toMatchObject({ success: true, failure: true });
  });

  it('understands inclusion settings in English and Japanese', () => {
    expect(readInclusion('Success and Failure')).toEqual({ success: true, failure: true });
    expect(readInclusion('成功および失敗')).toEqual({ success: true, failure: true });
    expect(readInclusion('失敗')).toEqual({ success: false, failure: true });
    expect(readInclusion('監査なし')).toEqual({ success: false, failure: false });
  });

  it('leaves a subcategory with an empty setting cell unknown and still reads every other row', () => {
    const csv = read('auditpol-en-hardened.csv').split(/\r?\n/);
    const row = csv.findIndex((l) => l.toLowerCase().includes(PROCESS_CREATION));
    const cells = csv[row]!.split(',');
    cells[cells.findIndex((c) => c.toLowerCase().includes(PROCESS_CREATION)) + 1] = '';
    csv[row] = cells.join(',');
    const settings = parseAuditpolCsv(csv.join('\r\n'));
    expect(settings).toHaveLength(58);
    expect(settings.find((s) => s.guid === PROCESS_CREATION)).toBeUndefined();
  });

  it('is inconclusive, not failing, when auditpol runs without elevation', () => {
    const out = {
      stdout: 'Error 0x00000522 occurred:\r\nA required privilege is not held by the client.\r\n',
      stderr: '',
      exitCode: 1,
      truncated: false,
      durationMs: 1,
    };
    expect(() => auditpolParser({ 'win-auditpol': out }, { targetId: 'w', kind: 'windows' })).toThrow(
      InconclusiveError,
    );
  });
});

describe('reg query parser', () => {
  it('reads DWORD, string and multi-string values under their keys', () => {
    const tree = parseRegQuery(read('reg-policy-hardened.txt'));
    expect(regValue(tree, 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa', 'SCENoApplyLegacyAuditPolicy')).toBe(1);
    expect(
      regValue(
        tree,
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\Transcription',
        'OutputDirectory',
      ),
    ).toBe('\\\\logsrv01\\PSTranscripts$');
    const multi = parseRegQuery('HKEY_LOCAL_MACHINE\\X\r\n    Sources    REG_MULTI_SZ    a\\0b c\\0\r\n');
    expect(regValue(multi, 'HKLM\\X', 'sources')).toEqual(['a', 'b c']);
  });

  it('derives audit and PowerShell logging facts, following the PowerShell 7 "use Windows policy" switch', () => {
    const facts = registryPolicyParser(hostOutputs('hardened'), { targetId: 'w', kind: 'windows' });
    expect(facts).toMatchObject({ cmdline_in_4688: true, scenoapplylegacyauditpolicy: 1 });
    expect(facts.windows_powershell).toMatchObject({
      script_block: true,
      module: true,
      module_names: ['*'],
      transcription: true,
    });
    expect(facts.powershell7).toMatchObject({ installed: true, script_block: true, follows_windows_policy: true });
    const plain = registryPolicyParser(hostOutputs('default'), { targetId: 'w', kind: 'windows' });
    expect(plain).toMatchObject({ cmdline_in_4688: false, scenoapplylegacyauditpolicy: null });
    expect(plain.powershell7).toMatchObject({ installed: true, script_block: false });
  });
});

describe('sysmon -c parser', () => {
  it('sees that the SwiftOnSecurity baseline leaves image loads (7) and process access (10) off', () => {
    const cfg = parseSysmonConfig(readFileSync(join(SHARED_DIR, 'windows', 'sysmon-c-swift.txt'), 'utf8'));
    expect(cfg.version).toBe('15.15');
    expect(cfg.schema).toBe('4.50');
    expect(cfg.enabled_events).toEqual(expect.arrayContaining([1, 3, 11, 12, 13, 14, 22]));
    expect(cfg.enabled_events).not.toContain(7);
    expect(cfg.enabled_events).not.toContain(9);
    expect(cfg.enabled_events).not.toContain(10);
    expect(cfg.baseline).toBe('swiftonsecurity');
  });

  it('sees events 7 and 10 on in sysmon-modular and counts compound rules once', () => {
    const cfg = parseSysmonConfig(readFileSync(join(SHARED_DIR, 'windows', 'sysmon-c-modular.txt'), 'utf8'));
    expect(cfg.enabled_events).toEqual(expect.arrayContaining([1, 3, 7, 8, 10, 11, 13, 22]));
    expect(cfg.baseline).toBe('sysmon-modular');
    const pc = cfg.groups.find((g) => g.event === 'ProcessCreate' && g.onmatch === 'include')!;
    expect(pc.rules).toBeGreaterThan(50);
  });

  it('lets the global "Image loading: disabled" switch win over image-load rules', () => {
    const text =
      'Current configuration:\n - Image loading:                 disabled\n\nRule configuration (version ' +
      "4.90):\n - ImageLoad                          onmatch: exclude   combine rules using 'Or'\n";
    expect(parseSysmonConfig(text).enabled_events).not.toContain(7);
  });
});

describe('w32tm, event log, WinRM and forwarder parsers', () => {
  it('reads w32tm status in English and Japanese', () => {
    expect(parseW32tmStatus(read('w32tm-en-domain.txt'))).toMatchObject({
      source: 'DC01.corp.example.jp',
      stratum: 4,
      synced: true,
      phase_offset: 0.0002581,
    });
    expect(parseW32tmStatus(read('w32tm-ja-cmos.txt'))).toMatchObject({
      source: 'Local CMOS Clock',
      leap: 3,
      synced: false,
    });
  });

  it('reads Get-WinEvent -ListLog JSON, numeric or named log modes', () => {
    expect(parseEventLogs(read('eventlog-default.json'))[0]).toEqual({
      name: 'Security',
      enabled: true,
      max_bytes: 20971520,
      mode: 'circular',
      records: 28817,
      // Where it was read: the entry as Get-WinEvent printed it (the finding's decisive evidence).
      at: { probe: 'win-eventlog', text: expect.stringMatching(/^\{"LogName":"Security","IsEnabled":true,/) },
    });
    expect(
      parseEventLogs('{"LogName":"Security","IsEnabled":true,"MaximumSizeInBytes":1,"LogMode":2,"RecordCount":0}')[0]!
        .mode,
    ).toBe('retain');
  });

  it('lists WinRM listeners by transport', () => {
    expect(parseWinrmListeners(read('winrm-http-only.txt')).map((l) => l.transport)).toEqual(['HTTP']);
    expect(parseWinrmListeners(read('winrm-https.txt')).map((l) => [l.transport, l.port])).toEqual([
      ['HTTP', 5985],
      ['HTTPS', 5986],
    ]);
  });

  it('finds forwarder targets and whether the Security channel is shipped', () => {
    const facts = forwardersParser(hostOutputs('hardened'), { targetId: 'w', kind: 'windows' });
    expect(facts.forwarding).toBe(true);
    expect(facts.targets).toEqual([
      'logstash://logstash01.corp.example.jp:5044',
      'http://wec01.corp.example.jp:5985/wsman/SubscriptionManager/WEC',
    ]);
    expect(facts.security_forwarded).toBe(true);
    expect(forwardersParser(hostOutputs('default'), { targetId: 'w', kind: 'windows' })).toMatchObject({
      forwarding: false,
      agents: [],
    });
  });

  it('reads Splunk, Wazuh and NXLog configurations', () => {
    expect(
      splunkTarget(
        '[tcpout]\ndefaultGroup = idx\n[tcpout:idx]\nserver = idx1.example:9997, idx2.example:9997\n',
        '[WinEventLog://Security]\ndisabled = 0\n',
      ),
    ).toEqual({ target: 'idx1.example:9997, idx2.example:9997', security: true });
    expect(splunkTarget('server = a:9997\n', '[WinEventLog://Security]\ndisabled = 1\n').security).toBe(false);
    expect(
      wazuhTarget(
        '<ossec_config><client><server><address>10.1.1.1</address><port>1514</port></server></client><localfi' +
          'le><location>Security</location><log_format>eventchannel</log_format></localfile></ossec_config>',
      ),
    ).toEqual({ target: '10.1.1.1', security: true });
    expect(
      nxlogTarget(
        '<Input eventlog>\n Module im_msvistalog\n</Input>\n<Output out>\n Module om_tcp\n Host 10.2.2.2\n ' +
          'Port 514\n</Output>\n',
      ).target,
    ).toBe('10.2.2.2:514');
    expect(
      winlogbeatTarget(
        'winlogbeat.event_logs:\n  - name: Application\noutput.elasticsearch:\n  hosts: ["https://es01:9200"]\n',
      ),
    ).toEqual({ target: 'elasticsearch://https://es01:9200', security: false });
  });
});
