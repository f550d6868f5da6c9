import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProbeDef } from '../checks/types.js';
import type { TransportError } from '../model.js';
import { decodeOutput, decodeWindowsOutput } from '../transport/decode.js';
import { classifyFinished, failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult } from '../transport/types.js';
import { INPUT_LIMITS, parseJsonText, readInputText } from '../util/input-file.js';
import { compileSchema, InputError, validateValue } from '../util/validate.js';
import { globPermission, type ProbeSource } from './source.js';

/** The file socready's own collection script writes on a host that cannot be reached remotely. */
export interface OfflineEvidenceFile {
  format: 'socready-evidence';
  version: 1;
  platform: 'linux' | 'windows';
  collected_at: string;
  /**
   * Windows: the code pages of the collecting session (console output, OEM as `chcp` shows it, ANSI), so raw program
   * output stored as bytes is read in the encoding it was written in.
   */
  host: {
    hostname?: string;
    os?: string;
    kernel?: string;
    console_code_page?: number;
    oem_code_page?: number;
    ansi_code_page?: number;
  };
  /** Database servers the script also read on this host (collect-script --database): each becomes a database target. */
  databases?: ('postgresql' | 'mariadb' | 'mysql' | 'mssql')[];
  probes: Record<
    string,
    {
      kind: 'command' | 'file' | 'glob';
      what: string;
      exit_code: number | null;
      stdout_b64: string;
      stderr_b64?: string;
      truncated?: boolean;
      duration_ms?: number;
      error?: TransportError;
    }
  >;
}

const schema = {
  type: 'object',
  required: ['format', 'version', 'platform', 'probes', 'host'],
  properties: {
    format: { const: 'socready-evidence' },
    version: { const: 1 },
    platform: { enum: ['linux', 'windows'] },
    collected_at: { type: 'string' },
    host: {
      type: 'object',
      properties: {
        hostname: { type: 'string' },
        os: { type: 'string' },
        kernel: { type: 'string' },
        console_code_page: { type: 'integer', minimum: 0, maximum: 65535 },
        oem_code_page: { type: 'integer', minimum: 0, maximum: 65535 },
        ansi_code_page: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    databases: { type: 'array', items: { enum: ['postgresql', 'mariadb', 'mysql', 'mssql'] } },
    probes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['kind', 'exit_code', 'stdout_b64'],
        properties: {
          kind: { enum: ['command', 'file', 'glob'] },
          what: { type: 'string' },
          exit_code: { type: ['integer', 'null'] },
          stdout_b64: { type: 'string' },
          stderr_b64: { type: 'string' },
          truncated: { type: 'boolean' },
          duration_ms: { type: ['number', 'null'] },
          error: {
            type: 'object',
            required: ['kind', 'message'],
            properties: { kind: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const CODE_PAGE_KEYS = ['console_code_page', 'oem_code_page', 'ansi_code_page'] as const;

/** The code pages a Windows collector recorded, the console's first (what a `> file` redirect writes). */
export function recordedCodePages(host: OfflineEvidenceFile['host']): number[] {
  return CODE_PAGE_KEYS.map((k) => host[k]).filter((cp): cp is number => typeof cp === 'number' && cp > 0);
}

/** The Windows script writes the PowerShell collection document as-is; it becomes the common form here. */
function fromCollection(json: Record<string, unknown>, file: string): Record<string, unknown> {
  const collection = json.collection as
    | { host?: Record<string, unknown>; probes?: Record<string, Record<string, unknown>> }
    | undefined;
  if (
    !collection ||
    typeof collection !== 'object' ||
    typeof collection.probes !== 'object' ||
    collection.probes === null
  ) {
    throw new InputError(
      file,
      'missing required field "probes" (or "collection.probes")',
      undefined,
      undefined,
      'probes',
    );
  }
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : '', 'utf8').toString('base64');
  const { collection: _c, ...rest } = json;
  return {
    ...rest,
    host: {
      hostname: String(collection.host?.hostname ?? ''),
      os: String(collection.host?.os ?? ''),
      ...Object.fromEntries(
        CODE_PAGE_KEYS.filter((k) => Number.isInteger(collection.host?.[k])).map((k) => [k, collection.host![k]]),
      ),
    },
    probes: Object.fromEntries(
      Object.entries(collection.probes).map(([id, p]) => [
        id,
        {
          kind: 'command',
          what: id,
          exit_code: typeof p.exit_code === 'number' ? p.exit_code : null,
          stdout_b64: b64(p.stdout),
          stderr_b64: b64(p.stderr),
          truncated: p.truncated === true,
          duration_ms: typeof p.duration_ms === 'number' ? p.duration_ms : 0,
          ...(p.error ? { error: p.error } : {}),
        },
      ]),
    ),
  };
}

export interface EvidenceReadOptions {
  /** Read an evidence file that is a symbolic link (refused by default: it may point anywhere on this machine). */
  followSymlinks?: boolean;
}

/** An evidence file parsed (size limit and link policy applied), a collection-script file turned into probes. */
function evidenceJson(file: string, opts: EvidenceReadOptions): unknown {
  const text = readInputText(file, {
    maxBytes: INPUT_LIMITS.jsonBytes,
    followSymlinks: Boolean(opts.followSymlinks),
    symlinkFlag: '--follow-symlinks',
  });
  const json = parseJsonText(text, file, 'JSON (not a socready evidence file)');
  return json && typeof json === 'object' && 'collection' in json && !('probes' in json)
    ? fromCollection(json as Record<string, unknown>, file)
    : json;
}

export function readOfflineEvidence(file: string, opts: EvidenceReadOptions = {}): OfflineEvidenceFile {
  const json = evidenceJson(file, opts);
  return validateValue<OfflineEvidenceFile>(json, compileSchema(schema), file);
}

/** What planning needs of an evidence file: everything but its probes. */
export type EvidenceHeader = Pick<OfflineEvidenceFile, 'platform' | 'host' | 'databases'>;

const { probes: _probes, ...headerProperties } = schema.properties;
const headerSchema = { ...schema, required: ['format', 'version', 'platform', 'host'], properties: headerProperties };

/**
 * The header of an evidence file (format, platform, host, databases): what planning needs of every file of the estate,
 * its probes neither validated nor decoded (they are checked when the file is replayed). Parsed whole by the native
 * JSON parser: measured on 5,000 files of 32 KB, that costs a tenth of a byte-level scan that stops at the probes.
 * The same limits and link policy as readOfflineEvidence.
 */
export function readEvidenceHeader(file: string, opts: EvidenceReadOptions = {}): EvidenceHeader {
  const json = evidenceJson(file, opts);
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return validateValue<EvidenceHeader>(json, compileSchema(headerSchema), file);
  const { format, version, platform, host, databases } = json as Record<string, unknown>;
  return validateValue<EvidenceHeader>(
    { format, version, platform, host, ...(databases === undefined ? {} : { databases }) },
    compileSchema(headerSchema),
    file,
  );
}

/** Evidence files in a folder (or one file), one per host. */
export function listEvidenceFiles(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(path, 'no such file or folder');
  }
  if (!isDir) return [path];
  return readdirSync(path)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(path, n));
}

/** A safe target id from the host name, else the file name: no control characters, path separators or dot-names. */
export function evidenceTargetId(file: string, data: Pick<OfflineEvidenceFile, 'host'>): string {
  const name = data.host.hostname?.trim();
  if (name && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return name.slice(0, 120);
  const fromFile = basename(file, '.json')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 120);
  return fromFile || 'host';
}

/** Replays an offline evidence file through the same catalog as a live scan. */
export class EvidenceProbeSource implements ProbeSource {
  readonly label = 'evidence';
  private data: OfflineEvidenceFile | undefined;

  /**
   * options.product: replay only that database product's probes (a database target read from its host's evidence file).
   */
  constructor(
    private readonly file: string,
    private readonly options: EvidenceReadOptions & { product?: string; platform?: 'linux' | 'windows' } = {},
  ) {}

  /** A host replays every probe but live ones; a database target only its product's database probes. */
  plans(probe: ProbeDef): boolean {
    if (probe.kind === 'live' || probe.platform === 'export') return false;
    if (this.options.product === undefined) return probe.platform !== 'database';
    return probe.platform === 'database' && (probe.products ?? []).includes(this.options.product);
  }

  async open(): Promise<TransportError | undefined> {
    try {
      this.data = readOfflineEvidence(this.file, this.options);
      // An inventory target names its kind: a Windows file under a linux target would be judged by the wrong catalog.
      if (this.options.platform && this.data.platform !== this.options.platform)
        return {
          kind: 'config',
          message: `${this.file} holds ${this.data.platform} evidence, the target is ${this.options.platform}`,
        };
      return undefined;
    } catch (e) {
      return { kind: 'config', message: (e as Error).message };
    }
  }

  what(probe: ProbeDef): string {
    return this.data?.probes[probe.id]?.what ?? probe.command ?? probe.path ?? probe.id;
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    const p = this.data?.probes[probe.id];
    if (!p)
      return failedResult({
        kind: 'other',
        message: `probe ${probe.id} is not in ${basename(this.file)} (collected with an older script?)`,
      });
    const stdout = Buffer.from(p.stdout_b64, 'base64');
    const stderr = Buffer.from(p.stderr_b64 ?? '', 'base64');
    if (this.data!.platform === 'windows') return this.windowsResult(p, stdout, stderr);
    const out = decodeOutput(stdout);
    const err = decodeOutput(stderr);
    const result: ProbeResult = {
      stdout: out.text,
      stderr: err.text,
      exitCode: p.exit_code,
      truncated: Boolean(p.truncated),
      durationMs: p.duration_ms ?? 0,
    };
    if (out.binary) result.binary = true;
    if (p.error) result.error = p.error;
    if (p.kind === 'glob') return globPermission(result);
    // A file read fails the same way it does live (no such file, permission denied), so findings match.
    return p.kind === 'file' ? classifyFinished(result, { readPath: p.what }) : result;
  }

  /**
   * Windows output is read in the encoding it was written in (see decodeWindowsOutput); output that no encoding reads
   * is kept as latin1 for the evidence and marked as an error, so the finding is inconclusive rather than a verdict
   * on mojibake.
   */
  private windowsResult(p: OfflineEvidenceFile['probes'][string], stdout: Buffer, stderr: Buffer): ProbeResult {
    const codePages = recordedCodePages(this.data!.host);
    const out = decodeWindowsOutput(stdout, codePages);
    const err = decodeWindowsOutput(stderr, codePages);
    const result: ProbeResult = {
      stdout: out.text,
      stderr: err.text,
      exitCode: p.exit_code,
      truncated: Boolean(p.truncated),
      durationMs: p.duration_ms ?? 0,
    };
    if (p.error) result.error = p.error;
    else if (out.undecodable) {
      result.binary = true;
      result.error = { kind: 'other', message: `cannot read the output as text: ${out.undecodable}` };
    }
    return p.kind === 'file' ? classifyFinished(result, { readPath: p.what }) : result;
  }

  async describe(): Promise<HostInfo> {
    return { platform: this.data?.platform ?? 'unknown', ...this.data?.host };
  }

  async close(): Promise<void> {
    this.data = undefined;
  }
}
