import { posix } from 'node:path';
import { ParseError } from '../../checks/types.js';
import { type ConfigFile, matchInclude } from './sections.js';

/** A directive of Apache httpd syntax (also ModSecurity rule files); `<Section>`s carry a block. */
export interface ApacheDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: ApacheDirective[];
}

/** A directive after includes and `<IfModule>` are resolved, with the sections it sits in (`VirtualHost *:443`). */
export interface ScopedDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  scope: string[];
  /** `file:line` of the <VirtualHost> the directive sits in: many vhosts share the same `*:443` label. */
  vhost?: string;
}

/** Splits an argument string the way Apache does: whitespace-separated, "double" or 'single' quoted, `\"` escapes. */
export function splitApacheArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const q = text[i];
    let value = '';
    if (q === '"' || q === "'") {
      i++;
      while (i < n && text[i] !== q) {
        if (text[i] === '\\' && i + 1 < n && (text[i + 1] === q || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += text[i];
        i++;
      }
      i++;
    } else {
      while (i < n && !/\s/.test(text[i]!)) {
        value += text[i];
        i++;
      }
    }
    args.push(value);
  }
  return args;
}

/** Parses one file; `\` at the end of a line continues it, `#` starts a comment line. */
export function parseApacheFile(text: string, file: string): ApacheDirective[] {
  const root: ApacheDirective[] = [];
  const stack: { name: string; block: ApacheDirective[]; line: number }[] = [{ name: '', block: root, line: 0 }];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.replace(/\r$/, '');
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ') + lines[++i]!.replace(/\r$/, '').trimStart();
    }
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const close = /^<\/\s*([\w.-]+)\s*>$/.exec(t);
    if (close) {
      const top = stack[stack.length - 1]!;
      if (stack.length === 1 || top.name.toLowerCase() !== close[1]!.toLowerCase()) {
        throw new ParseError(`${file}:${lineNo}: </${close[1]}> without a matching <${close[1]}>`);
      }
      stack.pop();
      continue;
    }
    const open = /^<\s*([\w.-]+)(.*)>$/.exec(t);
    const level = stack[stack.length - 1]!.block;
    if (open) {
      const d: ApacheDirective = { name: open[1]!, args: splitApacheArgs(open[2]!), file, line: lineNo, block: [] };
      level.push(d);
      stack.push({ name: d.name, block: d.block!, line: lineNo });
      continue;
    }
    const m = /^(\S+)\s*(.*)$/.exec(t)!;
    level.push({ name: m[1]!, args: splitApacheArgs(m[2]!), file, line: lineNo });
  }
  if (stack.length > 1) {
    const top = stack[stack.length - 1]!;
    throw new ParseError(`${file}:${top.line}: <${top.name}> is never closed`);
  }
  return root;
}

/** `mod_security2.c`, `security2_module` and `mod_security2` all name the module `security2_module`. */
export function moduleName(id: string): string {
  const s = id.replace(/^!/, '');
  if (s.endsWith('_module')) return s;
  return `${s.replace(/^mod_/, '').replace(/\.c$/, '')}_module`;
}

const TRANSPARENT = new Set([
  'ifmodule',
  'ifdefine',
  'ifversion',
  'iffile',
  'ifdirective',
  'ifsection',
  'if',
  'elseif',
  'else',
]);

export interface ApacheTree {
  files: string[];
  directives: ScopedDirective[];
  /** Modules loaded by LoadModule lines seen in the tree. */
  loadModules: string[];
}

/**
 * Resolves the dump of an Apache configuration (`==> file <==` sections, the main file first) into the effective
 * directive list: Include/IncludeOptional expanded in place, `<IfModule>` kept only when its module is loaded.
 * `modules` comes from `apache2ctl -M`; when it is empty, LoadModule lines decide.
 */
export function resolveApacheTree(
  files: ConfigFile[],
  modules: Set<string>,
  opts: { start?: string; includeRelativeToFile?: boolean } = {},
): ApacheTree {
  if (files.length === 0) return { files: [], directives: [], loadModules: [] };
  const first = (opts.start && files.find((f) => f.path === opts.start)) || files[0]!;
  const byPath = new Map(files.map((f) => [f.path, f]));
  const parsed = new Map<string, ApacheDirective[]>();
  const parseOnce = (f: ConfigFile) => {
    let p = parsed.get(f.path);
    if (!p) {
      p = parseApacheFile(f.text, f.path);
      parsed.set(f.path, p);
    }
    return p;
  };
  let serverRoot = posix.dirname(first.path);
  const loaded = new Set<string>();
  const isLoaded = (m: string) => modules.has(m) || loaded.has(m);
  const out: ScopedDirective[] = [];
  const walk = (list: ApacheDirective[], scope: string[], depth: number, vhost?: string) => {
    for (const d of list) {
      const lname = d.name.toLowerCase();
      if (d.block) {
        if (lname === 'ifmodule') {
          const arg = d.args[0] ?? '';
          const wanted = !arg.startsWith('!');
          if (isLoaded(moduleName(arg)) !== wanted) continue;
        }
        if (lname === 'ifdefine' && (d.args[0] ?? '').startsWith('!')) continue;
        const inVhost = lname === 'virtualhost' ? `${d.file}:${d.line}` : vhost;
        walk(
          d.block,
          TRANSPARENT.has(lname) ? scope : [...scope, `${d.name} ${d.args.join(' ')}`.trim()],
          depth,
          inVhost,
        );
        continue;
      }
      if (lname === 'serverroot' && d.args[0]) serverRoot = d.args[0];
      if (lname === 'loadmodule' && d.args[0]) loaded.add(d.args[0]);
      if ((lname === 'include' || lname === 'includeoptional') && d.args[0]) {
        if (depth > 32) throw new ParseError(`${d.file}:${d.line}: includes nested too deeply`);
        const base = opts.includeRelativeToFile ? posix.dirname(d.file) : serverRoot;
        for (const f of matchInclude(d.args[0], base, byPath)) walk(parseOnce(f), scope, depth + 1, vhost);
        continue;
      }
      out.push({ name: d.name, args: d.args, file: d.file, line: d.line, scope, ...(vhost ? { vhost } : {}) });
    }
  };
  walk(parseOnce(first), [], 0);
  return { files: files.map((f) => f.path), directives: out, loadModules: [...loaded] };
}
