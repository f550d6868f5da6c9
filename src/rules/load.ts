// Finds rule files under the given paths, picks the reader by extension and content, and keeps going past bad files.
import { basename, extname } from 'node:path';
import { InputError } from '../util/input-error.js';
import { INPUT_LIMITS, readInputText } from '../util/input-file.js';
import { walkFiles } from '../util/walk.js';
import {
  readKibanaRules,
  readOpenSearchSecurityAnalytics,
  readSentinelAlertRules,
  readSplunkSavedSearches,
  readWazuhRules,
  type SiemApiFormat,
  siemApiFormat,
} from './siem-api.js';
import { readElasticText } from './elastic.js';
import type { DetectionRule, RuleFormat, RuleProblem, RuleSet } from './model.js';
import { readModSecurityText } from './modsecurity.js';
import { readSigmaText } from './sigma-meta.js';
import { readSavedSearchesText, readSplunkYamlText } from './splunk.js';

const RULE_EXTENSIONS = new Set(['.yml', '.yaml', '.toml', '.conf']);

/**
 * Rule files below the given paths (an explicit file is always read); loops, devices and unreadable folders are
 * problems.
 */
function collectFiles(paths: string[], problems: RuleProblem[]): string[] {
  return walkFiles(paths, {
    includeFile: (name) => !name.startsWith('.') && RULE_EXTENSIONS.has(extname(name).toLowerCase()),
    onSkip: (path, reason) => problems.push({ path, error: reason }),
  });
}

/** Rule formats read from files (a SIEM's own rule API answers are JSON, read below). */
type FileFormat = Exclude<RuleFormat, 'wazuh' | 'sentinel'>;

/** Which reader a file needs; undefined for files that are not rules (e.g. CRS's crs-setup.conf data, README.yml). */
export function detectFormat(file: string, text: string): FileFormat | undefined {
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

function readText(format: FileFormat, text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
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

const SIEM_API_READERS: Record<SiemApiFormat, (text: string, file: string) => Omit<RuleSet, 'files'>> = {
  'kibana-rules': readKibanaRules,
  'splunk-saved-searches': readSplunkSavedSearches,
  'wazuh-rules': readWazuhRules,
  'sentinel-alert-rules': readSentinelAlertRules,
  'opensearch-security-analytics': readOpenSearchSecurityAnalytics,
};

export interface LoadOptions {
  /** Called after each file, for progress on large rule sets. */
  onFile?: (done: number, total: number) => void;
}

/**
 * Reads every rule under the given files and folders. Unreadable files are reported with the reason; the rest are used.
 */
export async function loadRules(paths: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  const problems: RuleProblem[] = [];
  const files = collectFiles(paths, problems);
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
        // Same refusals as every input: regular files only, under the size cap; never the content in the error.
        text = readInputText(file, { maxBytes: INPUT_LIMITS.yamlBytes });
      } catch (e) {
        results[i] = { rules: [], problems: [{ path: file, error: e instanceof InputError ? e.detail : String(e) }] };
        continue;
      }
      const format = detectFormat(file, text);
      // A SIEM's own rule list (its API answer, saved by a scan or exported by hand) is JSON.
      const api = !format && /^\s*\{/.test(text) ? siemApiFormat(text) : undefined;
      try {
        results[i] = format
          ? readText(format, text, file)
          : api
            ? SIEM_API_READERS[api](text, file)
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
