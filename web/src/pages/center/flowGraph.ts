// An IVR flow document as a graph: its nodes, the links between them (every
// field whose value names another node: next, default, branches.1, ...), laid
// out in columns by distance from the start node. Pure (unit-tested).

export interface GraphNode {
  id: string;
  type: string;
  depth: number;
  row: number;
  reachable: boolean;
}

export interface GraphEdge {
  source: string;
  target: string;
  label: string;
}

export interface FlowGraph {
  start: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

// Fields whose text is never a target, even when it equals a node id.
const NOT_TARGETS = new Set(['type', 'name', 'description', 'comment', 'prompt', 'invalid_prompt', 'timeout_prompt', 'when', 'expressions', 'url', 'body', 'headers', 'text', 'tts', 'file']);

function collect(v: unknown, path: string, ids: Set<string>, out: Array<{ label: string; target: string }>): void {
  if (typeof v === 'string') {
    if (ids.has(v)) out.push({ label: path, target: v });
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => collect(x, `${path}[${i}]`, ids, out));
    return;
  }
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (NOT_TARGETS.has(k)) continue;
      collect(x, path ? `${path}.${k}` : k, ids, out);
    }
  }
}

export function flowGraph(doc: unknown): FlowGraph {
  const d = isObj(doc) ? doc : {};
  const nodesObj = isObj(d.nodes) ? d.nodes : {};
  const ids = new Set(Object.keys(nodesObj));
  const start = typeof d.start === 'string' ? d.start : '';
  const edges: GraphEdge[] = [];
  for (const [id, n] of Object.entries(nodesObj)) {
    const links: Array<{ label: string; target: string }> = [];
    if (isObj(n)) collect(n, '', ids, links);
    for (const l of links) edges.push({ source: id, target: l.target, label: l.label });
  }
  // Breadth-first from the start: depth = column.
  const depth = new Map<string, number>();
  if (ids.has(start)) {
    depth.set(start, 0);
    const queue = [start];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const e of edges) {
        if (e.source === cur && !depth.has(e.target)) {
          depth.set(e.target, depth.get(cur)! + 1);
          queue.push(e.target);
        }
      }
    }
  }
  const maxDepth = Math.max(0, ...depth.values());
  const rows = new Map<number, number>();
  const nodes: GraphNode[] = [];
  for (const [id, n] of Object.entries(nodesObj)) {
    const reachable = depth.has(id);
    const col = reachable ? depth.get(id)! : maxDepth + 1;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    nodes.push({ id, type: isObj(n) && typeof n.type === 'string' ? n.type : '?', depth: col, row, reachable });
  }
  return { start, nodes, edges };
}

/** Problems from the server, grouped by node id ("" for the document itself). */
export function problemsByNode(problems: ReadonlyArray<{ node?: string; problem?: string; message?: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const key = p.node ?? '';
    const text = p.problem ?? p.message ?? '';
    out.set(key, [...(out.get(key) ?? []), text]);
  }
  return out;
}
