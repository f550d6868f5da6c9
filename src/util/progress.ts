import type { Evidence, Finding, TargetResult, TransportError } from '../model.js';
import { terminalLine } from './terminal.js';

export interface Progress {
  start(targets: number): void;
  update(event: {
    target: string;
    done: number;
    total: number;
    phase: 'connect' | 'probe' | 'done';
    error?: TransportError;
  }): void;
  /** A target is done: its result and findings (a collect/ TargetAssessment fits; util imports nothing above it). */
  finish(assessment: { result: TargetResult; findings: Finding[]; evidence?: Evidence[] }): void;
  /** One clear line for the user (an unreachable host, a refused key, a bad rule file). */
  note(message: string): void;
  /** A long analysis step (rules, events, playbooks). */
  step(label: string, done: number, total: number): void;
  end(): void;
}

const color = (code: number, s: string, on: boolean) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/**
 * Per-host progress on a TTY (a live status line, a permanent line per finished host); elsewhere (CI, pipes, --json)
 * only the lines that matter: one per failed host and notes, on stderr, so stdout stays machine-readable.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const live = Boolean(stream.isTTY) && !process.env.CI && !quiet;
  const active = new Map<string, string>();
  let total = 0;
  let finished = 0;
  let stepLabel = '';
  const clear = () => live && stream.write('\r\x1b[K');
  const draw = () => {
    if (!live) return;
    const hosts = [...active.entries()]
      .slice(0, 4)
      .map(([id, s]) => `${terminalLine(id)} ${s}`)
      .join(', ');
    const more = active.size > 4 ? ` +${active.size - 4}` : '';
    const line = stepLabel || `scanning ${finished}/${total} hosts${hosts ? ` · ${hosts}${more}` : ''}`;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns || 100) - 1)}`);
  };
  const println = (line: string) => {
    clear();
    stream.write(`${line}\n`);
    draw();
  };
  return {
    start(n) {
      total = n;
      draw();
    },
    update(e) {
      if (e.phase === 'done') active.delete(e.target);
      else active.set(e.target, e.phase === 'connect' ? 'connecting' : `${e.done}/${e.total}`);
      draw();
    },
    finish({ result, findings }) {
      finished++;
      active.delete(result.id);
      const seconds = (result.duration_ms / 1000).toFixed(1);
      if (result.error) {
        println(
          `${color(31, '✖', live)} ${terminalLine(result.id)}: ${result.error.kind}: ` +
            `${terminalLine(result.error.message)}`,
        );
      } else if (live) {
        const fails = findings.filter((f) => f.status === 'fail').length;
        println(
          `${color(32, '✔', live)} ${terminalLine(result.id)}  ${findings.length} checks, ${fails} failing  ` +
            `${seconds}s`,
        );
      }
    },
    note(message) {
      println(`${color(33, '!', live)} ${terminalLine(message)}`);
    },
    step(label, done, t) {
      stepLabel = t > 0 ? `${label} ${done}/${t}` : label;
      draw();
    },
    end() {
      stepLabel = '';
      clear();
    },
  };
}
