// The staffing planner's forecast text, parsed (unit-tested).

/** "09:00,120,180" lines → [{start, calls, aht_s}]; bad lines are reported by number. */
export function parseForecast(text: string): { intervals: Array<{ start: string; calls: number; aht_s: number }>; bad: number[] } {
  const intervals: Array<{ start: string; calls: number; aht_s: number }> = [];
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    const [start, calls, aht] = l.split(/[,\t;]/).map((x) => x.trim());
    const c = Number(calls);
    const a = Number(aht);
    if (!start || !Number.isFinite(c) || !Number.isFinite(a) || c < 0 || a <= 0) bad.push(i + 1);
    else intervals.push({ start, calls: c, aht_s: a });
  });
  return { intervals, bad };
}
