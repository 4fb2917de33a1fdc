import { describe, expect, it } from 'vitest';
import { fetchAudio, totalOf } from './audio';
import { scoresByRecording } from './myScores';

describe('recording audio', () => {
  it('reads the total size from Content-Range', () => {
    expect(totalOf('bytes 0-99/1000')).toBe(1000);
    expect(totalOf(null)).toBeNull();
    expect(totalOf('bytes */1000')).toBe(1000);
  });

  it('reads every piece with Range and the bearer token', async () => {
    const file = new Uint8Array(10).map((_, i) => i);
    const seen: Array<Record<string, string>> = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (_url: string, init: { headers: Record<string, string> }) => {
      seen.push(init.headers);
      const from = Number(/bytes=(\d+)-/.exec(init.headers.Range!)![1]);
      const to = Math.min(from + 4, file.length);
      return new Response(file.slice(from, to), {
        status: 206,
        headers: { 'Content-Type': 'audio/wav', 'Content-Range': `bytes ${from}-${to - 1}/${file.length}` },
      });
    }) as unknown as typeof fetch;
    try {
      const blob = await fetchAudio('r1', 'tok');
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(file);
      expect(blob.type).toBe('audio/wav');
      expect(seen.map((h) => h.Range)).toEqual(['bytes=0-', 'bytes=4-', 'bytes=8-']);
      expect(seen[0]!.Authorization).toBe('Bearer tok');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('my recordings', () => {
  it('keeps the latest score of each recording and counts them', () => {
    const m = scoresByRecording([
      { recording_id: 'r1', total: 70, created_at: '2024-05-01T08:00:00Z' },
      { recording_id: 'r1', total: 85, created_at: '2024-05-02T08:00:00Z' },
      { recording_id: 'r2', total: 90, created_at: '2024-05-01T09:00:00Z' },
      { total: 10 },
    ]);
    expect(m.get('r1')).toEqual({ total: 85, count: 2 });
    expect(m.get('r2')).toEqual({ total: 90, count: 1 });
    expect(m.size).toBe(2);
  });
});
