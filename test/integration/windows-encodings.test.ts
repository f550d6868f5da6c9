import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { encodeShiftJis } from '../helpers/shift-jis.js';
import { hostEvidenceFile } from '../helpers/windows-hosts.js';

// A Japanese host's auditpol output stored as the bytes a console redirect writes (CP932) or Windows PowerShell 5.1's
// `>` writes (UTF-16LE with BOM), replayed through `scan --evidence` end to end.
describe('scan --evidence reads Japanese Windows output in its own encoding', () => {
  it(
    'CP932 and UTF-16LE auditpol bytes give the same verdicts as UTF-8; undecodable bytes are inconclusive ' +
      'with the reason',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'socready-win-enc-'));
      const text = readFileSync(join(FIXTURES_DIR, 'windows', 'auditpol-ja-hardened.csv'), 'utf8');
      const forms: Record<string, { bytes: Buffer; host?: Record<string, number> }> = {
        'JP-CP932': {
          bytes: encodeShiftJis(text),
          host: { console_code_page: 932, oem_code_page: 932, ansi_code_page: 932 },
        },
        'JP-UTF16': { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) },
        'JP-BROKEN': {
          bytes: Buffer.concat([encodeShiftJis(text).subarray(0, 100), Buffer.from([0x85, 0x40, 0xff])]),
          host: { console_code_page: 932 },
        },
      };
      for (const [name, form] of Object.entries(forms)) {
        const evidence = hostEvidenceFile('hardened', name);
        evidence.host = { ...evidence.host, ...form.host };
        evidence.probes['win-auditpol']!.stdout_b64 = form.bytes.toString('base64');
        writeFileSync(join(dir, `${name}.json`), JSON.stringify(evidence));
      }
      const r = await runCli([
        'scan',
        '--evidence',
        dir,
        '-o',
        join(dir, 'reports'),
        '--json',
        '--hosts-only',
        '--no-html',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const runDir = JSON.parse(r.stdout).run_dir as string;
      const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
      const auditpol = (target: string) =>
        report.findings.filter((f) => f.target === target && f.check.startsWith('windows.auditpol.'));
      for (const target of ['JP-CP932', 'JP-UTF16']) {
        expect(auditpol(target).length).toBeGreaterThanOrEqual(10);
        expect(
          auditpol(target)
            .filter((f) => f.status !== 'pass')
            .map((f) => `${f.check} ${f.status} ${f.reason ?? ''}`),
          target,
        ).toEqual([]);
        // The stored evidence is the Japanese text, not mojibake.
        const stored = readFileSync(join(runDir, 'evidence', target, 'win-auditpol.txt'), 'utf8');
        expect(stored).toContain('資格情報の確認,{0CCE923F-69AE-11D9-BED3-505054503030},成功および失敗');
      }
      const broken = auditpol('JP-BROKEN');
      expect(broken.length).toBeGreaterThanOrEqual(10);
      for (const f of broken) {
        expect(f.status, f.check).toBe('inconclusive');
        expect(f.reason).toMatch(/cannot read the output as text: the output is not text in UTF-8, code page 932/);
      }
    },
  );
});
