import { describe, expect, it } from 'vitest';
import { flowGraph, problemsByNode } from './flowGraph';

const doc = {
  id: 'hotline',
  start: 'answer',
  nodes: {
    answer: { type: 'answer', next: 'menu' },
    menu: { type: 'menu', prompt: { tts: 'answer' }, branches: { '1': 'agents', '2': 'balance' }, default: 'bye' },
    agents: { type: 'queue', queue: 'service', next: 'bye' },
    balance: { type: 'branch', branches: [{ when: "caller == 'bye'", next: 'bye' }], default: 'bye' },
    bye: { type: 'hangup' },
    orphan: { type: 'play', prompt: 'x.wav', next: 'bye' },
  },
};

describe('flowGraph', () => {
  const g = flowGraph(doc);
  it('links every field naming a node, but not prompts or expressions', () => {
    expect(g.edges).toContainEqual({ source: 'answer', target: 'menu', label: 'next' });
    expect(g.edges).toContainEqual({ source: 'menu', target: 'agents', label: 'branches.1' });
    expect(g.edges).toContainEqual({ source: 'balance', target: 'bye', label: 'branches[0].next' });
    expect(g.edges.filter((e) => e.source === 'menu' && e.target === 'answer')).toEqual([]);
    expect(g.edges.filter((e) => e.source === 'balance' && e.label.includes('when'))).toEqual([]);
  });
  it('lays nodes out by distance from the start; unreachable ones go last and are flagged', () => {
    const by = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    expect(by.answer).toMatchObject({ depth: 0, reachable: true });
    expect(by.menu!.depth).toBe(1);
    expect(by.bye!.depth).toBe(2);
    expect(by.orphan).toMatchObject({ reachable: false, depth: 3 });
    expect(by.agents!.row).not.toBe(by.balance!.row);
  });
  it('survives documents that are not flows', () => {
    expect(flowGraph(null)).toEqual({ start: '', nodes: [], edges: [] });
    expect(flowGraph({ nodes: [1, 2] }).nodes).toEqual([]);
  });
  it('groups the server problems by node', () => {
    const m = problemsByNode([{ node: 'menu', problem: 'a' }, { node: 'menu', problem: 'b' }, { problem: 'c' }]);
    expect(m.get('menu')).toEqual(['a', 'b']);
    expect(m.get('')).toEqual(['c']);
  });
});
