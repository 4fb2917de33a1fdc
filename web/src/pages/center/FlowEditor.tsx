// The IVR flow editor: the document as JSON or YAML text, validated by the
// server (POST /flows/validate) with the problems listed by node and marked
// on the graph; save (POST/PUT /flows[/id], 422 lists the problems), the
// versions and publishing one (POST /flows/{id}/publish).
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Input, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { isApiError } from '../../api/client';
import { errorText } from '../../api/errorText';
import { EChart } from '../../components/EChart';
import { formatTime } from '../../components/time';
import { isUnavailable } from '../../components/useApi';
import { NotAvailable } from '../../components/NotAvailable';
import { flowGraph, problemsByNode } from './flowGraph';

type Problem = { node?: string; field?: string; code?: string; problem?: string; message?: string };
type Version = { version: number; created_at?: string; created_by?: string; published?: boolean };
type FlowFull = { id: string; name: string; description?: string; document?: unknown; versions?: Version[]; published_version?: number | null };

const SAMPLE = {
  id: 'new_flow',
  start: 'answer',
  nodes: {
    answer: { type: 'answer', next: 'menu' },
    menu: { type: 'menu', prompt: { tts: { zh: '人工服务请按1', en: 'For an agent press 1' } }, branches: { '1': 'agents' }, default: 'bye' },
    agents: { type: 'queue', queue: 'service', failure: 'bye' },
    bye: { type: 'hangup' },
  },
};

const TYPE_COLORS: Record<string, string> = { answer: '#52c41a', menu: '#1677ff', queue: '#722ed1', hangup: '#8c8c8c', play: '#13c2c2', input: '#2f54eb', branch: '#fa8c16', http: '#eb2f96' };

export function FlowEditor({ flowId, onBack, onCreated }: { flowId: string | null; onBack: () => void; onCreated: (id: string) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('flows.write');
  const [flow, setFlow] = useState<FlowFull | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [format, setFormat] = useState<'json' | 'yaml'>('json');
  const [text, setText] = useState(flowId ? '' : JSON.stringify(SAMPLE, null, 2));
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [valid, setValid] = useState<boolean | null>(null);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const [unavailable, setUnavailable] = useState(false);
  const [publishVersion, setPublishVersion] = useState<number | undefined>();

  const loadFlow = async (id: string) => {
    try {
      const f = await api.get<FlowFull>(`/flows/${encodeURIComponent(id)}`);
      setFlow(f);
      setName(f.name ?? '');
      setDescription(f.description ?? '');
      setText(JSON.stringify(f.document ?? {}, null, 2));
      setFormat('json');
    } catch (e) {
      if (isUnavailable(e)) setUnavailable(true);
      else setError(errorText(t, e));
    }
  };
  useEffect(() => {
    if (flowId) void loadFlow(flowId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flowId]);

  /** The document to send, or an error text when the JSON does not parse. */
  const documentOf = (): { doc: unknown } | { parseError: string } => {
    if (format === 'yaml') return { doc: { yaml: text } };
    try {
      return { doc: JSON.parse(text) as unknown };
    } catch (e) {
      return { parseError: t('flow.jsonError', { error: e instanceof Error ? e.message : String(e) }) };
    }
  };

  const graphDoc = useMemo(() => {
    if (format !== 'json') return flow?.document ?? null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }, [format, text, flow]);
  const graph = useMemo(() => flowGraph(graphDoc), [graphDoc]);
  const byNode = useMemo(() => problemsByNode(problems ?? []), [problems]);

  const validate = async () => {
    const d = documentOf();
    if ('parseError' in d) return setError(d.parseError);
    setBusy('validate');
    setError('');
    try {
      const r = await api.post<{ valid: boolean; problems?: Problem[] }>('/flows/validate', { document: d.doc });
      setValid(r.valid);
      setProblems(r.problems ?? []);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy('');
    }
  };

  const save = async () => {
    const d = documentOf();
    if ('parseError' in d) return setError(d.parseError);
    setBusy('save');
    setError('');
    try {
      const body = { name, description, document: d.doc };
      if (flow) {
        await api.request('PUT', `/flows/${encodeURIComponent(flow.id)}`, { body });
        message.success(t('flow.saved'));
        setProblems([]);
        setValid(true);
        await loadFlow(flow.id);
      } else {
        const created = await api.post<FlowFull>('/flows', body);
        message.success(t('flow.saved'));
        onCreated(created.id);
      }
    } catch (e) {
      if (isApiError(e) && e.status === 422) {
        setValid(false);
        setProblems(e.details as Problem[]);
      }
      setError(errorText(t, e));
    } finally {
      setBusy('');
    }
  };

  const publish = async () => {
    if (!flow || !publishVersion) return;
    setBusy('publish');
    try {
      await api.post(`/flows/${encodeURIComponent(flow.id)}/publish`, { version: publishVersion });
      message.success(t('flow.publishedDone', { version: publishVersion }));
      await loadFlow(flow.id);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setBusy('');
    }
  };

  const option = useMemo(
    () => ({
      tooltip: { formatter: (p: { dataType?: string; data?: { name?: string; value?: string; label?: { formatter?: string } } }) => (p.dataType === 'edge' ? p.data?.value ?? '' : `${p.data?.name ?? ''}: ${p.data?.value ?? ''}`) },
      series: [
        {
          type: 'graph',
          layout: 'none',
          roam: true,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 8,
          label: { show: true, fontSize: 11 },
          edgeLabel: { show: true, fontSize: 10, formatter: '{c}' },
          data: graph.nodes.map((n) => ({
            name: n.id,
            value: n.type,
            x: n.depth * 160,
            y: n.row * 70,
            symbolSize: n.id === graph.start ? 44 : 36,
            itemStyle: {
              color: byNode.has(n.id) ? '#cf1322' : n.reachable ? TYPE_COLORS[n.type] ?? '#597ef7' : '#d9d9d9',
              borderColor: n.id === graph.start ? '#000' : undefined,
              borderWidth: n.id === graph.start ? 2 : 0,
            },
          })),
          links: graph.edges.map((e) => ({ source: e.source, target: e.target, value: e.label })),
          lineStyle: { curveness: 0.15, color: '#8c8c8c' },
        },
      ],
    }),
    [graph, byNode],
  );

  if (unavailable) return <NotAvailable what={t('flow.title')} path={`/api/v1/flows/${flowId ?? ''}`} />;

  const versions = flow?.versions ?? [];
  return (
    <section aria-labelledby="flow-editor-title">
      <Space style={{ marginBottom: 12 }} wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t('flow.back')} />
        <Typography.Title level={4} id="flow-editor-title" style={{ margin: 0 }}>
          {flow ? t('flow.editTitle', { name: flow.name }) : t('flow.createTitle')}
        </Typography.Title>
        {flow?.published_version ? <Tag color="green">{t('flow.publishedVersion', { version: flow.published_version })}</Tag> : null}
      </Space>
      <Row gutter={12}>
        <Col xs={24} lg={11}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input aria-label={t('common.name')} placeholder={t('common.name')} value={name} onChange={(e) => setName(e.target.value)} disabled={!writable} />
            <Input aria-label={t('common.description')} placeholder={t('common.description')} value={description} onChange={(e) => setDescription(e.target.value)} disabled={!writable} />
            <Segmented
              aria-label={t('flow.format')}
              value={format}
              onChange={(v) => setFormat(v as 'json' | 'yaml')}
              options={[
                { label: 'JSON', value: 'json' },
                { label: 'YAML', value: 'yaml' },
              ]}
            />
            <Input.TextArea
              aria-label={t('flow.document')}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setValid(null);
              }}
              spellCheck={false}
              autoSize={{ minRows: 14, maxRows: 22 }}
              style={{ fontFamily: 'monospace', fontSize: 12 }}
              disabled={!writable}
            />
            <Space wrap>
              <Button onClick={() => void validate()} loading={busy === 'validate'}>
                {t('flow.validate')}
              </Button>
              {writable ? (
                <Button type="primary" onClick={() => void save()} loading={busy === 'save'} disabled={!name.trim()}>
                  {t('flow.save')}
                </Button>
              ) : null}
              {valid === true ? <Tag color="green">{t('flow.valid')}</Tag> : valid === false ? <Tag color="red">{t('flow.invalid')}</Tag> : null}
            </Space>
            {error ? <Alert type="error" showIcon role="alert" message={error} /> : null}
          </Space>
        </Col>
        <Col xs={24} lg={13}>
          <Card size="small" title={t('flow.graph')}>
            <EChart option={option} height={300} ariaLabel={t('flow.graphAria', { n: graph.nodes.length })} />
          </Card>
          {problems && problems.length ? (
            <Card size="small" title={t('flow.problems', { n: problems.length })} style={{ marginTop: 12 }}>
              <Table<Problem & { key: number }>
                size="small"
                pagination={false}
                dataSource={problems.map((p, i) => ({ ...p, key: i }))}
                columns={[
                  { key: 'node', title: t('flow.node'), width: 140, render: (_, p) => p.node || t('flow.wholeDocument') },
                  { key: 'field', title: t('flow.field'), width: 120, render: (_, p) => p.field || '—' },
                  { key: 'problem', title: t('flow.problem'), render: (_, p) => p.problem ?? p.message ?? '' },
                ]}
              />
            </Card>
          ) : null}
          {flow ? (
            <Card size="small" title={t('flow.versions')} style={{ marginTop: 12 }}>
              <Table<Version>
                rowKey="version"
                size="small"
                pagination={false}
                dataSource={versions}
                columns={[
                  { key: 'v', title: t('flow.version'), width: 80, render: (_, v) => `v${v.version}` },
                  { key: 'at', title: t('common.created'), render: (_, v) => formatTime(v.created_at, lang) },
                  { key: 'by', title: t('flow.createdBy'), dataIndex: 'created_by' },
                  { key: 'p', title: t('flow.published'), width: 100, render: (_, v) => (v.published ? <Tag color="green">{t('common.yes')}</Tag> : null) },
                ]}
              />
              {writable ? (
                <Space style={{ marginTop: 8 }}>
                  <Select
                    aria-label={t('flow.version')}
                    placeholder={t('flow.version')}
                    style={{ width: 120 }}
                    value={publishVersion}
                    onChange={setPublishVersion}
                    options={versions.map((v) => ({ value: v.version, label: `v${v.version}` }))}
                  />
                  <Button onClick={() => void publish()} disabled={!publishVersion} loading={busy === 'publish'}>
                    {t('flow.publish')}
                  </Button>
                </Space>
              ) : null}
            </Card>
          ) : null}
        </Col>
      </Row>
    </section>
  );
}
