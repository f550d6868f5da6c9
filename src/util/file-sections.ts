/**
 * The one reader of multi-file output in `==> path <==` sections (the format of `head` with many files), which glob
 * probes and the web configuration dumps both print.
 */

/** One file of a multi-file dump. */
export interface ConfigFile {
  path: string;
  text: string;
}

const HEADER = /^==> (.+) <==$/gm;

/** Splits `==> /path <==` sections; text before the first marker is returned as `preamble` (all of it when none). */
export function splitSections(output: string): { preamble: string; files: ConfigFile[] } {
  const files: ConfigFile[] = [];
  const re = new RegExp(HEADER);
  let last: { path: string; start: number } | undefined;
  let preamble = output;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    if (last) files.push({ path: last.path, text: output.slice(last.start, m.index) });
    else preamble = output.slice(0, m.index);
    last = { path: m[1]!, start: m.index + m[0].length + 1 };
  }
  if (last) files.push({ path: last.path, text: output.slice(last.start) });
  return { preamble, files };
}

/** A glob probe's output as files: the probe prints one newline after each file's content, which is not the file's. */
export function splitGlobOutput(stdout: string): { path: string; content: string }[] {
  return splitSections(stdout).files.map((f) => ({ path: f.path, content: f.text.replace(/\n$/, '') }));
}
