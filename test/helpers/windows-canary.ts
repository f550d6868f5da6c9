import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeDef } from '../../src/checks/types.js';
import type { ProbeResult } from '../../src/transport/types.js';
import { FIXTURES_DIR } from './paths.js';

/** The PowerShell stand-in (test/fixtures/pwsh/fake-pwsh.mjs): answers from a fixture, logs the scripts it got. */
export const FAKE_PWSH = join(FIXTURES_DIR, 'pwsh', 'fake-pwsh.mjs');

/** The Windows host canary's live probe, as the catalog declares it. */
export const WINDOWS_CANARY_PROBE: ProbeDef = {
  id: 'windows-event-canary',
  platform: 'windows',
  kind: 'live',
  live: 'windows-event-canary',
  active: true,
};

/** A command's successful answer. */
export const ok = (stdout: string): ProbeResult => ({
  stdout,
  stderr: '',
  exitCode: 0,
  truncated: false,
  durationMs: 1,
});

/** A product API fixture (test/fixtures/products/...). */
export const product = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
