// `socready init` writes a commented inventory that shows one example of every target kind the inventory schema
// knows. Each commented example, uncommented as a user would, must pass the real inventory validator.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_INVENTORY } from '../../../src/commands/init.js';
import schema from '../../../src/inventory/inventory.schema.json' with { type: 'json' };
import { loadInventory } from '../../../src/inventory/load.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const KINDS: string[] = schema.definitions.target.properties.kind.enum;
const lines = EXAMPLE_INVENTORY.split('\n');

/** Commented-out target examples: a `# - id:` line and the `#   ` lines under it, at the same indentation. */
function commentedTargets(): { id: string; start: number; end: number }[] {
  const out: { id: string; start: number; end: number }[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)# - id: (\S+)/.exec(line);
    if (!m) return;
    let end = i + 1;
    while (end < lines.length && lines[end]!.startsWith(`${m[1]}#   `)) end++;
    out.push({ id: m[2]!, start: i, end });
  });
  return out;
}

/** Commented-out top-level settings (`# rules: [...]`). */
const commentedSettings = () => lines.flatMap((l, i) => (/^# [a-z_]+: /.test(l) ? [i] : []));

function uncomment(indices: Iterable<number>): string {
  const set = new Set(indices);
  return lines.map((l, i) => (set.has(i) ? l.replace(/^(\s*)# /, '$1') : l)).join('\n');
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

/** A folder with the files the uncommented settings name, so the validator's existence checks can pass. */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socready-init-'));
  for (const d of ['sigma-rules', 'playbooks', 'scenarios', 'alerts', 'exports']) mkdirSync(join(dir, d));
  for (const f of ['questionnaire.yaml', 'waivers.yaml', 'exports/sysmon.ndjson.gz']) writeFileSync(join(dir, f), '');
  return dir;
}

function load(text: string) {
  const file = join(workDir(), 'inventory.yaml');
  writeFileSync(file, text);
  return loadInventory(file);
}

describe('the inventory that socready init writes', () => {
  it('shows one example of every target kind of the inventory schema', () => {
    const all = load(uncomment(commentedTargets().flatMap((b) => range(b.start, b.end))));
    const shown = new Set(all.targets.map((t) => t.kind));
    expect(KINDS.filter((k) => !shown.has(k as never))).toEqual([]);
  });

  it.each(commentedTargets().map((b) => [b.id, b] as const))('example %s validates once uncommented', (_id, block) => {
    const inv = load(uncomment(range(block.start, block.end)));
    expect(inv.targets.map((t) => t.id)).toContain(block.id);
  });

  it('every commented example and setting uncommented at once still validates', () => {
    const inv = load(uncomment([...commentedTargets().flatMap((b) => range(b.start, b.end)), ...commentedSettings()]));
    expect(inv.targets.length).toBe(2 + commentedTargets().length);
    expect(inv.rules[0]).toMatch(/sigma-rules$/);
  });

  it('shows every top-level setting of the inventory schema, set or commented', () => {
    const shown = new Set(lines.flatMap((l) => /^(?:# )?([a-z_]+):/.exec(l)?.[1] ?? []));
    expect(Object.keys(schema.properties).filter((k) => !shown.has(k))).toEqual([]);
  });

  it('the web example shows config_path and log_paths, which the schema supports', () => {
    const web = load(uncomment(commentedTargets().flatMap((b) => range(b.start, b.end)))).targets.find(
      (t) => t.kind === 'web',
    );
    expect(Object.keys(schema.definitions.web.properties)).toEqual(
      expect.arrayContaining(['config_path', 'log_paths']),
    );
    expect(web?.web?.config_path).toBeTruthy();
    expect(web?.web?.log_paths?.length).toBeGreaterThan(0);
    // ... and says what happens without it, as the README does.
    expect(lines.find((l) => /config_path:/.test(l))).toMatch(
      /without it, the configuration of the server answering the URL's port/,
    );
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/Without `web\.config_path`, socready finds the\s+server answering each URL's port/);
  });
});
