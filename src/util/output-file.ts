import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './input-error.js';
import { fsReason } from './input-file.js';

export interface WriteOutputOptions {
  /** File mode of a new file (reports with evidence: 0o640; evidence: 0o600). */
  mode?: number;
  /**
   * Flush to disk before the rename (default). Off for the many small evidence files of a run, which no later run
   * reads.
   */
  durable?: boolean;
}

/** A folder for outputs, created with its parents; a failure names the folder and the reason (exit 2). */
export function ensureOutputDir(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { recursive: true, ...(mode ? { mode } : {}) });
  } catch (e) {
    // mkdir -p answers EEXIST when a regular file sits where a folder of the path should be.
    const reason =
      (e as NodeJS.ErrnoException).code === 'EEXIST' ? 'a file is in the way of a folder of the path' : fsReason(e);
    throw new InputError(dir, `cannot create the output folder: ${reason}`);
  }
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new InputError(dir, `cannot create the output folder: ${fsReason(e)}`);
  }
  if (!st.isDirectory())
    throw new InputError(dir, 'cannot create the output folder: a file of that name is in the way');
}

function writeAll(fd: number, data: Uint8Array | Iterable<string>): void {
  if (data instanceof Uint8Array) {
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    return;
  }
  // Pieces (a large report streamed by jsonPieces) are written in batches of about 1 MiB, never joined whole.
  let batch: string[] = [];
  let len = 0;
  const flush = () => {
    if (len) writeAll(fd, Buffer.from(batch.join(''), 'utf8'));
    batch = [];
    len = 0;
  };
  for (const piece of data) {
    batch.push(piece);
    len += piece.length;
    if (len >= 1 << 20) flush();
  }
  flush();
}

/**
 * THE way socready writes a file the user asked for (report, layer, PDF, run folder files, init's starter files):
 * missing parent folders are created; the bytes go to a temporary file in the same folder, which is renamed over the
 * target only once completely written and flushed, so a full disk or an interrupted run never leaves a half-written
 * report that a later `trend` or `diff` would read. Any failure is an InputError naming the path and the reason
 * (exit 2), and the temporary file is removed. A target that exists and is not a regular file (/dev/stdout, a FIFO,
 * /dev/full) is written directly: renaming over a device would replace it. `data` may be an iterable of string pieces
 * (written one batch at a time) for documents too large to hold as one string.
 */
export function writeOutputFile(
  path: string,
  data: string | Uint8Array | Iterable<string>,
  opts: WriteOutputOptions = {},
): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new InputError(path, 'cannot write: it is a folder (give a file name)');
  if (existing && !existing.isFile()) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w');
      writeAll(fd, bytes);
    } catch (e) {
      throw new InputError(path, `cannot write: ${fsReason(e)}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return;
  }
  const dir = dirname(path);
  try {
    ensureOutputDir(dir);
  } catch (e) {
    throw new InputError(path, `cannot write: ${(e as InputError).detail} (${dir})`);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Replacing a file keeps its permissions (a user's chmod 600 survives a re-render), never looser than asked for.
  const kept = existing ? existing.mode & 0o777 : undefined;
  const mode = kept === undefined ? (opts.mode ?? 0o644) : opts.mode === undefined ? kept : opts.mode & kept;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    if (kept !== undefined) fchmodSync(fd, mode);
    writeAll(fd, bytes);
    if (opts.durable !== false) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new InputError(path, `cannot write: ${fsReason(e)}`);
  }
}
