import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { fsReason } from './input-file.js';

export interface WalkOptions {
  /** Keep a file found inside a folder (files named explicitly are always kept). */
  includeFile(name: string, path: string): boolean;
  /** Descend into a folder found inside a folder (default: every folder not starting with a dot). */
  includeDir?(name: string, path: string): boolean;
  /** How many folder levels below an explicit folder are read (default: all; 1 = only its own files). */
  maxDepth?: number;
  /**
   * A path the walk did not read, with the reason: a symbolic link loop, a folder already read through another link,
   * a device or FIFO, a permission error. `explicit` says the user named it (callers usually make that an error).
   */
  onSkip(path: string, reason: string, explicit: boolean): void;
}

/**
 * THE directory walk for user-given inputs (events, rules, scenarios, playbooks, evidence): symbolic links are
 * followed, but a folder is read once (by device and inode), so a link back to a parent ends the walk with a note
 * naming the link instead of an ELOOP stack trace, and nothing but regular files is returned. Sorted, stable output.
 */
export function walkFiles(paths: string[], opts: WalkOptions): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const includeDir = opts.includeDir ?? ((name: string) => !name.startsWith('.'));
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;

  const visit = (path: string, depth: number, explicit: boolean, ancestors: Set<string>, name: string) => {
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      opts.onSkip(
        path,
        (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'symbolic link loop: skipped' : `cannot read: ${fsReason(e)}`,
        explicit,
      );
      return;
    }
    if (st.isDirectory()) {
      if (!explicit && (depth >= maxDepth || !includeDir(name, path))) return;
      const key = `${st.dev}:${st.ino}`;
      if (ancestors.has(key))
        return opts.onSkip(path, 'symbolic link loop (leads back to a folder above it): skipped', explicit);
      if (seen.has(key)) return opts.onSkip(path, 'same folder already read through another path: skipped', explicit);
      seen.add(key);
      let names: string[];
      try {
        names = readdirSync(path).sort();
      } catch (e) {
        opts.onSkip(path, `cannot list: ${fsReason(e)}`, explicit);
        return;
      }
      const below = new Set(ancestors).add(key);
      for (const n of names) visit(join(path, n), depth + 1, false, below, n);
      return;
    }
    if (!explicit && !opts.includeFile(name, path)) return;
    if (!st.isFile()) return opts.onSkip(path, 'not a regular file (a device, FIFO or socket): skipped', explicit);
    out.push(path);
  };
  for (const p of paths) visit(p, 0, true, new Set(), p);
  return out;
}
