// The Erlang staffing planner: one interval (POST /api/v1/staffing/erlang) and
// a day's plan from a forecast (POST /api/v1/staffing/plan), with a chart.
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { api } from '../../api/session';
import { errorText } from '../../api/errorText';
import { isUnavailable } from '../../components/useApi';
import { NotAvailable } from '../../components/NotAvailable';
import { EChart } from '../../components/EChart';
import { parseForecast } from './forecast';

type Erlang = { agents: number; service_level_pct: number; asa_s: number; occupancy_pct: number };
type PlanRow = Erlang & { start: string };

const pct = (v: number) => `${v.toFixed(1)}%`;

export default function StaffingPage() {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [one, setOne] = useState<Erlang | null>(null);
  const [plan, setPlan] = useState<PlanRow[] | null>(null);
  const [forecast, setForecast] = useState('09:00,120,180\n09:30,160,180\n10:00,210,190\n10:30,180,185\n11:00,140,180');
  const [error, setError] = useState('');
  const [unavailable, setUnavailable] = useState('');
  const [busy, setBusy] = useState(false);

  const fail = (e: unknown, path: string) => {
    if (isUnavailable(e)) setUnavailable(path);
    else setError(errorText(t, e));
  };

  const targets = () => {
    const v = form.getFieldsValue() as Record<string, number | undefined>;
    const out: Record<string, number> = { interval_s: v.interval_s ?? 1800, target_sl_pct: v.target_sl_pct ?? 80, target_s: v.target_s ?? 20 };
    if (v.patience_s) out.patience_s = v.patience_s;
    return { v, out };
  };

  const runOne = async () => {
    await form.validateFields();
    const { v, out } = targets();
    setError('');
    setBusy(true);
    try {
      setOne(await api.post<Erlang>('/staffing/erlang', { calls: v.calls, aht_s: v.aht_s, ...out }));
    } catch (e) {
      fail(e, '/api/v1/staffing/erlang');
    } finally {
      setBusy(false);
    }
  };

  const runPlan = async () => {
    const { intervals, bad } = parseForecast(forecast);
    if (bad.length) return setError(t('staffing.badLines', { lines: bad.join(', ') }));
    const { out } = targets();
    setError('');
    setBusy(true);
    try {
      const r = await api.post<{ intervals: PlanRow[] }>('/staffing/plan', { intervals, ...out });
      setPlan(r.intervals ?? []);
    } catch (e) {
      fail(e, '/api/v1/staffing/plan');
    } finally {
      setBusy(false);
    }
  };

  const option = useMemo(
    () =>
      plan && {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 40, top: 32, bottom: 24 },
        xAxis: { type: 'category', data: plan.map((p) => p.start) },
        yAxis: [{ type: 'value', name: t('staffing.agents') }, { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }],
        series: [
          { type: 'bar', name: t('staffing.agents'), data: plan.map((p) => p.agents) },
          { type: 'line', name: t('staffing.sl'), yAxisIndex: 1, data: plan.map((p) => p.service_level_pct) },
          { type: 'line', name: t('staffing.occupancy'), yAxisIndex: 1, data: plan.map((p) => p.occupancy_pct) },
        ],
      },
    [plan, t],
  );

  return (
    <section aria-labelledby="staffing-title">
      <Typography.Title level={4} id="staffing-title" style={{ marginTop: 0 }}>
        {t('staffing.title')}
      </Typography.Title>
      {unavailable ? <NotAvailable what={t('staffing.title')} path={unavailable} /> : null}
      {error ? <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={12}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('staffing.one')}>
            <Form form={form} layout="vertical" initialValues={{ calls: 120, aht_s: 180, interval_s: 1800, target_sl_pct: 80, target_s: 20 }}>
              <Row gutter={8}>
                {(
                  [
                    ['calls', 'staffing.calls', true],
                    ['aht_s', 'staffing.aht', true],
                    ['interval_s', 'staffing.interval', true],
                    ['target_sl_pct', 'staffing.targetSl', true],
                    ['target_s', 'staffing.targetS', true],
                    ['patience_s', 'staffing.patience', false],
                  ] as const
                ).map(([name, label, req]) => (
                  <Col span={12} key={name}>
                    <Form.Item name={name} label={t(label)} rules={req ? [{ required: true, message: t('crud.required', { field: t(label) }) }] : []}>
                      <InputNumber aria-label={t(label)} min={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                ))}
              </Row>
              <Button type="primary" onClick={() => void runOne()} loading={busy}>
                {t('staffing.compute')}
              </Button>
            </Form>
            {one ? (
              <Descriptions
                style={{ marginTop: 12 }}
                size="small"
                column={2}
                bordered
                items={[
                  { key: 'a', label: t('staffing.agents'), children: <strong data-testid="erlang-agents">{one.agents}</strong> },
                  { key: 'sl', label: t('staffing.sl'), children: pct(one.service_level_pct) },
                  { key: 'asa', label: t('staffing.asa'), children: `${one.asa_s.toFixed(1)} s` },
                  { key: 'occ', label: t('staffing.occupancy'), children: pct(one.occupancy_pct) },
                ]}
              />
            ) : null}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('staffing.plan')}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('staffing.forecastHelp')}
            </Typography.Paragraph>
            <Input.TextArea aria-label={t('staffing.forecast')} value={forecast} onChange={(e) => setForecast(e.target.value)} autoSize={{ minRows: 4, maxRows: 10 }} style={{ fontFamily: 'monospace' }} />
            <Button style={{ marginTop: 8 }} onClick={() => void runPlan()} loading={busy}>
              {t('staffing.computePlan')}
            </Button>
            {plan && option ? (
              <>
                <EChart option={option} height={220} ariaLabel={t('staffing.chartAria')} />
                <Table<PlanRow>
                  size="small"
                  rowKey="start"
                  pagination={false}
                  dataSource={plan}
                  columns={[
                    { key: 's', title: t('staffing.start'), dataIndex: 'start' },
                    { key: 'a', title: t('staffing.agents'), dataIndex: 'agents' },
                    { key: 'sl', title: t('staffing.sl'), render: (_, p) => pct(p.service_level_pct) },
                    { key: 'asa', title: t('staffing.asa'), render: (_, p) => `${p.asa_s.toFixed(1)} s` },
                    { key: 'occ', title: t('staffing.occupancy'), render: (_, p) => pct(p.occupancy_pct) },
                  ]}
                />
              </>
            ) : null}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
