import { shellQuote } from '../transport/shell.js';

/**
 * The POSIX sh command that reads every file matching a probe's glob, below an optional root, as `==> path <==`
 * sections (the format of `head` with many files), paths shown without the root. `**` descends with find.
 */
/** The stderr line a glob probe prints for a folder it may not read. */
export const GLOB_DENIED = 'socready-glob: permission denied:';

export function globCommand(glob: string, maxBytes: number, rootdir = ''): string {
  const root = rootdir.replace(/\/+$/, '');
  // An unreadable folder expands to nothing, like an empty one: say so on stderr so the two can be told apart.
  const unreadable = `d=$(dirname -- "$f"); [ -d "$d" ] && [ ! -r "$d" -o ! -x "$d" ] && printf '${GLOB_DENIED} %s\\n' "\${d#${root ? shellQuote(root) : ''}}" >&2`;
  const each = `if [ ! -f "$f" ]; then ${unreadable}; continue; fi; printf '==> %s <==\\n' "\${f#${root ? shellQuote(root) : ''}}"; head -c ${maxBytes} -- "$f"; printf '\\n'`;
  const star = glob.indexOf('**');
  if (star >= 0) {
    const base = glob.slice(0, star).replace(/\/+$/, '') || '/';
    const name = glob.slice(star + 2).replace(/^\/+/, '') || '*';
    return `find ${shellQuote(root + base)} -type f -name ${shellQuote(name)} 2>/dev/null | LC_ALL=C sort | while IFS= read -r f; do ${each}; done; true`;
  }
  // Quote everything but the wildcard characters so the shell expands only the glob itself.
  const quoted = (root + glob).replace(/[^*?[\]]+/g, (part) => shellQuote(part));
  return `for f in ${quoted}; do ${each}; done; true`;
}

/** Splits glob output back into files. */
export function splitGlobOutput(stdout: string): { path: string; content: string }[] {
  const files: { path: string; content: string }[] = [];
  const re = /^==> (.*) <==$/gm;
  let last: { path: string; start: number } | undefined;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    if (last) files.push({ path: last.path, content: stdout.slice(last.start, m.index).replace(/\n$/, '') });
    last = { path: m[1]!, start: m.index + m[0].length + 1 };
  }
  if (last) files.push({ path: last.path, content: stdout.slice(last.start).replace(/\n$/, '') });
  return files;
}
