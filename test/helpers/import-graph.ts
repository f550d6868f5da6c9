// The import graph of src/ and the two rules it must keep: no cycles (Tarjan's strongly connected components) and no
// import from a higher layer. Reads `import ... from '...'`, `export ... from '...'` and `import '...'` with relative
// specifiers (type-only imports and import() included: a type cycle is still a tangle), resolving `.js` to `.ts`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Module path relative to the source root, with '/' separators → the modules it imports. */
export type ImportGraph = Map<string, string[]>;

const STATIC_IMPORT =
  /(?:^|[;\n}])\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;
/** `import('./x.js')`: a dynamic import, or an inline type (`import('./x.js').T`), is a dependency all the same. */
const IMPORT_CALL = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Relative specifiers of a module's imports, re-exports and import() expressions. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(STATIC_IMPORT)) out.push(m[1]!);
  for (const m of source.matchAll(IMPORT_CALL)) out.push(m[1]!);
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const toKey = (root: string, file: string) => relative(root, file).split(sep).join('/');

/** Builds the graph of every .ts module under `root`; an import that resolves to no file is an error. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(root).sort()) {
    const deps = new Set<string>();
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.endsWith('.json')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target)) throw new Error(`${toKey(root, file)}: import '${spec}' resolves to no file`);
      deps.add(toKey(root, target));
    }
    graph.set(toKey(root, file), [...deps].sort());
  }
  return graph;
}

/** Every cycle of the graph as one path (first module repeated at the end), from Tarjan's components. */
export function findCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components.map((c) => cyclePath(graph, new Set(c)));
}

/** One concrete cycle inside a strongly connected component, found by a breadth-first walk back to its start. */
function cyclePath(graph: ImportGraph, comp: Set<string>): string[] {
  const start = [...comp].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * Layers from the bottom up; a module may import its own layer and those below. The layer of a module is the one
 * naming the module itself (`web/tls`, without .ts), else the one naming its top-level folder (or its file name, for
 * files at the root of src/).
 */
export type Layering = { name: string; members: string[] }[];

export function layerOf(layering: Layering, module: string): number {
  const self = module.replace(/\.ts$/, '');
  const own = layering.findIndex((l) => l.members.includes(self));
  if (own >= 0) return own;
  const top = module.includes('/') ? module.slice(0, module.indexOf('/')) : self;
  return layering.findIndex((l) => l.members.includes(top));
}

/** Imports that reach up the layering, and modules no layer names, as messages. */
export function layeringViolations(graph: ImportGraph, layering: Layering): string[] {
  const out: string[] = [];
  for (const [from, deps] of graph) {
    const a = layerOf(layering, from);
    if (a < 0) {
      out.push(`${from} belongs to no declared layer`);
      continue;
    }
    for (const to of deps) {
      const b = layerOf(layering, to);
      if (b > a) out.push(`${from} (${layering[a]!.name}) imports ${to} (${layering[b]!.name}), a higher layer`);
    }
  }
  return out;
}

const EXPORT_DECL =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|interface|type|class|enum)\s+([A-Za-z_$][\w$]*)/gm;

/** Names declared and exported by more than one module under `root`, with the modules that export each. */
export function duplicateExports(root: string): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const file of tsFiles(root).sort()) {
    for (const m of readFileSync(file, 'utf8').matchAll(EXPORT_DECL)) {
      by.set(m[1]!, [...(by.get(m[1]!) ?? []), toKey(root, file)]);
    }
  }
  return new Map([...by].filter(([, files]) => files.length > 1));
}
