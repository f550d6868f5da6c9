// Every ```yaml block of the README, validated as a user would use it. Values a reader must replace are written
// as <placeholders>; this test substitutes each one it knows (an unknown placeholder fails the test, so a new one
// needs a substitute here) and creates the files and folders the block names, which must exist for the validator.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadPlaybookText } from '../../../src/playbook/load.js';
import { loadWaivers } from '../../../src/score/waivers.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const README = join(REPO_ROOT, 'README.md');

/** Placeholder text in the README -> a value the validators accept. */
const SUBSTITUTES: Record<string, string> = {
  '<host key fingerprint: SHA256:...>': `SHA256:${'A'.repeat(43)}`,
  '<workspace id>': '6f1c2d3e-0000-4000-8000-000000000001',
  '<subscription>': 'd0cfe6b2-9ac0-4464-9919-dccaee2e48c0',
  '<resource group>': 'soc-rg',
  '<workspace name>': 'soc-workspace',
};

/** Blocks that are not meant to validate alone, each with the reason (none today). Keyed by their first line. */
const SKIPPED: Record<string, string> = {};

interface Block {
  line: number;
  text: string;
}

function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({ line: start + 1, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

function substitute(text: string): string {
  return text.replace(/<[^<>\n]+>/g, (p) => {
    const value = SUBSTITUTES[p];
    if (value === undefined) throw new Error(`README placeholder ${p} has no substitute in this test`);
    return value;
  });
}

/** Creates every relative path an inventory names (rules, playbooks, log exports, ...) in the folder `dir`. */
function createNamedPaths(doc: Record<string, unknown>, dir: string): void {
  const lists = ['rules', 'playbooks', 'scenarios', 'alerts', 'log_exports'] as const;
  const paths = [
    ...lists.flatMap((k) => (doc[k] as string[] | undefined) ?? []),
    ...(['questionnaire', 'waivers'] as const).flatMap((k) => (doc[k] ? [doc[k] as string] : [])),
  ];
  for (const p of paths) {
    const full = join(dir, p);
    if (/\.[a-z]+$/i.test(p)) {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, '');
    } else {
      mkdirSync(full, { recursive: true });
    }
  }
}

/** Recognises the block and validates it with the real loader of its kind. */
function validate(block: Block): string {
  const text = substitute(block.text);
  const doc = parse(text) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'socready-readme-'));
  const file = join(dir, 'block.yaml');
  writeFileSync(file, text);
  if (doc && typeof doc === 'object' && 'targets' in doc && 'version' in doc) {
    createNamedPaths(doc, dir);
    loadInventory(file);
    return 'inventory';
  }
  if (doc && typeof doc === 'object' && 'waivers' in doc) {
    loadWaivers(file);
    return 'waivers';
  }
  if (doc && typeof doc === 'object' && ('socready_playbook' in doc || 'tasks' in doc || 'workflow' in doc)) {
    const loaded = loadPlaybookText(text, file);
    expect(loaded.valid, JSON.stringify(loaded.validation)).toBe(true);
    return 'playbook';
  }
  throw new Error(
    `README.md line ${block.line}: a YAML block this test does not recognise; validate it here or list it in ` +
      'SKIPPED with a reason',
  );
}

const blocks = yamlBlocks(readFileSync(README, 'utf8'));

describe('the YAML blocks of README.md', () => {
  it('has at least the inventory example', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b) => [b.line, b] as const))(
    'block at line %i validates once its placeholders are replaced',
    (_line, block) => {
      const first = block.text.split('\n')[0]!;
      if (SKIPPED[first]) return;
      expect(['inventory', 'waivers', 'playbook']).toContain(validate(block));
    },
  );

  it(
    'the inventory example shows one target of the kinds it talks about and passes the validator with every ' +
      'path it names',
    () => {
      const inventory = blocks.find((b) => /^version: 1$/m.test(b.text) && /^targets:/m.test(b.text));
      expect(inventory).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'socready-readme-'));
      const text = substitute(inventory!.text);
      createNamedPaths(parse(text) as Record<string, unknown>, dir);
      writeFileSync(join(dir, 'inventory.yaml'), text);
      expect(loadInventory(join(dir, 'inventory.yaml')).targets.map((t) => t.kind)).toEqual(
        expect.arrayContaining(['linux', 'windows', 'web', 'siem']),
      );
    },
  );
});
