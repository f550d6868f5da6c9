// Sigma engine throughput: every rule of ../shared/sigma/rules against N events (default 1,000,000) built from the
// SigmaHQ regression samples (true positives) and synthetic benign Sysmon/Security events, as NDJSON lines.
// Prints events/s for the engine (JSON.parse + routing + matching), the JSON.parse-only rate on the same lines, their
// ratio (by wall clock and by CPU time), peak memory, the rate with 2 bare worker threads, and the product's own path
// (streamEvents over an NDJSON file, on one thread and through the worker pool of --workers 2) with its speedup.
// The load average is printed: on a shared machine wall-clock figures mean little. Run: npx tsx bench/sigma.ts [events]
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism as availableCores, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { streamEvents } from '../src/detect/run.js';
import { SigmaEngine } from '../src/sigma/engine.js';
import { newStats } from '../src/sigma/events/reader.js';
import { MatchPool } from '../src/sigma/pool.js';
import { wrapJson } from '../src/sigma/events/json.js';
import { loadRules } from '../src/sigma/loader.js';
import { SHARED_DIR } from '../test/helpers/paths.js';

const SIGMA = join(SHARED_DIR, 'sigma');
const N = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 1_000_000);
if (!Number.isInteger(N) || N < 1) {
  console.error('usage: npx tsx bench/sigma.ts [events, a positive integer; default 1000000 or BENCH_EVENTS]');
  process.exit(2);
}
const POOL = 20_000;
/** Lines of the NDJSON file the product path reads (a temporary file of about a kilobyte per line). */
const FILE_EVENTS = Number(process.env.BENCH_FILE_EVENTS ?? Math.min(N, 300_000));

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** CPU time (user + system, all threads of the process) in milliseconds. */
const cpuMs = (from?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};

function splitDocs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  let esc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === '\\') esc = true;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(text.slice(start, i + 1));
  }
  return out;
}

function regressionEvents(): object[] {
  const out: object[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) for (const doc of splitDocs(readFileSync(p, 'utf8'))) out.push(JSON.parse(doc));
    }
  };
  walk(join(SIGMA, 'regression_data'));
  return out;
}

// Deterministic pseudo-random numbers, so every run sees the same input.
let seed = 42;
const rnd = () => {
  // Math.imul keeps the product in 32 bits: a plain multiply loses precision above 2^53 and repeats values.
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16))
    .join('')
    .toUpperCase();

const BENIGN_PROCS = [
  [
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    'C:\\Windows\\System32\\services.exe',
  ],
  [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --renderer-client-id=12',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ],
  ['C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', 'C:\\Windows\\System32\\userinit.exe'],
  [
    'C:\\Windows\\System32\\conhost.exe',
    '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    'C:\\Windows\\System32\\cmd.exe',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\alice\\Documents\\report.docx"',
    'C:\\Windows\\explorer.exe',
  ],
  [
    'C:\\Windows\\System32\\backgroundTaskHost.exe',
    '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider',
    'C:\\Windows\\System32\\svchost.exe',
  ],
  [
    'C:\\Program Files\\Microsoft VS Code\\Code.exe',
    '"C:\\Program Files\\Microsoft VS Code\\Code.exe" --type=utility --utility-sub-type=node.mojom.NodeService',
    'C:\\Program Files\\Microsoft VS Code\\Code.exe',
  ],
  [
    'C:\\Windows\\System32\\SearchProtocolHost.exe',
    '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_ ' +
      'Global\\UsGthrCtrlFltPipeMssGthrPipe1',
    'C:\\Windows\\System32\\SearchIndexer.exe',
  ],
];

function sysmon(eventId: number, data: Record<string, unknown>) {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
        EventID: eventId,
        Version: 5,
        Level: 4,
        TimeCreated: {
          '#attributes': { SystemTime: new Date(1_780_000_000_000 + Math.floor(rnd() * 86_400_000)).toISOString() },
        },
        EventRecordID: Math.floor(rnd() * 1e6),
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: pick(['ws-001.corp.local', 'ws-002.corp.local', 'srv-db.corp.local']),
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: {
        RuleName: '-',
        UtcTime: '2026-06-01 10:00:00.000',
        ProcessGuid: `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`,
        ProcessId: Math.floor(rnd() * 9000),
        ...data,
      },
    },
  };
}

function benign(): object {
  const [image, cmd, parent] = pick(BENIGN_PROCS);
  const user = pick(['CORP\\alice', 'CORP\\bob', 'NT AUTHORITY\\SYSTEM']);
  const r = rnd();
  if (r < 0.55) {
    return sysmon(1, {
      Image: image,
      FileVersion: '10.0.19041.1',
      Description: 'Windows host process',
      Product: 'Microsoft Windows Operating System',
      Company: 'Microsoft Corporation',
      OriginalFileName: image!.split('\\').pop(),
      CommandLine: cmd,
      CurrentDirectory: 'C:\\Windows\\system32\\',
      User: user,
      LogonGuid: `{${hex(8)}}`,
      LogonId: `0x${hex(6)}`,
      TerminalSessionId: 1,
      IntegrityLevel: 'Medium',
      Hashes: `SHA256=${hex(64)},IMPHASH=${hex(32)}`,
      ParentProcessGuid: `{${hex(8)}}`,
      ParentProcessId: 4242,
      ParentImage: parent,
      ParentCommandLine: parent,
      ParentUser: user,
    });
  }
  if (r < 0.7)
    return sysmon(11, {
      Image: image,
      TargetFilename: `C:\\Users\\alice\\AppData\\Local\\Temp\\${hex(8)}.tmp`,
      CreationUtcTime: '2026-06-01 10:00:00.000',
      User: user,
    });
  if (r < 0.82)
    return sysmon(13, {
      EventType: 'SetValue',
      Image: image,
      TargetObject: `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\${hex(6)}`,
      Details: 'DWORD (0x00000001)',
      User: user,
    });
  if (r < 0.9)
    return sysmon(7, {
      Image: image,
      ImageLoaded: 'C:\\Windows\\System32\\kernel32.dll',
      FileVersion: '10.0',
      Signed: 'true',
      Signature: 'Microsoft Windows',
      SignatureStatus: 'Valid',
      User: user,
    });
  if (r < 0.96)
    return sysmon(3, {
      Image: image,
      User: user,
      Protocol: 'tcp',
      Initiated: 'true',
      SourceIp: '10.0.0.5',
      SourcePort: 50000,
      DestinationIp: '142.250.74.46',
      DestinationHostname: 'www.google.com',
      DestinationPort: 443,
    });
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
        EventID: 4624,
        Channel: 'Security',
        Computer: 'dc01.corp.local',
        TimeCreated: { '#attributes': { SystemTime: '2026-06-01T10:00:00Z' } },
      },
      EventData: {
        TargetUserName: 'alice',
        TargetDomainName: 'CORP',
        LogonType: 3,
        IpAddress: '10.0.0.7',
        WorkstationName: 'WS-001',
        AuthenticationPackageName: 'Kerberos',
      },
    },
  };
}

function buildPool(): string[] {
  const tps = regressionEvents().map((e) => JSON.stringify(e));
  const pool: string[] = [];
  for (let i = 0; i < POOL; i++) pool.push(i % 50 === 0 ? tps[(i / 50) % tps.length]! : JSON.stringify(benign()));
  return pool;
}

function runEngine(engine: SigmaEngine, pool: string[], n: number): number {
  let matches = 0;
  const onMatch = () => {
    matches++;
  };
  for (let i = 0; i < n; i++) {
    const ev = wrapJson(JSON.parse(pool[i % pool.length]!));
    if (ev) engine.process(ev, onMatch);
  }
  engine.flush(onMatch);
  return matches;
}

const RULES = [join(SIGMA, 'rules')];

/**
 * What bounds the engine/parse-only ratio, by CPU time in this process: (a) JSON.parse + routing + reading, without
 * looking at their characters, every value the prefilter of the event's bucket must read (its fields, and every other
 * value where a keyword rule applies): no engine that parses each line can do less; (b) a bare JavaScript loop over
 * every character of each line against JSON.parse, per character. The engine's own line shows what matching adds.
 */
function floors(engine: SigmaEngine, pool: string[]): void {
  const n = Math.min(N, 200_000);
  let sink = 0;
  const visit = (v: unknown) => {
    sink += typeof v === 'string' ? v.length : v === undefined ? 0 : 1;
  };
  const timed = (f: (line: string) => void) => {
    const c = process.cpuUsage();
    for (let i = 0; i < n; i++) f(pool[i % pool.length]!);
    return cpuMs(c);
  };
  const parse = () =>
    timed((line) => {
      sink += (JSON.parse(line) as { Event?: object }).Event ? 1 : 0;
    });
  const reads = () =>
    timed((line) => {
      const ev = wrapJson(JSON.parse(line));
      if (!ev) return;
      const { fields, everyValue } = engine.prefilterReads(ev.logsource);
      for (const f of fields) visit(ev.get(f));
      if (everyValue) {
        const record = ev.valueRecord?.();
        if (record) for (const k of Object.keys(record)) visit(record[k]);
        else for (const v of ev.values()) visit(v);
      }
    });
  const chars = () =>
    timed((line) => {
      for (let i = 0; i < line.length; i++) sink += line.charCodeAt(i) & 1;
    });
  parse(); // warm-up
  reads();
  chars();
  const p = parse();
  const r = reads();
  const c = chars();
  const perChar = (ms: number) =>
    ((ms * 1e6) / (n * (pool.reduce((s, l) => s + l.length, 0) / pool.length))).toFixed(2);
  console.log(
    `floor, parse + route + read what the prefilter reads (no matching): ratio ${(p / r).toFixed(2)} of ` +
      `parse-only by CPU time; a bare loop over each line's characters: ${perChar(c)} ns/char against ` +
      `JSON.parse's ${perChar(p)} ns/char (${sink > 0 ? 'ok' : 'empty'})`,
  );
}

function loadEngine(): { engine: SigmaEngine; rules: number; failed: number; ms: number } {
  const t = performance.now();
  const loaded = loadRules(RULES);
  const engine = new SigmaEngine(loaded.rules);
  return { engine, rules: engine.detections.length, failed: loaded.failures.length, ms: performance.now() - t };
}

if (!isMainThread) {
  const { n } = workerData as { n: number };
  const { engine } = loadEngine();
  const pool = buildPool();
  runEngine(engine, pool, 50_000); // same warm-up as the single-thread run
  engine.reset();
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    const t = performance.now();
    const matches = runEngine(engine, pool, n);
    parentPort!.postMessage({ ms: performance.now() - t, matches });
  });
} else if (process.env.BENCH_DUMP_POOL) {
  // For profiling outside this script: the same event lines, as a JSON array.
  writeFileSync(process.env.BENCH_DUMP_POOL, JSON.stringify(buildPool()));
} else {
  let peakRss = 0;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const timer = setInterval(sample, 50);
  const { engine, rules, failed, ms: loadMs } = loadEngine();
  const pool = buildPool();
  const bytes = pool.reduce((s, l) => s + l.length, 0) / pool.length;
  console.log(
    `rules: ${rules} loaded (${failed} failed) in ${(loadMs / 1000).toFixed(1)} s; events: ` +
      `${N.toLocaleString('en')} (pool of ${POOL.toLocaleString('en')} distinct lines, avg ` +
      `${Math.round(bytes)} chars, 2% true positives)`,
  );

  // Warm-up on both paths, so JIT and lazy bucket building do not count.
  runEngine(engine, pool, 50_000);
  let sink = 0;
  console.log(`load average (1, 5, 15 min) before: ${load()} on ${availableCores()} cores`);
  let t = performance.now();
  let cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) sink += (JSON.parse(pool[i % pool.length]!) as { Event: object }).Event ? 1 : 0;
  const parseMs = performance.now() - t;
  const parseCpu = cpuMs(cpu);
  sample();
  t = performance.now();
  cpu = process.cpuUsage();
  const matches = runEngine(engine, pool, N);
  const engineMs = performance.now() - t;
  const engineCpu = cpuMs(cpu);
  sample();
  const parseRate = N / (parseMs / 1000);
  const engineRate = N / (engineMs / 1000);
  console.log(
    `JSON.parse only:         ${Math.round(parseRate).toLocaleString('en')} events/s ` +
      `(${sink === N ? 'ok' : 'mismatch'})`,
  );
  console.log(
    `engine, 1 thread:        ${Math.round(engineRate).toLocaleString('en')} events/s, ` +
      `${matches.toLocaleString('en')} matches`,
  );
  console.log(
    `ratio engine/parse-only: ${(engineRate / parseRate).toFixed(2)} by wall clock, ` +
      `${(parseCpu / engineCpu).toFixed(2)} by CPU time (process.cpuUsage: ${Math.round(parseCpu)} ms parsing, ` +
      `${Math.round(engineCpu)} ms engine)`,
  );
  for (const b of engine
    .stats()
    .buckets.sort((a, b) => b.rules - a.rules)
    .slice(0, 4)) {
    console.log(`  bucket ${b.key}: ${b.rules} rules, ${b.always} without literal hints`);
  }
  floors(engine, pool);
  clearInterval(timer);
  console.log(`peak RSS (1 thread):     ${Math.round(peakRss / 1048576)} MiB`);

  // Two worker threads, each with its own engine and half the events.
  // Workers load this same TypeScript file through tsx's loader.
  const boot =
    "import('tsx/esm/api').then((m) => { m.register(); return " + `import(${JSON.stringify(import.meta.url)}); })`;
  const workers = [0, 1].map(() => new Worker(boot, { eval: true, workerData: { n: Math.floor(N / 2) } }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  t = performance.now();
  for (const w of workers) w.postMessage('go');
  const results = (await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))))) as {
    ms: number;
    matches: number;
  }[];
  const wall = performance.now() - t;
  console.log(
    `engine, 2 worker threads: ${Math.round(N / (wall / 1000)).toLocaleString('en')} events/s, ` +
      `${results.reduce((s, r) => s + r.matches, 0).toLocaleString('en')} matches`,
  );
  await Promise.all(workers.map((w) => w.terminate()));

  // The product's path: `socready detect --events file.jsonl` reads, splits and merges on the main thread; with
  // --workers 2 the worker pool parses and matches. Rule compilation in the workers is not timed (it is once per run).
  const dir = mkdtempSync(join(tmpdir(), 'bench-sigma-'));
  try {
    const file = join(dir, 'events.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < FILE_EVENTS; i++) lines.push(pool[i % pool.length]!);
    writeFileSync(file, `${lines.join('\n')}\n`);
    lines.length = 0;
    const warm = join(dir, 'warm.jsonl');
    writeFileSync(warm, `${[...pool, ...pool, ...pool, ...pool].join('\n')}\n`);
    const viaProduct = async (matchPool?: MatchPool, input = file) => {
      engine.reset();
      let n = 0;
      const stats = newStats();
      const start = performance.now();
      const c = process.cpuUsage();
      await streamEvents(engine, [input], stats, () => n++, undefined, matchPool ? { pool: matchPool } : {});
      return { ms: performance.now() - start, cpu: cpuMs(c), matches: n, events: stats.events };
    };
    // Both paths are warmed on the same 80,000 lines first (each worker builds its buckets' prefilters lazily and
    // JIT-compiles on its own; a short warm-up left the pool measuring its own start-up).
    await viaProduct(undefined, warm);
    const single = await viaProduct();
    const matchPool = await MatchPool.start(2, engine, RULES);
    let pooled: Awaited<ReturnType<typeof viaProduct>>;
    try {
      await viaProduct(matchPool, warm);
      pooled = await viaProduct(matchPool);
    } finally {
      await matchPool.close();
    }
    const rate = (r: { ms: number; events: number }) => r.events / (r.ms / 1000);
    console.log(
      `product path (streamEvents over a ${FILE_EVENTS.toLocaleString('en')}-line NDJSON file), 1 thread: ` +
        `${Math.round(rate(single)).toLocaleString('en')} events/s, ${single.matches.toLocaleString('en')} matches, ` +
        `${Math.round(single.cpu)} ms CPU`,
    );
    console.log(
      `product path, worker pool of 2:  ${Math.round(rate(pooled)).toLocaleString('en')} events/s, ` +
        `${pooled.matches.toLocaleString('en')} matches${pooled.matches === single.matches ? '' : ' (MISMATCH)'}, ` +
        `${Math.round(pooled.cpu)} ms CPU (all threads); speedup over 1 thread: ` +
        `${(rate(pooled) / rate(single)).toFixed(2)}x by wall clock; CPU-bound bound on 2 idle cores: ` +
        `${((2 * single.cpu) / pooled.cpu).toFixed(2)}x (2 x CPU of 1 thread / CPU of the pool)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `load average (1, 5, 15 min) after:  ${load()} on ${availableCores()} cores. This machine is shared by ` +
      'several agents (load 15-28 seen): wall-clock rates and the speedup are lower bounds; re-measure when idle.',
  );
}
