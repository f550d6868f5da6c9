// Worker threads for the Sigma engine. The main thread reads (and gunzips) the files and hands NDJSON lines out in
// batches of about a megabyte, one message per batch; each worker holds its own compiled engine (built from
// the same rule paths) and answers, per batch, the reader's counts and which detection rules each line raised. The
// main thread merges the answers in input order: it re-reads only the lines that matched and reports them through
// its own engine, so correlation rules see the same matches in the same order as on one thread.
import { Worker } from 'node:worker_threads';
import type { SigmaEngine } from './engine.js';

/** What a worker is started with: rule sources, never functions. */
export interface PoolWorkerData {
  rulePaths: string[];
  placeholders?: Record<string, string[]>;
  /** The main thread's rule list (ruleSignature), so both sides agree on what a rule position means. */
  signature: string;
}

export interface BatchRequest {
  seq: number;
  /** The batch's lines: one message per batch, cloned by V8's serializer (see `submit`). */
  lines: string[];
  /** Positions of lines past the record limit (sent empty). */
  tooLong: number[];
}

export interface BatchResult {
  seq: number;
  events: number;
  untimed: number;
  timeMin?: number;
  timeMax?: number;
  skipped: number;
  /** The batch's first skipped lines: [position in the batch, reason]. */
  problems: [number, string][];
  /** Int32 triples and more: position of a matching line, how many rules it raised, their positions in detections. */
  matches: ArrayBuffer;
}

/** One line per detection rule (file, document, id): equal on both sides when they compiled the same rules. */
export function ruleSignature(engine: SigmaEngine): string {
  return engine.detections.map((r) => `${r.path}#${r.doc}#${r.id}`).join('\n');
}

interface Slot {
  worker: Worker;
  waiting: Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>;
}

/**
 * The worker of this module's own format: the built .js next to it, or under tsx/vitest the .ts source, loaded
 * through tsx's loader (registered inside the worker, which does not inherit the parent's loader hooks).
 */
function spawn(data: PoolWorkerData): Worker {
  const self = import.meta.url;
  const ts = /\.ts$/.test(new URL(self).pathname);
  const entry = new URL(`./pool-worker.${ts ? 'ts' : 'js'}`, self);
  if (!ts) return new Worker(entry, { workerData: data });
  const boot =
    "import('tsx/esm/api').then((m) => { m.register(); return " + `import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

export class MatchPool {
  private seq = 0;
  private failure: Error | undefined;

  private constructor(private readonly slots: Slot[]) {}

  /** Worker threads in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /** Starts `size` workers and waits until each has compiled the rules. */
  static async start(
    size: number,
    engine: SigmaEngine,
    rulePaths: string[],
    placeholders?: Record<string, string[]>,
  ): Promise<MatchPool> {
    const data: PoolWorkerData = {
      rulePaths,
      signature: ruleSignature(engine),
      ...(placeholders ? { placeholders } : {}),
    };
    const slots: Slot[] = [];
    const pool = new MatchPool(slots);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: spawn(data), waiting: new Map() };
      slots.push(slot);
      ready.push(pool.watch(slot));
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Resolves when the worker is ready; afterwards routes its answers, and fails everything it owed if it dies. */
  private watch(slot: Slot): Promise<void> {
    return new Promise((ready, failed) => {
      const fail = (e: Error) => {
        this.failure ??= e;
        failed(e);
        for (const w of slot.waiting.values()) w.reject(e);
        slot.waiting.clear();
      };
      slot.worker.on('message', (m: BatchResult | { ready: true } | { seq: number; error: string }) => {
        if ('ready' in m) return ready();
        const w = slot.waiting.get(m.seq);
        slot.waiting.delete(m.seq);
        if ('error' in m) w?.reject(new Error(`Sigma worker thread: ${m.error}`));
        else w?.resolve(m);
      });
      slot.worker.on('error', (e) => fail(new Error(`Sigma worker thread failed: ${e.stack ?? e.message}`)));
      slot.worker.on('exit', (code) => fail(new Error(`Sigma worker thread exited (code ${code})`)));
    });
  }

  /** Sends a batch to the least busy worker; the answer comes back in its own promise (await them in order). */
  submit(lines: string[], tooLong: number[]): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.waiting.size < slot.waiting.size) slot = s;
    const seq = this.seq++;
    const answer = new Promise<BatchResult>((resolve, reject) => slot.waiting.set(seq, { resolve, reject }));
    // Awaited later, in input order; a failure meanwhile must not count as unhandled.
    answer.catch(() => undefined);
    // The array is cloned whole (V8 copies each string's bytes as they are): measured about 5 times cheaper than a
    // transferred UTF-8 buffer (1.3 against 6.5 us a line on the bench's lines), whose encoding and decoding cost
    // about as much as parsing, and where one non-ASCII line made the decoded batch a two-byte string.
    const req: BatchRequest = { seq, lines, tooLong };
    slot.worker.postMessage(req);
    return answer;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the Sigma worker pool is closed');
    for (const s of this.slots) s.worker.removeAllListeners('exit');
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
