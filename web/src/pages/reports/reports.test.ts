import { describe, expect, it } from 'vitest';
import { categoryColumn, chartOption, numericColumns, type Report } from './reportChart';
import { parseForecast } from './forecast';

const report: Report = {
  columns: [
    { key: 'interval_start', label: 'Interval' },
    { key: 'queue_id', label: 'Queue id' },
    { key: 'queue', label: 'Queue' },
    { key: 'offered', label: 'Offered' },
    { key: 'answered', label: 'Answered' },
  ],
  rows: [
    { interval_start: '2026-11-23T09:00:00Z', queue_id: 'q1', queue: 'service', offered: 10, answered: 8 },
    { interval_start: '2026-11-23T10:00:00Z', queue_id: 'q1', queue: 'service', offered: 14, answered: null },
  ],
};

describe('report charts', () => {
  it('uses the time column as axis and numeric columns (not ids) as series', () => {
    expect(categoryColumn(report)?.key).toBe('interval_start');
    expect(numericColumns(report).map((c) => c.key)).toEqual(['offered', 'answered']);
    const o = chartOption(report, 'bar', []) as { xAxis: { data: string[] }; series: Array<{ type: string; name: string; data: unknown[] }> };
    expect(o.xAxis.data).toEqual(['11-23 09:00', '11-23 10:00']);
    expect(o.series.map((s) => [s.type, s.name])).toEqual([
      ['bar', 'Offered'],
      ['bar', 'Answered'],
    ]);
    expect(o.series[1]!.data).toEqual([8, null]);
  });
  it('makes a pie of one metric by category', () => {
    const r: Report = { columns: [{ key: 'agent', label: 'Agent' }, { key: 'talk_s', label: 'Talk' }], rows: [{ agent: 'li', talk_s: 5 }, { agent: 'wang', talk_s: 7 }, { agent: 'li', talk_s: 1 }] };
    const o = chartOption(r, 'pie', ['talk_s']) as { series: Array<{ data: unknown[] }> };
    expect(o.series[0]!.data).toEqual([{ name: 'li', value: 6 }, { name: 'wang', value: 7 }]);
  });
});

describe('staffing forecast', () => {
  it('reads start,calls,aht lines and names the bad ones', () => {
    expect(parseForecast('# comment\n09:00,120,180\n09:30;90;200\n\nbad line\n10:00,-1,100')).toEqual({
      intervals: [
        { start: '09:00', calls: 120, aht_s: 180 },
        { start: '09:30', calls: 90, aht_s: 200 },
      ],
      bad: [5, 6],
    });
  });
});
