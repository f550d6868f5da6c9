// Finds rule files under the given paths, picks the reader by extension and content, and keeps going past bad files.
import { readKibanaRules, readSplunkSavedSearches, siemApiFormat } from './siem-api.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readElasticText } from './elastic.js';
import type { DetectionRule, RuleFormat, RuleProblem, RuleSet } from './model.js';
import { readModSecurityText } from './modsecurity.js';
import { readSigmaText } from './sigma-meta.js';
import { readSavedSearchesText, readSplunkYamlText } from './splunk.js';

const RULE_EXTENSIONS = new Set(['.yml', '.yaml', '.toml', '.conf']);

async function collectFiles(path: string, out: string[], problems: RuleProblem[], explicit: boolean): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (e) {
    problems.push({ path, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return;
  }
  if (st.isDirectory()) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (e) {
      problems.push({ path, error: `cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(path, e.name);
      if (e.isDirectory()) await collectFiles(p, out, problems, false);
      else if (RULE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
    }
  } else if (explicit || RULE_EXTENSIONS.has(extname(path).toLowerCase())) out.push(path);
}

/** Which reader a file needs; undefined for files that are not rules (e.g. CRS's crs-setup.conf data, README.yml). */
export function detectFormat(file: string, text: string): RuleFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.toml') return /^\s*\[rule\]/m.test(text) ? 'elastic' : undefined;
  if (ext === '.conf') {
    if (/^\s*Sec(Rule|Action)\b/im.test(text)) return 'modsecurity';
    if (/^\s*\[[^\]]+\]\s*$/m.test(text) && /^\s*search\s*=/m.test(text)) return 'splunk-conf';
    return undefined;
  }
  if (ext === '.yml' || ext === '.yaml') {
    if (/^(detection|logsource|correlation):/m.test(text)) return 'sigma';
    if (/^search:/m.test(text) && /^name:/m.test(text)) return 'splunk-yaml';
    if (basename(file).startsWith('.')) return undefined;
    return /^title:/m.test(text) ? 'sigma' : undefined;
  }
  return undefined;
}

function readText(format: RuleFormat, text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  switch (format) {
    case 'sigma':
      return readSigmaText(text, file);
    case 'elastic':
      return readElasticText(text, file);
    case 'splunk-yaml':
      return readSplunkYamlText(text, file);
    case 'splunk-conf':
      return readSavedSearchesText(text, file);
    case 'modsecurity':
      return readModSecurityText(text, file);
  }
}

export interface LoadOptions {
  /** Called after each file, for progress on large rule sets. */
  onFile?: (done: number, total: number) => void;
}

/** Reads every rule under the given files and folders. Unreadable files are reported with the reason; the rest are used. */
export async function loadRules(paths: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  const problems: RuleProblem[] = [];
  const files: string[] = [];
  for (const p of paths) await collectFiles(p, files, problems, true);
  const rules: DetectionRule[] = [];
  const results: { rules: DetectionRule[]; problems: RuleProblem[] }[] = new Array(files.length);
  let next = 0;
  let done = 0;
  // Reading is I/O bound; a few files in flight keep the disk busy without opening thousands of handles.
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        results[i] = { rules: [], problems: [{ path: file, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
        continue;
      }
      const format = detectFormat(file, text);
      // A SIEM's own rule list (its API answer, saved by a scan or exported by hand) is JSON.
      const api = !format && /^\s*\{/.test(text) ? siemApiFormat(text) : undefined;
      try {
        results[i] = format
          ? readText(format, text, file)
          : api === 'kibana-rules'
            ? readKibanaRules(text, file)
            : api === 'splunk-saved-searches'
              ? readSplunkSavedSearches(text, file)
              : { rules: [], problems: [] };
      } catch (e) {
        results[i] = { rules: [], problems: [{ path: file, error: `${file}: ${(e as Error).message}` }] };
      }
      opts.onFile?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  for (const r of results) {
    if (!r) continue;
    rules.push(...r.rules);
    problems.push(...r.problems);
  }
  return { rules, problems, files: files.length };
}
