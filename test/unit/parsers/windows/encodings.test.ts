import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { InconclusiveError } from '../../../../src/checks/types.js';
import { EvidenceProbeSource, type OfflineEvidenceFile, readOfflineEvidence } from '../../../../src/collect/offline.js';
import { auditpolParser, parseAuditpolCsv } from '../../../../src/parsers/windows/auditpol.js';
import { w32tmParser } from '../../../../src/parsers/windows/w32tm.js';
import { decodeWindowsOutput } from '../../../../src/transport/decode.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';
import { encodeShiftJis } from '../../../helpers/shift-jis.js';

// The Japanese `auditpol /get /category:* /r` of a hardened host, as text; each test stores it as a collector or a
// console redirect would, as bytes.
const JA_TEXT = readFileSync(join(FIXTURES_DIR, 'windows', 'auditpol-ja-hardened.csv'), 'utf8');
const CP932 = encodeShiftJis(JA_TEXT);
const CREDENTIAL_VALIDATION = '0cce923f-69ae-11d9-bed3-505054503030';

const dir = mkdtempSync(join(tmpdir(), 'socready-enc-'));
const probe = {
  id: 'win-auditpol',
  platform: 'windows' as const,
  kind: 'command' as const,
  command: 'auditpol.exe /get /category:* /r',
};

/** An offline evidence file (the common form: raw stdout bytes in base64) holding these auditpol bytes. */
async function collectFrom(
  bytes: Buffer,
  host: OfflineEvidenceFile['host'] = { hostname: 'EIGYO-PC01' },
): Promise<ProbeResult> {
  const file = join(dir, `ev-${Math.random().toString(36).slice(2)}.json`);
  const evidence: OfflineEvidenceFile = {
    format: 'socready-evidence',
    version: 1,
    platform: 'windows',
    collected_at: '2026-11-23T09:00:00Z',
    host,
    probes: {
      'win-auditpol': {
        kind: 'command',
        what: 'auditpol.exe /get /category:* /r',
        exit_code: 0,
        stdout_b64: bytes.toString('base64'),
        stderr_b64: '',
      },
    },
  };
  writeFileSync(file, JSON.stringify(evidence));
  const source = new EvidenceProbeSource(file);
  expect(await source.open()).toBeUndefined();
  return source.collect(probe);
}

const credentialCheck = loadCatalog().checks.find((c) => c.id === 'windows.auditpol.credential-validation')!;
const expected = parseAuditpolCsv(JA_TEXT);

describe('Windows output bytes are decoded in the encoding they were written in', () => {
  it('is the byte-exact CP932 that iconv -t CP932 writes (the test encoder is right)', () => {
    expect(CP932.includes(Buffer.from('資格情報', 'utf8'))).toBe(false);
    expect(new TextDecoder('shift_jis').decode(CP932)).toBe(JA_TEXT);
    // 「成功および失敗」 in CP932.
    expect(
      CP932.includes(Buffer.from([0x90, 0xac, 0x8c, 0xf7, 0x82, 0xa8, 0x82, 0xe6, 0x82, 0xd1, 0x8e, 0xb8, 0x94, 0x73])),
    ).toBe(true);
  });

  it(
    'reads CP932 auditpol output with the console code page the collector recorded (932): no subcategory ' +
      'becomes "No Auditing"',
    async () => {
      const out = await collectFrom(CP932, {
        hostname: 'EIGYO-PC01',
        console_code_page: 932,
        oem_code_page: 932,
        ansi_code_page: 932,
      });
      expect(out.error).toBeUndefined();
      expect(out.stdout).toBe(JA_TEXT);
      const facts = auditpolParser({ 'win-auditpol': out }, { targetId: 'EIGYO-PC01', kind: 'windows' });
      expect(facts.subcategories).toEqual(expected);
      expect(
        (facts.by_guid as Record<string, { printed_name: string; state: string }>)[CREDENTIAL_VALIDATION],
      ).toMatchObject({
        printed_name: '資格情報の確認',
        setting: '成功および失敗',
        success: true,
        failure: true,
        state: 'Success and Failure',
      });
      expect(
        evaluateCheck(credentialCheck, { 'win-auditpol': out }, { targetId: 'EIGYO-PC01', kind: 'windows' }).status,
      ).toBe('pass');
    },
  );

  it(
    'falls back to Shift_JIS (CP932) when the evidence records no code page (a hand-made file from `auditpol ' +
      '/r > file`)',
    async () => {
      const out = await collectFrom(CP932);
      expect(out.stdout).toBe(JA_TEXT);
      expect(evaluateCheck(credentialCheck, { 'win-auditpol': out }, { targetId: 'x', kind: 'windows' }).status).toBe(
        'pass',
      );
    },
  );

  it(
    'reads UTF-16LE with a byte-order mark (Windows PowerShell 5.1 `>`), without one, UTF-16BE and UTF-8 with ' +
      'a BOM',
    async () => {
      const forms: [string, Buffer][] = [
        ['utf-16le bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JA_TEXT, 'utf16le')])],
        ['utf-16le', Buffer.from(JA_TEXT, 'utf16le')],
        ['utf-16be bom', Buffer.from(Buffer.from(`\uFEFF${JA_TEXT}`, 'utf16le')).swap16()],
        ['utf-8 bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JA_TEXT, 'utf8')])],
      ];
      for (const [name, bytes] of forms) {
        const out = await collectFrom(bytes, { console_code_page: 932 });
        expect(out.error, name).toBeUndefined();
        expect(out.stdout, name).toBe(JA_TEXT);
        expect(auditpolParser({ 'win-auditpol': out }, { targetId: 'x', kind: 'windows' }).subcategories, name).toEqual(
          expected,
        );
      }
    },
  );

  it('makes the finding inconclusive, naming why, when no encoding reads the bytes', async () => {
    // 0x85 0x40 is an unassigned CP932 pair and 0xFF 0xFE in the middle is no UTF-8: nothing reads this as text.
    const garbage = Buffer.concat([
      CP932.subarray(0, 200),
      Buffer.from([0x85, 0x40, 0xa0, 0xfd, 0xff]),
      CP932.subarray(200),
    ]);
    const out = await collectFrom(garbage, { console_code_page: 932 });
    expect(out.error?.message).toMatch(
      /cannot read the output as text: the output is not text in UTF-8, code page 932/,
    );
    const finding = evaluateCheck(credentialCheck, { 'win-auditpol': out }, { targetId: 'x', kind: 'windows' });
    expect(finding.status).toBe('inconclusive');
    expect(finding.reason).toMatch(/^win-auditpol: other: cannot read the output as text/);
  });

  it('never reads mojibake as "No Auditing": CP932 text decoded as Latin-1 is inconclusive, not a fail', () => {
    const mojibake = CP932.toString('latin1');
    const out: ProbeResult = { stdout: mojibake, stderr: '', exitCode: 0, truncated: false, durationMs: 1 };
    expect(() => auditpolParser({ 'win-auditpol': out }, { targetId: 'x', kind: 'windows' })).toThrow(
      InconclusiveError,
    );
    const finding = evaluateCheck(credentialCheck, { 'win-auditpol': out }, { targetId: 'x', kind: 'windows' });
    expect(finding.status).toBe('inconclusive');
    expect(finding.reason).toMatch(/neither English nor Japanese audit settings .*wrong code page/);
  });

  it('text the collecting shell decoded in the wrong code page (U+FFFD replacement characters) is inconclusive', () => {
    const replaced = new TextDecoder('utf-8').decode(CP932);
    expect(replaced).toContain('\uFFFD');
    const out: ProbeResult = { stdout: replaced, stderr: '', exitCode: 0, truncated: false, durationMs: 1 };
    const finding = evaluateCheck(credentialCheck, { 'win-auditpol': out }, { targetId: 'x', kind: 'windows' });
    expect(finding.status).toBe('inconclusive');
    expect(finding.reason).toMatch(/undecodable characters \(U\+FFFD\).*wrong code page/);
  });
});

describe('other Japanese Windows output in CP932', () => {
  it('w32tm /query /status in CP932 gives the same facts as its UTF-8 text', async () => {
    const text = readFileSync(join(FIXTURES_DIR, 'windows', 'w32tm-ja-cmos.txt'), 'utf8');
    const file = join(dir, 'w32tm.json');
    const evidence: OfflineEvidenceFile = {
      format: 'socready-evidence',
      version: 1,
      platform: 'windows',
      collected_at: '2026-11-23T09:00:00Z',
      host: { hostname: 'EIGYO-PC01', console_code_page: 932 },
      probes: {
        'win-w32tm': {
          kind: 'command',
          what: 'w32tm.exe /query /status /verbose',
          exit_code: 0,
          stdout_b64: encodeShiftJis(text).toString('base64'),
        },
      },
    };
    writeFileSync(file, JSON.stringify(evidence));
    const source = new EvidenceProbeSource(file);
    await source.open();
    const out = await source.collect({
      id: 'win-w32tm',
      platform: 'windows',
      kind: 'command',
      command: 'w32tm.exe /query /status /verbose',
    });
    expect(out.stdout).toBe(text);
    const ctx = { targetId: 'x', kind: 'windows' as const };
    expect(w32tmParser({ 'win-w32tm': out }, ctx)).toEqual(w32tmParser({ 'win-w32tm': { ...out, stdout: text } }, ctx));
  });
});

describe('decodeWindowsOutput', () => {
  it('uses a recorded Western code page (1252) before the Japanese fallback', () => {
    const bytes = Buffer.from([
      0x45, 0x72, 0x66, 0x6f, 0x6c, 0x67, 0x20, 0x75, 0x6e, 0x64, 0x20, 0x46, 0x65, 0x68, 0x6c, 0x65, 0x72, 0x20, 0xdc,
    ]);
    expect(decodeWindowsOutput(bytes, [1252])).toEqual({ text: 'Erfolg und Fehler Ü', encoding: 'windows-1252' });
  });

  it('says which recorded code page it has no decoder for', () => {
    const r = decodeWindowsOutput(Buffer.from([0x85, 0x40, 0xff]), [437]);
    expect(r.undecodable).toMatch(/recorded code page 437 has no decoder here/);
    expect(r.encoding).toBe('latin1');
  });

  it('keeps plain ASCII and UTF-8 as they are', () => {
    expect(decodeWindowsOutput(Buffer.from('Logon,Success and Failure\r\n'), [932])).toEqual({
      text: 'Logon,Success and Failure\r\n',
      encoding: 'utf-8',
    });
  });
});

describe('the offline collector records its code pages', () => {
  it('keeps console, OEM and ANSI code pages from the collection document collect.ps1 writes', () => {
    const file = join(dir, 'collection.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'socready-evidence',
        version: 1,
        platform: 'windows',
        collected_at: '2026-11-23T09:00:00Z',
        collection: {
          host: {
            hostname: 'EIGYO-PC01',
            os: 'Microsoft Windows 11 Pro',
            culture: 'ja-JP',
            console_code_page: 932,
            oem_code_page: 932,
            ansi_code_page: 932,
          },
          probes: { 'win-auditpol': { stdout: JA_TEXT, stderr: '', exit_code: 0, duration_ms: 300 } },
        },
      }),
    );
    expect(readOfflineEvidence(file).host).toEqual({
      hostname: 'EIGYO-PC01',
      os: 'Microsoft Windows 11 Pro',
      console_code_page: 932,
      oem_code_page: 932,
      ansi_code_page: 932,
    });
  });
});
