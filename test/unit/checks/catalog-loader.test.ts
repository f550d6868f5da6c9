// The catalog loader: every check folder under checks/ is loaded (no fixed list), an unknown platform folder and a
// check naming a probe, parser or fact that does not exist are load errors that say which file and which field.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_PLATFORMS, checkFolders, loadCatalog, NON_CHECK_FOLDERS } from '../../../src/checks/catalog.js';
import { CHECKS_DIR } from '../../../src/paths.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A catalog root with the shipped probes and one check folder holding `yaml`. */
function catalogWith(folder: string, yaml: string): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'socready-catalog-'));
  roots.push(root);
  cpSync(join(CHECKS_DIR, 'probes'), join(root, 'probes'), { recursive: true });
  mkdirSync(join(root, folder));
  const file = join(root, folder, 'new.yaml');
  writeFileSync(file, yaml);
  return { root, file };
}

const check = (over: Record<string, string>) => {
  const base: Record<string, string> = {
    id: 'ips.sample.rules-loaded',
    title: '{ en: "Rules are loaded", ja: "ルールが読み込まれている" }',
    rationale: '{ en: "An engine without rules sees nothing.", ja: "ルールのないエンジンは何も検知しません。" }',
    remediation: '{ en: "Load the rules.", ja: "ルールを読み込んでください。" }',
    area: 'infrastructure',
    kinds: '[ips]',
    severity: 'high',
    weight: '2',
    probes: '[auditctl-status]',
    parser: 'auditd-kernel-status',
    condition: '{ fact: enabled, equals: 1 }',
    maps: '{ attack: [T1562.001] }',
    ...over,
  };
  return `${Object.entries(base)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n`;
};

describe('check catalog loader', () => {
  it('loads a check from a new platform folder it was never told about', () => {
    const { root } = catalogWith('ips', check({}));
    const catalog = loadCatalog(root);
    expect(catalog.problems.map((p) => p.message)).toEqual([]);
    expect(catalog.checks.map((c) => c.id)).toEqual(['ips.sample.rules-loaded']);
    expect(catalog.checks[0]!.file).toBe(join('ips', 'new.yaml'));
  });

  it(
    'fails loading a new catalog folder whose check reads a fact its parser does not declare, naming file and ' +
      'field',
    () => {
      const { root, file } = catalogWith('ips', check({ condition: '{ fact: enabeld, equals: 1 }' }));
      const catalog = loadCatalog(root);
      expect(catalog.checks).toEqual([]);
      expect(catalog.problems).toHaveLength(1);
      const [problem] = catalog.problems;
      expect(problem!.file).toBe(file);
      expect(problem!.field).toBe('ips.sample.rules-loaded.condition');
      expect(problem!.message).toMatch(/fact "enabeld" is not among the facts parser "auditd-kernel-status" declares/);
    },
  );

  it('accepts element paths under a declared list and locates a bad path in applies_if/condition/warn_if', () => {
    const good = catalogWith(
      'linux',
      check({
        parser: 'log-forwarding',
        probes: '[rsyslog-conf]',
        condition: '{ some: forwarders, where: { fact: tls, equals: true } }',
      }),
    );
    expect(loadCatalog(good.root).problems.map((p) => p.message)).toEqual([]);
    const bad = catalogWith(
      'linux',
      check({
        parser: 'log-forwarding',
        probes: '[rsyslog-conf]',
        applies_if: '{ fact: audit.forwarded, equals: true }',
        condition: '{ every: forwarders, where: { fact: tls, equals: true } }',
        warn_if: '{ any: [{ fact: agents, contains: x }, { fact: nope, equals: 1 }] }',
      }),
    );
    const problems = loadCatalog(bad.root).problems;
    expect(problems.map((p) => p.field)).toEqual(['ips.sample.rules-loaded.warn_if']);
    expect(problems[0]!.message).toMatch(/fact "nope"/);
  });

  it(
    'locates an observed/expected placeholder or a decisive path naming an undeclared fact, and a related ' +
      'check that does not exist',
    () => {
      const text = (fact: string) =>
        `{ observed: { en: "enabled {${fact}}", ja: "有効 {${fact}}" }, expected: { en: "1", ja: "1" } }`;
      expect(
        loadCatalog(catalogWith('ips', check({ explain_text: text('enabled') })).root).problems.map((p) => p.message),
      ).toEqual([]);
      const [placeholder] = loadCatalog(catalogWith('ips', check({ explain_text: text('enabld') })).root).problems;
      expect(placeholder).toMatchObject({
        field: 'ips.sample.rules-loaded.explain_text',
        message: expect.stringMatching(/fact "enabld"/),
      });
      const [decisive] = loadCatalog(catalogWith('ips', check({ decisive: '[nope.at]' })).root).problems;
      expect(decisive).toMatchObject({
        field: 'ips.sample.rules-loaded.decisive',
        message: expect.stringMatching(/fact "nope\.at"/),
      });
      const [related] = loadCatalog(
        catalogWith('ips', check({ related: '[{ check: ips.nothing, why: { en: "x", ja: "x" } }]' })).root,
      ).problems;
      expect(related).toMatchObject({
        field: 'ips.sample.rules-loaded.related',
        message: expect.stringContaining('related check "ips.nothing" does not exist'),
      });
    },
  );

  it('names an unknown probe, an unknown parser and a probe the parser never reads, each with its field', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ probes: '[no-such-probe]' }, 'probes', /unknown probe "no-such-probe"/],
      [{ parser: 'no-such-parser' }, 'parser', /unknown parser "no-such-parser"/],
      [{ probes: '[sshd-config]' }, 'probes', /parser "auditd-kernel-status" does not read probe\(s\) sshd-config/],
    ];
    for (const [over, field, message] of cases) {
      const { root, file } = catalogWith('ips', check(over));
      const [problem] = loadCatalog(root).problems;
      expect(problem?.file).toBe(file);
      expect(problem?.field).toBe(`ips.sample.rules-loaded.${field}`);
      expect(problem?.message).toMatch(message);
    }
  });

  it(
    'refuses a folder named after no platform (checks/mainframe/, a kind that does not exist) instead of ' +
      'loading 0 checks',
    () => {
      const { root } = catalogWith('mainframe', check({}));
      const catalog = loadCatalog(root);
      expect(catalog.checks).toEqual([]);
      expect(catalog.problems.map((p) => p.file)).toEqual([join(root, 'mainframe')]);
      expect(catalog.problems[0]!.message).toMatch(/unknown platform "mainframe"/);
    },
  );

  it(
    'declares every folder of the shipped catalog as a check platform or a non-check folder, and loads all ' + 'checks',
    () => {
      const folders = readdirSync(CHECKS_DIR).filter((n) => statSync(join(CHECKS_DIR, n)).isDirectory());
      for (const f of folders)
        expect(CHECK_PLATFORMS.includes(f) || (NON_CHECK_FOLDERS as readonly string[]).includes(f), f).toBe(true);
      expect(checkFolders(CHECKS_DIR).sort()).toEqual(folders.filter((f) => CHECK_PLATFORMS.includes(f)).sort());
      const catalog = loadCatalog();
      expect(catalog.problems.map((p) => p.message)).toEqual([]);
      const loadedFolders = new Set(catalog.checks.map((c) => c.file!.split('/')[0]));
      expect([...loadedFolders].sort()).toEqual(checkFolders(CHECKS_DIR).sort());
    },
  );
});
