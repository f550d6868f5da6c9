import { shellQuote } from '../transport/shell.js';

/**
 * The POSIX sh command that reads every file matching a probe's glob, below an optional root, as `==> path <==`
 * sections (the format of `head` with many files), paths shown without the root. `**` descends with find.
 */
/** The stderr line a glob probe prints for a folder it may not read. */
export const GLOB_DENIED = 'socready-glob: permission denied:';

export function globCommand(glob: string, maxBytes: number, rootdir = ''): string {
  const root = rootdir.replace(/\/+$/, '');
  const strip = `\${d#${root ? shellQuote(root) : ''}}`;
  // An unreadable folder expands to nothing, like an empty one: say so on stderr so the two can be told apart. The
  // deepest folder that exists is the one to test (a parent may be the unreadable one).
  const unreadable =
    `d=$(dirname -- "$f"); while [ ! -e "$d" ] && [ "$d" != / ] && [ "$d" != . ]; do d=$(dirname -- "$d"); done; ` +
    `if [ -d "$d" ] && { [ ! -r "$d" ] || [ ! -x "$d" ]; }; then printf '${GLOB_DENIED} %s\\n' "${strip}" >&2; fi`;
  // In an image, a link may point at the auditor's own files (/etc/shadow): follow nothing out of the root.
  const inside = root ? `case "$(readlink -f -- "$f")" in ${shellQuote(root)}/*) ;; *) continue;; esac; ` : '';
  const each =
    `if [ ! -f "$f" ]; then ${unreadable}; continue; fi; ${inside}printf '==> %s <==\\n' ` +
    `"\${f#${root ? shellQuote(root) : ''}}"; head -c ${maxBytes} -- "$f"; printf '\\n'`;
  const star = glob.indexOf('**');
  if (star >= 0) {
    const base = glob.slice(0, star).replace(/\/+$/, '') || '/';
    const name = glob.slice(star + 2).replace(/^\/+/, '') || '*';
    const top = shellQuote(root + base);
    // Folders find cannot enter are pruned and reported on stderr (root stripped), not silently skipped.
    const report =
      `sh -c 'p=$1; printf "%s %s\\n" "$0" "\${p#$2}" >&3' ${shellQuote(GLOB_DENIED)} {} ` + `${shellQuote(root)}`;
    const denied = `\\( -type d ! \\( -readable -executable \\) -exec ${report} \\; -prune \\)`;
    // find's own complaints are dropped; the denied folders go to the real stderr through fd 3.
    return (
      `{ find ${top} ${denied} -o -type f -name ${shellQuote(name)} -print 2>/dev/null; } 3>&2 | LC_ALL=C sort ` +
      `| while IFS= read -r f; do ${each}; done; true`
    );
  }
  // Quote everything but the wildcard characters so the shell expands only the glob itself.
  const quoted = (root + glob).replace(/[^*?[\]]+/g, (part) => shellQuote(part));
  return `for f in ${quoted}; do ${each}; done; true`;
}
