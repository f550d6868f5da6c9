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
