import { TextDecoder } from 'node:util';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes probe output: UTF-8 when it is valid, else latin1 so that every byte survives the trip into evidence. */
export function decodeOutput(bytes: Buffer): { text: string; binary: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), binary: false };
  } catch {
    return { text: bytes.toString('latin1'), binary: true };
  }
}

/** Collects chunks up to a byte cap, keeping the head (or the tail) and remembering that something was cut. */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly keepTail = false,
  ) {}

  push(chunk: Buffer): void {
    if (this.keepTail) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      while (this.size > this.cap && this.chunks.length > 0) {
        const excess = this.size - this.cap;
        const first = this.chunks[0]!;
        this.truncated = true;
        if (first.length <= excess) {
          this.chunks.shift();
          this.size -= first.length;
        } else {
          this.chunks[0] = first.subarray(excess);
          this.size -= excess;
        }
      }
      return;
    }
    if (this.size >= this.cap) {
      this.truncated = true;
      return;
    }
    const room = this.cap - this.size;
    if (chunk.length > room) {
      this.truncated = true;
      chunk = chunk.subarray(0, room);
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  get full(): boolean {
    return !this.keepTail && this.size >= this.cap;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Windows code pages that the WHATWG decoders in Node know, by number (`chcp`, `[Console]::OutputEncoding.CodePage`).
 */
const CODE_PAGE_LABELS: Record<number, string> = {
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  866: 'ibm866',
  874: 'windows-874',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  20932: 'euc-jp',
  51932: 'euc-jp',
  54936: 'gb18030',
  65001: 'utf-8',
  1200: 'utf-16le',
  1201: 'utf-16be',
};

/** How a Windows program's output was turned into text, or why it could not be. */
export interface DecodedWindowsText {
  text: string;
  /** The encoding that read it (`utf-8`, `utf-16le`, `shift_jis`, ...), or `latin1` when nothing could. */
  encoding: string;
  /** Set when no encoding read the bytes as text: the reason, in words; `text` then holds the bytes as latin1. */
  undecodable?: string;
}

function strict(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * UTF-16LE without a byte-order mark (what some Windows tools write when redirected): mostly ASCII text, so nearly
 * every odd byte is zero and nearly no even byte is.
 */
function looksUtf16le(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  let oddZero = 0;
  let evenZero = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = bytes.length / 2;
  return oddZero / pairs > 0.5 && evenZero / pairs < 0.05;
}

/**
 * Decodes the output of a Windows program as it was stored (a console redirect, a collector's raw bytes): by its
 * byte-order mark (UTF-8, UTF-16LE, UTF-16BE), then UTF-16LE without a mark, then valid UTF-8, then each console code
 * page the collector recorded, then Shift_JIS/CP932 (a Japanese cmd.exe `> file`). Text that none of them reads is
 * reported as undecodable with the reason, so a parser never decides on mojibake.
 */
export function decodeWindowsOutput(bytes: Uint8Array, codePages: readonly number[] = []): DecodedWindowsText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = strict('utf-8', bytes.subarray(3));
    if (text !== undefined) return { text, encoding: 'utf-8' };
  } else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = strict('utf-16le', bytes.subarray(2));
    if (text !== undefined) return { text, encoding: 'utf-16le' };
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = strict('utf-16be', bytes.subarray(2));
    if (text !== undefined) return { text, encoding: 'utf-16be' };
  }
  if (looksUtf16le(bytes)) {
    const text = strict('utf-16le', bytes);
    if (text !== undefined) return { text, encoding: 'utf-16le' };
  }
  const utf8 = strict('utf-8', bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  const tried = ['UTF-8'];
  const unknown: number[] = [];
  for (const cp of [...new Set(codePages)]) {
    const label = CODE_PAGE_LABELS[cp];
    if (!label) {
      unknown.push(cp);
      continue;
    }
    const text = strict(label, bytes);
    if (text !== undefined) return { text, encoding: label };
    tried.push(`code page ${cp}`);
  }
  if (!codePages.includes(932)) {
    const sjis = strict('shift_jis', bytes);
    if (sjis !== undefined) return { text: sjis, encoding: 'shift_jis' };
    tried.push('Shift_JIS (CP932)');
  }
  const unknownNote = unknown.length > 0 ? `; recorded code page ${unknown.join(', ')} has no decoder here` : '';
  return {
    text: Buffer.from(bytes).toString('latin1'),
    encoding: 'latin1',
    undecodable: `the output is not text in ${tried.join(', ')}${unknownNote}`,
  };
}
