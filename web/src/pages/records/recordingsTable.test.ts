// The shared recordings table, rendered as the two pages use it (server-side
// markup: the test environment has no DOM).
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { RecordingsTable } from './RecordingsTable';
import type { Recording } from './RecordingDrawer';

const body = {
  items: [
    { id: 'r1', customer_number: '13800138000', agent_id: 'agent-7', queue_id: 'sales', duration_ms: 65000, size_bytes: 20480, started_at: '2024-05-01T08:00:00Z' },
  ],
  total: 41,
};
const headers = (html: string) => [...html.matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
const noop = () => undefined;

describe('recordings table', () => {
  it('shows agent and size for supervisors', () => {
    const html = renderToStaticMarkup(createElement(RecordingsTable, { body, page: 1, onPage: noop, onPlay: noop, showAgent: true, showSize: true }));
    expect(headers(html)).toEqual(['Started', 'Customer number', 'Agent id', 'Queue id', 'Duration', 'Size', 'Actions']);
    expect(html).toContain('13800138000');
    expect(html).toContain('agent-7');
    expect(html).toContain('20 KiB');
    expect(html).toContain('1:05');
    expect(html).toContain('aria-label="Play the recording of 13800138000"');
    expect(html).toContain('41'); // the server's total drives the pager
  });

  it('shows the page\'s own columns before Play, and its empty text', () => {
    const extra = [{ key: 'qa', title: 'Score', render: (_: unknown, r: Recording) => `score-of-${r.id}` }];
    const html = renderToStaticMarkup(createElement(RecordingsTable, { body, page: 1, onPage: noop, onPlay: noop, extraColumns: extra }));
    expect(headers(html)).toEqual(['Started', 'Customer number', 'Queue id', 'Duration', 'Score', 'Actions']);
    expect(html).toContain('score-of-r1');
    expect(html).not.toContain('agent-7');
    const empty = renderToStaticMarkup(createElement(RecordingsTable, { body: { items: [], total: 0 }, page: 1, onPage: noop, onPlay: noop, emptyText: 'No recordings of yours yet' }));
    expect(empty).toContain('No recordings of yours yet');
  });
});
