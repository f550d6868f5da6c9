// The workflow as a graph: edges by kind, reachability, strongly connected components and dominators.
import type { Budget } from './budget.js';
import type { Playbook, Step } from './model.js';

export type EdgeKind =
  | 'completion'
  | 'success'
  | 'failure'
  | 'next'
  | 'true'
  | 'false'
  | 'case'
  | 'default'
  | 'exception';

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Case value for switch edges; the branch label for messages. */
  label?: string;
  /** The property the reference sits in, for messages ("on_completion", "next_steps[1]"). */
  via: string;
}

/** Every outgoing reference of a step, as written (targets may be dangling). */
export function stepEdges(step: Step): Edge[] {
  const out: Edge[] = [];
  const add = (to: string | undefined, kind: EdgeKind, via: string, label?: string) => {
    if (to) out.push({ from: step.id, to, kind, via, label });
  };
  switch (step.type) {
    case 'if-condition':
    case 'while-condition':
      add(step.on_true, 'true', 'on_true');
      add(step.on_false, 'false', 'on_false');
      // An if-condition without on_false falls through to on_completion; a while-condition leaves through it.
      if (!step.on_false) add(step.on_completion, 'false', 'on_completion');
      else if (step.type === 'while-condition') add(step.on_completion, 'completion', 'on_completion');
      break;
    case 'switch-condition':
      for (const [value, to] of Object.entries(step.cases ?? {})) {
        add(to, value === 'default' ? 'default' : 'case', `cases.${value}`, value);
      }
      if (!step.cases?.default) add(step.on_completion, 'default', 'on_completion', 'default');
      break;
    case 'parallel':
      for (const [i, n] of (step.next_steps ?? []).entries()) add(n, 'next', `next_steps[${i}]`);
      // on_completion of a parallel step runs after all branches.
      add(step.on_completion, 'completion', 'on_completion');
      break;
    default:
      add(step.on_completion, 'completion', 'on_completion');
      add(step.on_success, 'success', 'on_success');
  }
  if (step.type !== 'end') add(step.on_failure, 'failure', 'on_failure');
  return out;
}

/** Edges of the whole playbook, with the implicit edge to workflow_exception from steps that can fail. */
export function allEdges(pb: Playbook): Edge[] {
  const out: Edge[] = [];
  for (const step of Object.values(pb.steps)) {
    out.push(...stepEdges(step));
    if (pb.exception && pb.steps[pb.exception] && step.id !== pb.exception && canFail(step) && !step.on_failure) {
      out.push({ from: step.id, to: pb.exception, kind: 'exception', via: 'workflow_exception' });
    }
  }
  return out;
}

const canFail = (s: Step) => s.type === 'action' || s.type === 'playbook-action';

export class Graph {
  readonly succ = new Map<string, string[]>();
  readonly pred = new Map<string, string[]>();
  constructor(
    readonly nodes: string[],
    edges: { from: string; to: string }[],
  ) {
    for (const n of nodes) {
      this.succ.set(n, []);
      this.pred.set(n, []);
    }
    for (const e of edges) {
      if (!this.succ.has(e.from) || !this.succ.has(e.to)) continue;
      this.succ.get(e.from)!.push(e.to);
      this.pred.get(e.to)!.push(e.from);
    }
  }

  reachable(from: string, budget?: Budget): Set<string> {
    const seen = new Set<string>();
    if (!this.succ.has(from)) return seen;
    const stack = [from];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const out = this.succ.get(n)!;
      budget?.spend(1 + out.length);
      for (const s of out) if (!seen.has(s)) stack.push(s);
    }
    return seen;
  }

  /**
   * Immediate dominators by Lengauer & Tarjan ("A Fast Algorithm for Finding Dominators in a Flowgraph", the simple
   * version with path compression: O(m log n)), iterative and on integer DFS numbers. Cooper-Harvey-Kennedy was
   * quadratic here: a step with thousands of predecessors deep in a long dominator tree (every refused allow-list
   * check of a 20,000-step chain ending at one end step) climbed the whole tree once per predecessor.
   */
  dominators(entry: string, budget?: Budget): Map<string, string> {
    if (!this.succ.has(entry)) return new Map();
    // Depth-first preorder numbering with the DFS tree's parents.
    const vertex: string[] = [];
    const num = new Map<string, number>();
    const parent: number[] = [];
    const stack: [string, number][] = [[entry, 0]];
    num.set(entry, 0);
    vertex.push(entry);
    parent.push(-1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const children = this.succ.get(top[0]) ?? [];
      budget?.spend();
      if (top[1] < children.length) {
        const c = children[top[1]++]!;
        if (!num.has(c)) {
          num.set(c, vertex.length);
          parent.push(num.get(top[0])!);
          vertex.push(c);
          stack.push([c, 0]);
        }
      } else stack.pop();
    }
    const n = vertex.length;
    const semi = Int32Array.from({ length: n }, (_, i) => i);
    const label = Int32Array.from({ length: n }, (_, i) => i);
    const ancestor = new Int32Array(n).fill(-1);
    const idom = new Int32Array(n).fill(-1);
    const bucket: number[][] = Array.from({ length: n }, () => []);
    const path: number[] = [];
    // Path compression without recursion: climb to the forest root's child, then fold labels top-down.
    const evaluate = (v: number): number => {
      if (ancestor[v] === -1) return v;
      let x = v;
      while (ancestor[ancestor[x]!] !== -1) {
        path.push(x);
        x = ancestor[x]!;
      }
      budget?.spend(1 + path.length);
      while (path.length) {
        const y = path.pop()!;
        const a = ancestor[y]!;
        if (semi[label[a]!]! < semi[label[y]!]!) label[y] = label[a]!;
        ancestor[y] = ancestor[a]!;
      }
      return label[v]!;
    };
    for (let w = n - 1; w > 0; w--) {
      for (const p of this.pred.get(vertex[w]!) ?? []) {
        const v = num.get(p);
        if (v === undefined) continue;
        const u = evaluate(v);
        if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
      }
      bucket[semi[w]!]!.push(w);
      const pw = parent[w]!;
      ancestor[w] = pw;
      for (const v of bucket[pw]!) {
        const u = evaluate(v);
        idom[v] = semi[u]! < semi[v]! ? u : pw;
      }
      bucket[pw] = [];
    }
    for (let w = 1; w < n; w++) if (idom[w] !== semi[w]) idom[w] = idom[idom[w]!]!;
    idom[0] = 0;
    const out = new Map<string, string>();
    for (let w = 0; w < n; w++) out.set(vertex[w]!, vertex[idom[w]!]!);
    return out;
  }

  /** Strongly connected components (Tarjan, iterative). */
  sccs(budget?: Budget): string[][] {
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    for (const root of this.nodes) {
      if (idx.has(root)) continue;
      const work: [string, number][] = [[root, 0]];
      idx.set(root, index);
      low.set(root, index++);
      stack.push(root);
      onStack.add(root);
      while (work.length) {
        const frame = work[work.length - 1]!;
        const [n] = frame;
        const children = this.succ.get(n)!;
        budget?.spend();
        if (frame[1] < children.length) {
          const c = children[frame[1]++]!;
          if (!idx.has(c)) {
            idx.set(c, index);
            low.set(c, index++);
            stack.push(c);
            onStack.add(c);
            work.push([c, 0]);
          } else if (onStack.has(c)) low.set(n, Math.min(low.get(n)!, idx.get(c)!));
        } else {
          work.pop();
          if (work.length) {
            const parent = work[work.length - 1]![0];
            low.set(parent, Math.min(low.get(parent)!, low.get(n)!));
          }
          if (low.get(n) === idx.get(n)) {
            const comp: string[] = [];
            let m: string;
            do {
              m = stack.pop()!;
              onStack.delete(m);
              comp.push(m);
            } while (m !== n);
            out.push(comp);
          }
        }
      }
    }
    return out;
  }
}

/** Nodes with a path of at least one edge to one of `targets` (one reverse search, not one per node). */
export function canReachAny(g: Graph, targets: Iterable<string>, budget?: Budget): Set<string> {
  const out = new Set<string>();
  const stack = [...targets];
  while (stack.length) {
    const n = stack.pop()!;
    const preds = g.pred.get(n) ?? [];
    budget?.spend(1 + preds.length);
    for (const p of preds) {
      if (out.has(p)) continue;
      out.add(p);
      stack.push(p);
    }
  }
  return out;
}

/** True when `a` dominates `b` under the immediate-dominator map. */
export function dominates(idom: Map<string, string>, a: string, b: string): boolean {
  let x: string | undefined = b;
  while (x !== undefined) {
    if (x === a) return true;
    const up = idom.get(x);
    if (up === undefined || up === x) return x === a;
    x = up;
  }
  return false;
}

/** Every dominator of `b` (itself included), from `b` up to the entry. */
export function dominatorsOf(idom: Map<string, string>, b: string): string[] {
  const out: string[] = [];
  let x: string | undefined = b;
  while (x !== undefined && idom.has(x)) {
    out.push(x);
    const up: string = idom.get(x)!;
    if (up === x) break;
    x = up;
  }
  return out;
}

/** Branch node id: the virtual node that stands for "condition C took branch L" in the guard graph. */
export const branchNode = (from: string, label: string) => `${from}#${label}`;

/**
 * The graph for guard analysis: each edge out of a condition passes through a virtual branch node, so "the action is
 * only reachable through the not-allow-listed branch" is a plain dominance question.
 */
export function guardGraph(pb: Playbook, alsoSplit: Set<string> = new Set()): Graph {
  const nodes = new Set(Object.keys(pb.steps));
  const edges: { from: string; to: string }[] = [];
  for (const e of allEdges(pb)) {
    if (!pb.steps[e.to]) continue;
    const from = pb.steps[e.from]!;
    if (
      from.type === 'if-condition' ||
      from.type === 'while-condition' ||
      from.type === 'switch-condition' ||
      alsoSplit.has(e.from)
    ) {
      const b = branchNode(e.from, e.label ?? e.kind);
      nodes.add(b);
      edges.push({ from: e.from, to: b }, { from: b, to: e.to });
    } else edges.push(e);
  }
  return new Graph([...nodes], edges);
}
