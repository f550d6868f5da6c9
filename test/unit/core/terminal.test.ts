// Text from audited hosts and rule files reaches the terminal through terminalSafe (multi-line text) or terminalLine
// (one-line fields): no control character, no bidirectional control (Trojan Source), and no line break in a field
// that is one line, so a hostile value cannot forge a line of socready's output or reorder what a reader sees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetResult } from '../../../src/model.js';
import { terminalSummary } from '../../../src/summary.js';
import { createProgress } from '../../../src/util/progress.js';
import { controlFree, terminalLine, terminalSafe } from '../../../src/util/terminal.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
];

describe('terminalSafe (multi-line text)', () => {
  it('keeps newlines and tabs, shows other control characters as U+FFFD', () => {
    expect(terminalSafe('a\n\tb\x1b[2Jc\x07\x9b')).toBe('a\n\tb\uFFFD[2Jc\uFFFD\uFFFD');
  });

  it('strips every bidirectional embedding, override, isolate and mark', () => {
    for (const c of BIDI)
      expect(terminalSafe(`admin${c}nimda`), `U+${c.charCodeAt(0).toString(16)}`).toBe('adminnimda');
    // The Trojan Source shape: an RLO makes "access granted" read reversed after it.
    expect(terminalSafe('if (isAdmin) {\u202e } \u2066// Check if admin\u2069 \u2066')).toBe(
      'if (isAdmin) { } // Check if admin ',
    );
  });

  it('is what the text formats render from (controlFree): bidi controls leave report strings and keys', () => {
    expect(controlFree({ 'id\u202e': ['title\u2067x\n'] })).toEqual({ id: ['titlex\n'] });
  });
});

describe('terminalLine (one-line fields)', () => {
  it('shows every kind of line break as ⏎ and a tab as a space, and strips bidi and control characters', () => {
    expect(terminalLine('web-01\n✔ db-01  0 checks')).toBe('web-01 ⏎ ✔ db-01  0 checks');
    expect(terminalLine('a\r\nb\rc\u2028d\u2029e\u0085f\tg')).toBe('a ⏎ b ⏎ c ⏎ d ⏎ e ⏎ f g');
    expect(terminalLine('x\u202e\x1b[31my')).toBe('x\uFFFD[31my');
    expect(terminalLine('plain')).toBe('plain');
  });

  it('keeps a progress line one line, however the target id and the error message are crafted', () => {
    let written = '';
    const write = (s: string) => {
      written += s;
      return true;
    };
    const stream = { isTTY: false, write } as unknown as NodeJS.WriteStream;
    const progress = createProgress(stream);
    const result: TargetResult = {
      id: 'web-01\n✔ forged-host  120 checks, 0 failing',
      kind: 'linux',
      address: '192.0.2.1',
      transport: 'ssh',
      status: 'error',
      error: { kind: 'auth-failed', message: 'denied\r\n✔ another forged line\u202e' },
      duration_ms: 1,
      checks_run: 0,
    };
    progress.finish({ result, findings: [] });
    progress.note('rule file x.yml:\nline two\u2066');
    expect(written.split('\n')).toEqual([
      '✖ web-01 ⏎ ✔ forged-host  120 checks, 0 failing: auth-failed: denied ⏎ ✔ another forged line',
      '! rule file x.yml: ⏎ line two',
      '',
    ]);
  });
});

describe('the terminal summary of a report with hostile strings', () => {
  it('keeps the organisation, each target id and each gap title on its own line, with no bidi control', () => {
    const report = JSON.parse(
      readFileSync(join(FIXTURES_DIR, 'reports', 'acme', '2026-10-01T0900Z-c3d4', 'report.json'), 'utf8'),
    );
    const forged = '\n  db-99                    ok         0 fail';
    report.run.organization = `ACME\u202e${forged}`;
    report.targets[0].id = `web-01${forged}`;
    for (const f of report.findings) if (f.target === 'web-01') f.target = report.targets[0].id;
    const failing = report.findings.find((f: { status: string }) => f.status === 'fail');
    failing.title.en = `Request bodies are logged\u2066${forged}`;
    const text = terminalSummary(report, {}, false);
    expect(text).not.toMatch(/^\s*db-99/m);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(text).toContain('ACME ⏎   db-99');
    expect(text).toContain('web-01 ⏎   db-99');
  });
});
