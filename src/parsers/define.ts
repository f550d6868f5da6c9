// The one way to add a parser: a name (what checks write in `parser:`), the probes it reads, the facts it returns
// and the pure function from probe outputs to those facts. The declarations let the catalog loader reject a check
// that names a probe the parser never reads or a fact the parser never returns, with the file and field.
import type { Parser } from '../checks/types.js';

export interface ParserModule {
  /** The name catalog checks use in their `parser` field. */
  readonly name: string;
  /** Probe ids the parser may read; a check using this parser may only list these. */
  readonly probes: readonly string[];
  /**
   * Fact paths the parser returns, dot-separated. A declared path covers everything below it (`coverage` covers
   * `coverage.execve.audited`); `list[].field` declares a field of each element of a list, for `some/every/none/count`.
   */
  readonly facts: readonly string[];
  readonly parse: Parser;
}

const NAME = /^[a-z][a-z0-9-]*$/;

export function defineParser(def: ParserModule): ParserModule {
  if (!NAME.test(def.name)) throw new Error(`parser name "${def.name}" must be lower-case words joined by '-'`);
  if (def.probes.length === 0) throw new Error(`parser ${def.name} declares no probes`);
  if (def.facts.length === 0) throw new Error(`parser ${def.name} declares no facts`);
  return Object.freeze({ ...def, probes: [...def.probes], facts: [...def.facts] });
}

/** Builds a name -> module index; two modules with one name are a programming error, caught at start-up. */
export function parserIndex(modules: readonly ParserModule[]): ReadonlyMap<string, ParserModule> {
  const index = new Map<string, ParserModule>();
  for (const m of modules) {
    if (index.has(m.name)) throw new Error(`two parsers are named "${m.name}"`);
    index.set(m.name, m);
  }
  return index;
}

/** Whether a fact path (absolute, `list[].field` inside a where) is covered by a parser's declared facts. */
export function declaresFact(parser: ParserModule, path: string): boolean {
  return parser.facts.some(
    (d) =>
      path === d ||
      path.startsWith(`${d}.`) ||
      path.startsWith(`${d}[].`) ||
      d.startsWith(`${path}.`) ||
      d.startsWith(`${path}[].`),
  );
}

/** name -> parse function. */
export function parsersByName(modules: readonly ParserModule[]): Readonly<Record<string, Parser>> {
  return Object.fromEntries([...parserIndex(modules)].map(([name, m]) => [name, m.parse]));
}
