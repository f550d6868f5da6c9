import { posix } from 'node:path';

/** One file of a multi-file dump: `==> path <==` sections (like `head`) or nginx -T's `# configuration file` markers. */
export interface ConfigFile {
  path: string;
  text: string;
}

/** Splits `==> /path <==` sections; text before the first marker is returned as `preamble`. */
export function splitSections(output: string): { preamble: string; files: ConfigFile[] } {
  const files: ConfigFile[] = [];
  const re = /^==> (.+) <==$/gm;
  let last: { path: string; start: number } | undefined;
  let preamble = output;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    if (last) files.push({ path: last.path, text: output.slice(last.start, m.index) });
    else preamble = output.slice(0, m.index);
    last = { path: m[1]!, start: m.index + m[0].length + 1 };
  }
  if (last) files.push({ path: last.path, text: output.slice(last.start) });
  return { preamble: last ? preamble : output, files };
}

const globCache = new Map<string, RegExp>();
/** Shell-style glob (`*`, `?`, `[...]`) as a regular expression over whole paths; `*` does not cross `/`. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) src += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        src += `[${body}]`;
        i = end;
      }
    } else src += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`);
  globCache.set(glob, re);
  return re;
}

/** Files of the dump an include pattern names, in the order the server reads them (sorted, as glob(3) does). */
export function matchInclude(pattern: string, baseDir: string, files: Map<string, ConfigFile>): ConfigFile[] {
  const abs = posix.isAbsolute(pattern) ? pattern : posix.join(baseDir, pattern);
  const norm = posix.normalize(abs);
  if (!/[*?[]/.test(norm)) {
    const f = files.get(norm);
    if (f) return [f];
    // A directory include (Apache) reads every file below it.
    const prefix = norm.endsWith('/') ? norm : `${norm}/`;
    return [...files.values()].filter((x) => x.path.startsWith(prefix)).sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  const re = globToRegExp(norm);
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
