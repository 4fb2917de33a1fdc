// Historical reports (GET /api/v1/reports/{kind}?from&to&interval[&queue_id][&agent_id]):
// a table, a line/bar/pie chart of the numeric columns, CSV/XLSX export.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Empty, Segmented, Select, Space, Table, Typography } from 'antd';
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { api, tokenStore } from '../../api/session';
import { buildQuery, errorFromResponse } from '../../api/client';
import { errorText } from '../../api/errorText';
import { allItemsQuery, isUnavailable, itemsOf } from '../../components/useApi';
import { NotAvailable } from '../../components/NotAvailable';
import { EChart } from '../../components/EChart';
import { chartOption, numericColumns, type ChartKind, type Report } from './reportChart';

const KINDS = ['queues', 'agents', 'dids', 'flows', 'agent-states'] as const;
const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'month'] as const;
type Opt = { value: string; label: string };

function useOptions(path: string, label: (o: Record<string, unknown>) => string): Opt[] {
  const [opts, setOpts] = useState<Opt[]>([]);
  useEffect(() => {
    api
      .get<unknown>(path, allItemsQuery(path))
      .then((b) => setOpts(itemsOf<Record<string, unknown>>(b).map((o) => ({ value: String(o.id), label: label(o) }))))
      .catch(() => setOpts([]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);
  return opts;
}

export function quarter(d: Dayjs, how: 'floor' | 'ceil'): Dayjs {
  const q = 15 * 60 * 1000;
  const ms = d.valueOf();
  return dayjs(how === 'floor' ? Math.floor(ms / q) * q : Math.ceil(ms / q) * q);
}

export async function download(path: string, query: Record<string, string | undefined>, filename: string): Promise<void> {
  const token = tokenStore.get();
  const res = await fetch(`/api/v1${path}${buildQuery(query)}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw await errorFromResponse(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function ReportsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('queues');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('day'), dayjs().startOf('day').add(1, 'day')]);
  const [interval, setInterval] = useState<string>('1h');
  const [queueId, setQueueId] = useState<string | undefined>();
  const [agentId, setAgentId] = useState<string | undefined>();
  const [chart, setChart] = useState<ChartKind>('line');
  const [metrics, setMetrics] = useState<string[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'unavailable' | 'error'>('idle');
  const [error, setError] = useState('');
  const queues = useOptions('/queues', (o) => String(o.name ?? o.id));
  const agents = useOptions('/agents', (o) => String(o.display_name || o.username || o.id));

  // Reports are built from 15-minute buckets: the server takes whole quarters only.
  const query = () => ({
    from: quarter(range[0], 'floor').toISOString(),
    to: quarter(range[1], 'ceil').toISOString(),
    interval,
    queue_id: queueId,
    agent_id: agentId,
  });

  const run = async () => {
    setState('loading');
    try {
      const r = await api.get<Report>(`/reports/${kind}`, query());
      setReport({ columns: r.columns ?? [], rows: r.rows ?? [] });
      setMetrics([]);
      setState('idle');
    } catch (e) {
      if (isUnavailable(e)) setState('unavailable');
      else {
        setError(errorText(t, e));
        setState('error');
      }
    }
  };

  const exportAs = async (format: 'csv' | 'xlsx') => {
    try {
      await download(`/reports/${kind}`, { ...query(), format }, `hujiao-${kind}-${range[0].format('YYYYMMDD')}.${format}`);
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  // Today's queue report at once: the page opens with figures, not a blank form.
  useEffect(() => {
    void run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const numeric = useMemo(() => (report ? numericColumns(report) : []), [report]);
  const option = useMemo(() => (report ? chartOption(report, chart, metrics.length ? metrics : numeric.slice(0, chart === 'pie' ? 1 : 4).map((c) => c.key)) : null), [report, chart, metrics, numeric]);

  return (
    <section aria-labelledby="reports-title">
      <Typography.Title level={4} id="reports-title" style={{ marginTop: 0 }}>
        {t('report.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label={t('report.kind')} value={kind} onChange={setKind} style={{ width: 160 }} options={KINDS.map((k) => ({ value: k, label: t(`report.kind.${k}` as 'report.kind.queues') }))} />
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm', minuteStep: 15 }}
          format="YYYY-MM-DD HH:mm"
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          aria-label={t('common.timeRange')}
          placeholder={[t('common.from'), t('common.to')]}
        />
        <Select aria-label={t('report.interval')} value={interval} onChange={setInterval} style={{ width: 110 }} options={INTERVALS.map((i) => ({ value: i, label: t(`report.interval.${i}` as 'report.interval.day') }))} />
        <Select aria-label={t('report.queue')} placeholder={t('report.queue')} allowClear value={queueId} onChange={setQueueId} style={{ width: 150 }} options={queues} showSearch optionFilterProp="label" />
        <Select aria-label={t('report.agent')} placeholder={t('report.agent')} allowClear value={agentId} onChange={setAgentId} style={{ width: 150 }} options={agents} showSearch optionFilterProp="label" />
        <Button type="primary" icon={<SearchOutlined />} onClick={() => void run()} loading={state === 'loading'}>
          {t('report.run')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => void exportAs('csv')}>
          CSV
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => void exportAs('xlsx')}>
          XLSX
        </Button>
      </Space>
      {state === 'unavailable' ? <NotAvailable what={t('report.title')} path={`/api/v1/reports/${kind}`} /> : null}
      {state === 'error' ? <Alert type="error" showIcon role="alert" message={error} /> : null}
      {!report && state === 'idle' ? <Empty description={t('report.pick')} /> : null}
      {report ? (
        <>
          <Card
            size="small"
            title={t('report.chart')}
            extra={
              <Space wrap>
                <Select
                  aria-label={t('report.metrics')}
                  placeholder={t('report.metrics')}
                  mode="multiple"
                  maxTagCount={2}
                  value={metrics}
                  onChange={setMetrics}
                  style={{ minWidth: 220 }}
                  options={numeric.map((c) => ({ value: c.key, label: c.label }))}
                />
                <Segmented
                  aria-label={t('report.chartType')}
                  value={chart}
                  onChange={(v) => setChart(v as ChartKind)}
                  options={[
                    { value: 'line', label: t('report.line') },
                    { value: 'bar', label: t('report.bar') },
                    { value: 'pie', label: t('report.pie') },
                  ]}
                />
              </Space>
            }
          >
            {report.rows.length && option ? <EChart option={option} height={260} ariaLabel={t('report.chartAria', { kind: t(`report.kind.${kind}` as 'report.kind.queues') })} /> : <Empty description={t('report.noRows')} />}
          </Card>
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey={(_, i) => String(i)}
            dataSource={report.rows}
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 50, showTotal: (total) => t('common.total', { total }) }}
            columns={report.columns.map((c) => ({
              key: c.key,
              title: c.label,
              dataIndex: c.key,
              render: (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v === null || v === undefined ? '' : String(v)),
            }))}
          />
        </>
      ) : null}
    </section>
  );
}
