// sshd settings: the effective values from `sshd -T` when it can run, else sshd_config with its Include files read
// in place (the fallback for offline images and hosts where sshd -T needs root or /run/sshd). sshd keeps the first
// value it reads for a keyword, and Match blocks only apply to the connections they match.
import { pathPatternToRegExp } from '../../util/glob.js';

export const LOG_LEVELS = ['QUIET', 'FATAL', 'ERROR', 'INFO', 'VERBOSE', 'DEBUG1', 'DEBUG2', 'DEBUG3'];

export function logLevelRank(level: string | undefined): number | undefined {
  if (!level) return undefined;
  const l = level.toUpperCase() === 'DEBUG' ? 'DEBUG1' : level.toUpperCase();
  const i = LOG_LEVELS.indexOf(l);
  return i < 0 ? undefined : i;
}

/** `sshd -T` output: one `keyword value` per line, keywords lower-case; repeated keywords (hostkey) collected. */
export function parseSshdT(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const m = /^([a-z0-9]+)\s+(.*)$/.exec(raw.trim());
    if (!m) continue;
    const [, k, v] = m as unknown as [string, string, string];
    out[k] = out[k] === undefined ? v : `${out[k]}\n${v}`;
  }
  return out;
}

export interface SshdConfigResult {
  /** Global settings (outside Match), keywords lower-case, first value wins. */
  settings: Record<string, string>;
  /** Keywords set differently inside Match blocks (they apply to some connections only). */
  match_overrides: Record<string, string[]>;
  files: string[];
}

/**
 * Reads sshd_config and the files it includes. `files` maps absolute paths to their text (from the sshd-config and
 * sshd-config-d probes); Include patterns are matched against them, relative ones below /etc/ssh.
 */
export function parseSshdConfig(mainPath: string, files: Map<string, string>): SshdConfigResult {
  const result: SshdConfigResult = { settings: {}, match_overrides: {}, files: [] };
  const visit = (path: string, depth: number, inMatch: boolean): boolean => {
    const text = files.get(path);
    if (text === undefined || depth > 8) return inMatch;
    result.files.push(path);
    let match = inMatch;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
      if (!m) continue;
      const key = m[1]!.toLowerCase();
      const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
      if (key === 'match') {
        match = !/^all$/i.test(value);
        continue;
      }
      if (key === 'include') {
        for (const pattern of value.split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
          const re = pathPatternToRegExp(abs);
          for (const p of [...files.keys()].filter((f) => re.test(f)).sort()) match = visit(p, depth + 1, match);
        }
        continue;
      }
      if (match) {
        result.match_overrides[key] = [...(result.match_overrides[key] ?? []), value];
      } else if (result.settings[key] === undefined) result.settings[key] = value;
    }
    return match;
  };
  visit(mainPath, 0, false);
  return result;
}
