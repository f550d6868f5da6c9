// Re-rendering over an existing report keeps the permissions its owner gave it, and never loosens a requested mode.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputFile } from '../../../src/util/output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-outmode-'));
const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('writeOutputFile and file modes', () => {
  it('keeps a replaced file at the mode its owner set (chmod 600 survives a re-render)', () => {
    const p = join(dir, 'report.html');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    writeOutputFile(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(modeOf(p)).toBe(0o600);
  });

  it('never makes a replaced file looser than the mode asked for', () => {
    const p = join(dir, 'evidence.json');
    writeFileSync(p, 'old');
    chmodSync(p, 0o644);
    writeOutputFile(p, 'new', { mode: 0o600 });
    expect(modeOf(p)).toBe(0o600);
  });

  it('creates a new file with the mode asked for', () => {
    const p = join(dir, 'report.pdf');
    writeOutputFile(p, 'pdf', { mode: 0o640 });
    expect(modeOf(p) & ~0o640).toBe(0);
  });
});
