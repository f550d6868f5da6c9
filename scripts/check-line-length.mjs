#!/usr/bin/env node
// Fails (exit 1) naming file:line for every line over 120 characters in the TypeScript and JavaScript of src, test,
// bench and scripts. Biome wraps code at 120 columns but leaves long string literals and comments alone, so this
// check covers what the formatter does not.
// Exempt by design: the YAML catalog text under checks/ and the handlebars templates and CSS under templates/ (data
// and markup, not code), and the data files under test/fixtures that are not code (only .ts/.mts/.js/.mjs/.cjs are
// read, wherever they are).
// Length is counted in characters (code points), so a line of Japanese text counts each character once.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX = 120;
const ROOTS = ['src', 'test', 'bench', 'scripts'];
const CODE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

function* codeFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return;
    throw e;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* codeFiles(path);
    } else if (e.isFile() && CODE.test(e.name)) yield path;
  }
}

/** Every line over `max` characters in `text`, as 1-based line numbers with their lengths. */
export function longLines(text, max = MAX) {
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const length = [...line].length;
    if (length > max) out.push({ line: i + 1, length });
  });
  return out;
}

/** file:line: length for every over-long line under the given roots of `projectRoot`. */
export function findLongLines(projectRoot, roots = ROOTS, max = MAX) {
  const problems = [];
  for (const root of roots) {
    for (const file of codeFiles(join(projectRoot, root))) {
      for (const { line, length } of longLines(readFileSync(file, 'utf8'), max)) {
        problems.push(`${relative(projectRoot, file)}:${line}: ${length} characters (max ${max})`);
      }
    }
  }
  return problems.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The project root is this script's parent folder, or the first argument (tests point it at a scratch tree).
  const projectRoot = process.argv[2] ?? join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const problems = findLongLines(projectRoot);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${problems.length} line(s) over ${MAX} characters\n`);
    process.exit(1);
  }
}
