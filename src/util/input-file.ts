import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './input-error.js';

/**
 * Files a user or a client hands socready (inventory, playbooks, waivers, evidence, rules) are read whole. Each is read
 * through this one function: only a regular file (a device such as /dev/zero, a FIFO or a socket would block or never
 * end), only up to a stated size, and a symbolic link only where the caller allows it. Nothing of the file's content
 * ever appears in the error.
 */
export const INPUT_LIMITS = {
  /** YAML documents (inventory, questionnaire, waivers, playbooks, rules, scenarios): read and parsed whole. */
  yamlBytes: 16 * 1024 * 1024,
  /** JSON documents read whole (evidence files, CACAO playbooks); in a report.json, each top-level value or element. */
  jsonBytes: 256 * 1024 * 1024,
  /**
   * report.json, read value by value (src/util/read-json-streamed.ts): a fleet's report is larger than any one value
   * (5,000 replayed hosts: 812 MB, 486 MB with the check-text section); memory, not this cap, is the bound.
   */
  reportBytes: 4 * 1024 * 1024 * 1024,
} as const;

export interface ReadInputOptions {
  /** Refuse larger files before reading them. */
  maxBytes: number;
  /** false: a symbolic link is refused (evidence a client handed over must not point into the auditor's machine). */
  followSymlinks?: boolean;
  /** How the refusal names the option that allows a link, e.g. "--follow-symlinks". */
  symlinkFlag?: string;
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;
}

/** Why a file could not be opened, in words, from its error code (never the OS message, which may be localised). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words = code ? REASONS[code] : undefined;
  if (words) return `${words} (${code})`;
  return code ? `error ${code}` : String((e as Error).message ?? e);
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/**
 * Opens a regular file for reading under the size cap and link policy above; every refusal is an InputError. The
 * caller closes the descriptor.
 */
export function openInputFile(file: string, opts: ReadInputOptions): { fd: number; size: number } {
  const follow = opts.followSymlinks !== false;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: a link as the last component fails (ELOOP).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    if (!follow && (e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new InputError(
        file,
        `is a symbolic link: refused${opts.symlinkFlag ? ` (pass ${opts.symlinkFlag} to read it)` : ''}`,
      );
    }
    throw new InputError(file, `cannot read: ${fsReason(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(file, 'is a folder, not a file');
    if (!st.isFile()) throw new InputError(file, 'is not a regular file (a device, FIFO or socket): refused');
    if (st.size > opts.maxBytes)
      throw new InputError(file, `is ${mb(st.size)}, over the ${mb(opts.maxBytes)} limit for this input: refused`);
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads a regular file whole as bytes, with the size cap and link policy above; every refusal is an InputError. */
export function readInputBytes(file: string, opts: ReadInputOptions): Buffer {
  const { fd, size } = openInputFile(file, opts);
  try {
    // Read at most the cap plus one byte: a file growing while it is read cannot get past the limit either.
    const buf = Buffer.allocUnsafe(Math.min(size, opts.maxBytes) + 1);
    let got = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, got, buf.length - got, null);
      } catch (e) {
        throw new InputError(file, `cannot read: ${fsReason(e)}`);
      }
      if (n === 0) break;
      got += n;
      if (got === buf.length) {
        if (got > opts.maxBytes)
          throw new InputError(file, `is over the ${mb(opts.maxBytes)} limit for this input: refused`);
        break;
      }
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The same, as UTF-8 text without a byte-order mark. */
export function readInputText(file: string, opts: ReadInputOptions): string {
  return readInputBytes(file, opts)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** 1-based line and column of a character offset. */
function linePos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/**
 * JSON.parse with an error that names the file and the place, never the content: Node's own message quotes the text
 * around the fault (`Unexpected token 'r', "root:*:202"... is not valid JSON`), which would print a secret file.
 */
export function parseJsonText(text: string, file: string, what = 'JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = String((e as Error).message);
    const at = /at position (\d+)/.exec(msg);
    const pos = at ? linePos(text, Number(at[1])) : undefined;
    const detail = /end of JSON input|Unterminated/.test(msg)
      ? `invalid ${what}: it ends too early`
      : `invalid ${what}`;
    throw new InputError(file, detail, pos?.line, pos?.col);
  }
}
