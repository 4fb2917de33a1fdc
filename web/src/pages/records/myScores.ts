// The latest QA score of each recording, from GET /qa/scores items.
export interface ScoreRow {
  recording_id?: string;
  total?: number;
  created_at?: string;
}

export function scoresByRecording(items: readonly ScoreRow[]): Map<string, { total: number; count: number }> {
  const out = new Map<string, { total: number; count: number; at: string }>();
  for (const s of items) {
    if (!s.recording_id || typeof s.total !== 'number') continue;
    const prev = out.get(s.recording_id);
    const at = s.created_at ?? '';
    if (!prev) out.set(s.recording_id, { total: s.total, count: 1, at });
    else out.set(s.recording_id, at >= prev.at ? { total: s.total, count: prev.count + 1, at } : { ...prev, count: prev.count + 1 });
  }
  return new Map([...out].map(([k, v]) => [k, { total: v.total, count: v.count }]));
}
