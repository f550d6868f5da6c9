import { posix } from 'node:path';
import type { ConfigFile } from '../../util/file-sections.js';
import { hasPathWildcard, pathPatternToRegExp } from '../../util/glob.js';

export { type ConfigFile, splitSections } from '../../util/file-sections.js';

/** Files of the dump an include pattern names, in the order the server reads them (sorted, as glob(3) does). */
export function matchInclude(pattern: string, baseDir: string, files: Map<string, ConfigFile>): ConfigFile[] {
  const abs = posix.isAbsolute(pattern) ? pattern : posix.join(baseDir, pattern);
  const norm = posix.normalize(abs);
  if (!hasPathWildcard(norm)) {
    const f = files.get(norm);
    if (f) return [f];
    // A directory include (Apache) reads every file below it.
    const prefix = norm.endsWith('/') ? norm : `${norm}/`;
    return [...files.values()].filter((x) => x.path.startsWith(prefix)).sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  const re = pathPatternToRegExp(norm);
  return [...files.values()].filter((x) => re.test(x.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Parses a size like `16k`, `1m`, `8192` into bytes (nginx and ModSecurity units). */
export function parseSize(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d+)([kKmMgG]?)$/.exec(value.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}
