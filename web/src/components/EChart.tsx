// A small ECharts wrapper: the chart library (only the parts the console uses,
// see echartsSetup.ts) is loaded on first use, after the page has rendered;
// the chart follows its box's size.
import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption, ECharts } from 'echarts/core';

export interface EChartProps {
  option: EChartsCoreOption;
  height?: number;
  ariaLabel: string;
  onClick?: (params: { dataType?: string; name?: string; data?: unknown }) => void;
}

export function EChart({ option, height = 220, ariaLabel, onClick }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    let disposed = false;
    let c: ECharts | null = null;
    let ro: ResizeObserver | null = null;
    void import('./echartsSetup').then(({ echarts }) => {
      if (disposed || !el.current) return;
      c = echarts.init(el.current, undefined, { renderer: 'canvas' });
      c.on('click', (p) => clickRef.current?.(p as never));
      ro = new ResizeObserver(() => c?.resize());
      ro.observe(el.current);
      setChart(c);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      c?.dispose();
    };
  }, []);

  useEffect(() => {
    chart?.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
  }, [chart, option]);

  // ECharts writes its own generated description on the chart's element: our
  // name stays on an outer element it does not touch.
  return (
    <div role="img" aria-label={ariaLabel}>
      <div ref={el} style={{ width: '100%', height }} />
    </div>
  );
}
