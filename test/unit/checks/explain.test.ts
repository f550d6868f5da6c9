// The generic explanation of a finding (src/checks/explain.ts): observed words computed from the facts the condition
// read, the check's desired state as expected, and decisive lines from the facts' source locations, else from the
// probe outputs (file and line for file and glob probes), else the sources that lacked the fact.
import { describe, expect, it } from 'vitest';
import { genericDecisive, genericExplanation } from '../../../src/checks/explain.js';
import type { CheckDef, Condition, ProbeDef } from '../../../src/checks/types.js';
import type { ProbeResult } from '../../../src/transport/types.js';

const check = (condition: Condition, probes: string[] = ['p']): CheckDef => ({
  id: 't.check',
  title: { en: 'It is set', ja: '設定されている' },
  rationale: { en: 'r', ja: 'r' },
  remediation: { en: 'r', ja: 'r' },
  area: 'audit-policy',
  kinds: ['linux'],
  severity: 'high',
  weight: 1,
  probes,
  parser: 'x',
  condition,
  maps: {},
});
const out = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const PROBES = new Map<string, ProbeDef>([
  ['conf', { id: 'conf', platform: 'linux', kind: 'file', path: '/etc/audit/auditd.conf' }],
  ['dir', { id: 'dir', platform: 'linux', kind: 'glob', path: '/etc/rsyslog.d/*.conf' }],
  ['cmd', { id: 'cmd', platform: 'linux', kind: 'command', command: 'auditctl -s' }],
  ['api', { id: 'api', platform: 'api', kind: 'http', path: '/_cluster/health', products: ['elasticsearch'] }],
]);

describe('observed and expected in words', () => {
  it('names a fact by the object that names itself and uses the Japanese words the parser gives', () => {
    const facts = {
      by_guid: {
        g1: { name: 'Credential Validation', state: 'Success only (Failure is not audited)', state_ja: '成功のみ' },
      },
    };
    const e = genericExplanation(check({ fact: 'by_guid.g1.state', equals: 'Success and Failure' }), facts);
    expect(e.observed).toEqual({
      en: 'Credential Validation: Success only (Failure is not audited)',
      ja: 'Credential Validation: 成功のみ',
    });
    expect(e.expected).toEqual({ en: 'It is set', ja: '設定されている' });
  });

  it("names a fact with the catalog's label for the parser's fact, the owner's name in place of {name}", () => {
    const facts = { by_guid: { g1: { name: 'Logon', success: true, failure: false } } };
    const labelled = {
      ...check({ fact: 'by_guid.g1.failure', equals: true }),
      fact_labels: { 'by_guid.*.failure': { en: '{name}: Failure audited', ja: '{name}: 失敗の監査' } },
    };
    expect(genericExplanation(labelled, facts).observed).toEqual({
      en: 'Logon: Failure audited: no',
      ja: 'Logon: 失敗の監査: いいえ',
    });
  });

  it('says yes/no and not set in each language, and how many list entries matched', () => {
    const facts = { running: false, backlog_limit: null, rules: [{ key: 'a' }, { key: 'b' }] };
    const cond: Condition = {
      all: [
        { fact: 'running', equals: true },
        { fact: 'backlog_limit', gte: 8192 },
        { some: 'rules', where: { fact: 'key', equals: 'bpf' } },
      ],
    };
    expect(genericExplanation(check(cond), facts).observed).toEqual({
      en: 'running: no; backlog limit: not set; rules: 0 of 2 match',
      ja: 'running: いいえ、backlog limit: 未設定、rules: 2 件中 0 件が該当',
    });
  });
});

describe('decisive lines', () => {
  it("takes the parser's location: on the fact's object, keyed in an `at` map, or on offending list entries", () => {
    const facts = {
      at: {
        cmdline: { probe: 'cmd', text: 'HKLM\\...\\Audit  ProcessCreationIncludeCmdLine_Enabled  REG_DWORD  0x0' },
      },
      cmdline: false,
      row: { name: 'Logon', state: 'No Auditing', at: { probe: 'cmd', text: 'WIN,System,Logon,{g},No Auditing,' } },
      rules: [
        { key: 'ok', at: { file: '/etc/a.rules', line: 3, text: '-w /etc/passwd -p wa' } },
        { key: 'bad', at: { file: '/etc/a.rules', line: 9, text: '-a never,exit -S all' } },
      ],
    };
    const cond: Condition = {
      all: [
        { fact: 'cmdline', equals: true },
        { fact: 'row.state', equals: 'Success' },
        { none: 'rules', where: { fact: 'key', equals: 'bad' } },
      ],
    };
    expect(genericDecisive(check(cond, ['cmd']), facts, {}, PROBES)).toEqual([
      { command: 'auditctl -s', text: 'HKLM\\...\\Audit  ProcessCreationIncludeCmdLine_Enabled  REG_DWORD  0x0' },
      { command: 'auditctl -s', text: 'WIN,System,Logon,{g},No Auditing,' },
      { file: '/etc/a.rules', line: 9, text: '-a never,exit -S all' },
    ]);
  });

  it('finds the line stating key and value: file line numbers, glob sections, command lines, yes/no by key', () => {
    const facts = { disk_full_action: 'suspend', max_message_size: 8096, enabled: 1, log_connections: false };
    const cond: Condition = {
      all: [
        { fact: 'disk_full_action', equals: 'halt' },
        { fact: 'max_message_size', gte: 65536 },
        { fact: 'enabled', equals: 2 },
        { fact: 'log_connections', equals: true },
      ],
    };
    const outputs = {
      conf: out('# disk_full_action = HALT\nlog_file = /var/log/audit/audit.log\ndisk_full_action = SUSPEND\n'),
      dir: out(
        '==> /etc/rsyslog.d/10-a.conf <==\n*.* @@siem:6514\n==> /etc/rsyslog.d/20-b.conf <==\n\n$MaxMessageSize 8096\n',
      ),
      cmd: out('enabled 1\nfailure 1\nlog_connections|off|default\n'),
    };
    expect(genericDecisive(check(cond, ['conf', 'dir', 'cmd']), facts, outputs, PROBES)).toEqual([
      { file: '/etc/audit/auditd.conf', line: 3, text: 'disk_full_action = SUSPEND' },
      { file: '/etc/rsyslog.d/20-b.conf', line: 2, text: '$MaxMessageSize 8096' },
      { command: 'auditctl -s', text: 'enabled 1' },
      { command: 'auditctl -s', text: 'log_connections|off|default' },
    ]);
  });

  it('finds a JSON member of an API answer by key and value, and names the request', () => {
    const facts = { status: 'red' };
    const outputs = { api: out('{"cluster_name":"siem","status":"red","number_of_nodes":3}') };
    expect(genericDecisive(check({ fact: 'status', equals: 'green' }, ['api']), facts, outputs, PROBES)).toEqual([
      { command: 'GET /_cluster/health', text: 'status: "red"' },
    ]);
  });

  it('names each source read when no line states the fact (an absent rule), never inventing one', () => {
    const facts = { covered: false };
    const outputs = {
      cmd: out('-w /etc/shadow -p wa\n-a always,exit -F arch=b64 -S execve\n'),
      conf: { ...out(''), exitCode: 1, error: { kind: 'not-found' as const, message: 'no such file' } },
    };
    expect(genericDecisive(check({ fact: 'covered', equals: true }, ['cmd', 'conf']), facts, outputs, PROBES)).toEqual([
      { command: 'auditctl -s', text: '(no line states it among 2 line(s) read)' },
      { file: '/etc/audit/auditd.conf', text: '(not-found: no such file)' },
    ]);
  });
});
