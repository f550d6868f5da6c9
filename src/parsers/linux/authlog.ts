// The `auth-log-recency` probe: `now <epoch>`, `file <path> <mtime> <size>`, `journal <epoch.usec>` lines. The host's
// own clock is the reference, so the age does not depend on the scanner's clock or on when evidence is replayed.

export interface AuthLogFacts {
  now?: number;
  files: { path: string; mtime: number; size: number; age_seconds?: number }[];
  journal_last?: number;
  /** Age of the newest authentication record in any source, seconds; undefined when none was found. */
  newest_age_seconds?: number;
  exists: boolean;
  source?: string;
}

export function parseAuthLogRecency(text: string): AuthLogFacts {
  const facts: AuthLogFacts = { files: [], exists: false };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const now = /^now (\d+)$/.exec(line);
    const file = /^file (\S+) (\d+) (\d+)$/.exec(line);
    const journal = /^journal (\d+(?:\.\d+)?)$/.exec(line);
    if (now) facts.now = Number(now[1]);
    else if (file) facts.files.push({ path: file[1]!, mtime: Number(file[2]), size: Number(file[3]) });
    else if (journal) facts.journal_last = Number(journal[1]);
  }
  const candidates: { source: string; time: number }[] = [];
  for (const f of facts.files) {
    if (facts.now !== undefined) f.age_seconds = Math.max(0, facts.now - f.mtime);
    // An empty file is a log nobody writes to (rotated away, or the daemon is not logging auth).
    if (f.size > 0) candidates.push({ source: f.path, time: f.mtime });
  }
  if (facts.journal_last !== undefined) candidates.push({ source: 'journal', time: Math.floor(facts.journal_last) });
  facts.exists = candidates.length > 0;
  const newest = candidates.sort((a, b) => b.time - a.time)[0];
  if (newest) {
    facts.source = newest.source;
    if (facts.now !== undefined) facts.newest_age_seconds = Math.max(0, facts.now - newest.time);
  }
  return facts;
}
