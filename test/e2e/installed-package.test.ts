// The package as npm publishes it: `npm pack`, then `npm install <tarball>` into an empty folder, then the installed
// `socready` command, run from a folder that is not the clone. Every data file the CLI reads at run time (check
// catalog and its schemas, templates, built-in rules, scenarios and playbooks, ATT&CK catalog) must be in the tarball.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import type { Report } from '../../src/model.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { reportProblem } from '../helpers/report-problem.js';

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** npm's own environment (npm_config_* set when the suite runs under npm or npx) must not steer the nested npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ''}`, CI: 'true', NO_COLOR: '1' };
}

/**
 * The runtime dependencies (not devDependencies) as the lockfile pins them, linked from the clone's node_modules.
 * npm then finds every dependency already satisfied and installs the tarball alone, offline, with no registry and no
 * npm cache; a runtime import of a devDependency would still fail here, as it would for a user.
 */
function linkRuntimeDependencies(prefix: string): void {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || path.indexOf('/node_modules/') !== -1 || entry.dev || entry.link) continue;
    const installed = join(REPO_ROOT, path);
    // Optional packages for other platforms (esbuild, Biome) are in the lockfile but not on this machine.
    if (!existsSync(installed)) continue;
    const dest = join(prefix, path);
    mkdirSync(dirname(dest), { recursive: true });
    symlinkSync(realpathSync(installed), dest, 'dir');
  }
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the npm package, packed and installed into an empty folder', () => {
  let tmp: string;
  let work: string;
  let bin: string;

  function socready(args: string[]): Promise<Result> {
    return new Promise((resolve, reject) => {
      // An empty cache folder: the installed copy must use the ATT&CK catalog it ships, not one `attack update`
      // fetched.
      const env = { ...cleanEnv(), SOCREADY_CACHE_DIR: join(tmp, 'cache') };
      const child = spawn(bin, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  beforeAll(() => {
    // Always the package as built from this tree (a stale dist would test old code).
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO_ROOT], {
      stdio: 'inherit',
    });
    // Every file this test writes goes under one temporary folder: the clone must stay clean.
    tmp = mkdtempSync(join(tmpdir(), 'socready-pack-'));
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], REPO_ROOT)) as { filename: string }[];
    const tarball = join(tmp, packed[0]!.filename);
    const prefix = join(tmp, 'prefix');
    mkdirSync(prefix);
    linkRuntimeDependencies(prefix);
    npm(
      [
        'install',
        '--prefix',
        prefix,
        tarball,
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      tmp,
    );
    bin = join(prefix, 'node_modules', '.bin', 'socready');
    work = join(tmp, 'work');
    mkdirSync(work);
  }, 300_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs a real copy (not a link back to the clone) with the socready command', () => {
    const installed = join(tmp, 'prefix', 'node_modules', PACKAGE.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(realpathSync(bin).startsWith(realpathSync(installed))).toBe(true);
  });

  it('socready --version prints the package version', async () => {
    const r = await socready(['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(PACKAGE.version);
  });

  it('checks list finds the whole check catalog', async () => {
    const r = await socready(['checks', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((c) => c.id).sort();
    expect(ids).toEqual(
      loadCatalog()
        .checks.map((c) => c.id)
        .sort(),
    );
  });

  it('attack info reads the shipped ATT&CK catalog', async () => {
    const r = await socready(['attack', 'info']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`shipped: ${join(tmp, 'prefix', 'node_modules', PACKAGE.name)}`);
    expect(r.stdout).toMatch(/\b[1-9]\d* tactics, [1-9]\d* live techniques/);
  });

  it('init writes an inventory that the installed copy validates against its schema', async () => {
    expect((await socready(['init', '--dir', work])).code).toBe(0);
    const r = await socready(['inventory', 'validate', join(work, 'inventory.yaml')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('scan --hosts-only audits this machine and writes a report that validates', async () => {
    const r = await socready(['scan', '--hosts-only', '-o', join(tmp, 'reports'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { outputs: { report: string; html?: string } };
    const report = JSON.parse(readFileSync(summary.outputs.report, 'utf8')) as Report;
    expect(reportProblem(report, summary.outputs.report)).toBeUndefined();
    expect(report.findings.length).toBeGreaterThan(10);
    expect(existsSync(summary.outputs.html!)).toBe(true);
  }, 120_000);

  it('scan finds the built-in rule pack, scenarios and playbooks, and report --format html ' +
    'renders it again', async () => {
    const scan = await socready(['scan', '-o', join(tmp, 'reports'), '--json']);
    expect(scan.code, scan.stderr).toBe(0);
    const reportFile = (JSON.parse(scan.stdout) as { outputs: { report: string } }).outputs.report;
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(report.analyses.coverage?.summary.rules_total).toBeGreaterThan(5);
    expect(report.analyses.detections?.summary.scenarios).toBeGreaterThan(5);
    expect(report.analyses.playbooks?.summary.playbooks).toBeGreaterThan(1);

    const html = join(tmp, 'again.html');
    const r = await socready(['report', reportFile, '--format', 'html', '-o', html]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toMatch(/^<!doctype html>/i);
    expect(text).toContain(report.run.id);
    // The stylesheet from templates/ is inlined: an unstyled report would mean templates were not found.
    expect(text).toMatch(/<style[^>]*>[^<]{1000,}/);
  }, 120_000);
});

// The README's way to type `socready` inside a clone, without a global install.
describe('npx socready inside the clone', () => {
  it("runs the clone's own CLI, offline, also after a rebuild once npm's exec cache links the clone", () => {
    // Its own npm cache: the first exec links the clone there (and npm marks the bin executable then, once only).
    const cache = mkdtempSync(join(tmpdir(), 'socready-npx-cache-'));
    const env = { ...cleanEnv(), npm_config_cache: cache };
    const npx = () =>
      execFileSync('npm', ['exec', '--offline', '--', 'socready', '--version'], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
      });
    const cli = join(REPO_ROOT, 'dist', 'src', 'cli.js');
    try {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, env: cleanEnv(), stdio: 'inherit' });
      expect(npx().trim()).toBe(PACKAGE.version);
      // What tsc leaves when it writes the bin anew (0644); the README's build must make it executable again, since
      // npm will not: the exec cache already links the clone (CI failed exactly so: "socready: Permission denied").
      chmodSync(cli, 0o644);
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, env: cleanEnv(), stdio: 'inherit' });
      expect(statSync(cli).mode & 0o111).toBe(0o111);
      expect(npx().trim()).toBe(PACKAGE.version);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 120_000);
});
