// `socready checks list --json | head`: a reader that stops early closes the pipe. The CLI must end quietly (no
// EPIPE stack trace) and keep the exit code its README table documents (a gate still exits 1, bad input 2).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS_DIR } from '../../src/paths.js';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths.js';

/** Runs the CLI with a stdout pipe whose reading end is closed before the CLI writes anything. */
function runWithClosedStdout(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Like `| head -0`: the reader goes away at once, so every write of the CLI meets a pipe with no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const PLAYBOOKS = join(CHECKS_DIR, 'playbooks');

describe('a closed stdout ends the CLI quietly, with its documented exit code', () => {
  it.each([
    { name: 'checks list --json', args: ['checks', 'list', '--json'], code: 0 },
    { name: 'checks list (table)', args: ['checks', 'list'], code: 0 },
    { name: 'collect-script', args: ['collect-script', '--platform', 'linux'], code: 0 },
    { name: 'attack info', args: ['attack', 'info'], code: 0 },
    { name: '--help', args: ['--help'], code: 0 },
    {
      name: 'playbook dry-run whose gate fails',
      args: ['playbook', 'dry-run', join(PLAYBOOKS, 'cacao-auto-contain-dangerous.json'), '--fail-on', 'high'],
      code: 1,
    },
    {
      name: 'inventory validate on a bad inventory',
      args: ['inventory', 'validate', join(FIXTURES_DIR, 'playbook', 'broken.json')],
      code: 2,
    },
  ])('$name: exit $code, no stack trace', async ({ args, code }) => {
    const r = await runWithClosedStdout(args);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(code);
  });
});
