#!/usr/bin/env node
// Marks every `bin` entry of package.json executable after `tsc` writes it. tsc creates new files 0644, and
// `npx socready` in a clone runs dist/src/cli.js directly once npm's exec cache already links it: a fresh build would
// then fail with "Permission denied" (npm only sets the mode when it first links the package).
// Usage: node scripts/bin-executable.mjs [package-root]   (default: the current folder)
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const file = join(root, bin);
  // Add execute wherever read is allowed (0644 -> 0755), as npm does when it links a bin.
  const mode = statSync(file).mode & 0o777;
  chmodSync(file, mode | ((mode & 0o444) >> 2));
}
