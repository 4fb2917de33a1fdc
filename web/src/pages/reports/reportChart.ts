// Turns a report answer ({columns:[{key,label}], rows:[...]}) into ECharts
// options: a time (or category) axis, the numeric columns as series, and a pie
// of one metric by category. Pure (unit-tested).

export interface ReportColumn {
  key: string;
  label: string;
}

export interface Report {
  columns: ReportColumn[];
  rows: Array<Record<string, unknown>>;
}

export type ChartKind = 'line' | 'bar' | 'pie';

const TIME_KEY = /^(interval|interval_start|start|period|bucket|time|ts|date|day|hour|from)$/;

/** The column used for the x axis: a time column first, else the first text column. */
export function categoryColumn(r: Report): ReportColumn | undefined {
  return (
    r.columns.find((c) => TIME_KEY.test(c.key)) ??
    r.columns.find((c) => r.rows.some((row) => typeof row[c.key] === 'string')) ??
    r.columns[0]
  );
}

/** Columns whose values are numbers in every row that has them (ids and names excluded). */
export function numericColumns(r: Report): ReportColumn[] {
  return r.columns.filter(
    (c) => !/_id$|^id$/.test(c.key) && r.rows.some((row) => typeof row[c.key] === 'number') && r.rows.every((row) => row[c.key] === undefined || row[c.key] === null || typeof row[c.key] === 'number'),
  );
}

function label(v: unknown): string {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d.toISOString().slice(5, 16).replace('T', ' ');
  }
  return v === null || v === undefined ? '' : String(v);
}

export function chartOption(r: Report, kind: ChartKind, metrics: readonly string[]): Record<string, unknown> {
  const cat = categoryColumn(r);
  const nums = numericColumns(r).filter((c) => metrics.length === 0 || metrics.includes(c.key));
  if (kind === 'pie') {
    const m = nums[0];
    const groups = new Map<string, number>();
    if (m && cat) {
      for (const row of r.rows) {
        const k = label(row[cat.key]);
        groups.set(k, (groups.get(k) ?? 0) + (typeof row[m.key] === 'number' ? (row[m.key] as number) : 0));
      }
    }
    return {
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [{ type: 'pie', name: m?.label ?? '', radius: ['35%', '65%'], data: [...groups].map(([name, value]) => ({ name, value })) }],
    };
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: r.rows.map((row) => (cat ? label(row[cat.key]) : '')) },
    yAxis: { type: 'value' },
    series: nums.map((c) => ({ type: kind, name: c.label, data: r.rows.map((row) => (typeof row[c.key] === 'number' ? row[c.key] : null)), showSymbol: false })),
  };
}
