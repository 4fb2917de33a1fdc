// One recording: the player (read with Range requests from
// /api/v1/recordings/{id}/audio, see fetchAudio) and its QA scores.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Descriptions, Divider, Drawer, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api, tokenStore } from '../../api/session';
import { errorText } from '../../api/errorText';
import { fetchAudio } from './audio';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';
import { formatDuration, formatTime } from '../../components/time';

export type Recording = {
  id: string;
  call_id?: string;
  agent_id?: string;
  queue_id?: string;
  customer_number?: string;
  started_at?: string;
  duration_ms?: number;
  size_bytes?: number;
  sha256?: string;
  format?: string;
};

type Criterion = { id: string; name?: string; description?: string; weight?: number; max_points?: number };
type QaForm = { id: string; name: string; active?: boolean; criteria?: Criterion[] };
type Score = { id?: string; form_id?: string; total?: number; comment?: string; created_at?: string; supervisor_id?: string };

function Player({ rec }: { rec: Recording }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const ctrl = new AbortController();
    let url: string | null = null;
    fetchAudio(rec.id, tokenStore.get(), ctrl.signal)
      .then((blob) => {
        url = URL.createObjectURL(blob);
        setSrc(url);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(`${t('rec.playError')}: ${errorText(t, e)}`);
      });
    return () => {
      ctrl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [rec.id, t]);
  return (
    <>
      {src ? (
        <audio controls preload="auto" src={src} aria-label={t('rec.player')} style={{ width: '100%' }} data-testid="recording-audio" />
      ) : !error ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : null}
      {error ? <Alert type="warning" showIcon role="alert" message={error} /> : null}
    </>
  );
}

function ScoreForm({ rec, onSaved }: { rec: Recording; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const forms = useApiGet<unknown>('/qa/forms');
  const [formId, setFormId] = useState<string | undefined>();
  const [form] = Form.useForm();
  const list = forms.load.status === 'ok' ? itemsOf<QaForm>(forms.load.data) : [];
  const active = list.filter((f) => f.active !== false);
  const chosen = active.find((f) => f.id === formId) ?? active[0];
  const criteria = chosen?.criteria ?? [];
  const save = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    const items = criteria.map((c) => ({ criterion_id: c.id, points: Number(v[`s_${c.id}`] ?? 0) }));
    try {
      await api.post(`/recordings/${encodeURIComponent(rec.id)}/scores`, { form_id: chosen?.id, items, comment: String(v.comment ?? '') });
      message.success(t('rec.scoreSaved'));
      form.resetFields();
      onSaved();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };
  return (
    <LoadView load={forms.load} what={t('rec.qaForms')}>
      {() =>
        !chosen ? (
          <Typography.Text type="secondary">{t('rec.noForms')}</Typography.Text>
        ) : (
          <Form form={form} layout="vertical">
            {active.length > 1 ? (
              <Form.Item label={t('rec.qaForm')}>
                <Select aria-label={t('rec.qaForm')} value={chosen.id} onChange={setFormId} options={active.map((f) => ({ value: f.id, label: f.name }))} />
              </Form.Item>
            ) : null}
            {criteria.map((c) => {
              const max = c.max_points ?? 10;
              const name = c.name || c.id;
              return (
                <Form.Item key={c.id} name={`s_${c.id}`} label={`${name} (0–${max})`} extra={c.description || undefined} rules={[{ required: true, message: t('crud.required', { field: name }) }]}>
                  <InputNumber aria-label={name} min={0} max={max} precision={0} />
                </Form.Item>
              );
            })}
            <Form.Item name="comment" label={t('rec.comment')}>
              <Input.TextArea aria-label={t('rec.comment')} autoSize={{ minRows: 2 }} />
            </Form.Item>
            <Button type="primary" onClick={() => void save()}>
              {t('rec.saveScore')}
            </Button>
          </Form>
        )
      }
    </LoadView>
  );
}

export function RecordingDrawer({ rec, onClose }: { rec: Recording; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const scores = useApiGet<unknown>(`/recordings/${encodeURIComponent(rec.id)}/scores`);
  return (
    <Drawer open onClose={onClose} width={560} title={t('rec.titleOne', { number: rec.customer_number ?? rec.id })}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {can('recordings.listen') ? <Player rec={rec} /> : <Alert type="info" showIcon message={t('rec.noListen')} />}
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'started', label: t('rec.started'), children: formatTime(rec.started_at, lang) },
            { key: 'dur', label: t('rec.duration'), children: formatDuration((rec.duration_ms ?? 0) / 1000) },
            { key: 'call', label: t('rec.callId'), children: rec.call_id ?? '—' },
            { key: 'sha', label: 'SHA-256', children: <Typography.Text code style={{ fontSize: 11, wordBreak: 'break-all' }}>{rec.sha256 ?? '—'}</Typography.Text> },
          ]}
        />
        <Divider orientation="left">{t('rec.scores')}</Divider>
        <LoadView load={scores.load} what={t('rec.scores')}>
          {(body) => (
            <Table<Score>
              size="small"
              rowKey={(s) => s.id ?? JSON.stringify(s)}
              pagination={false}
              dataSource={itemsOf<Score>(body)}
              locale={{ emptyText: t('rec.noScores') }}
              columns={[
                { key: 'total', title: t('rec.total'), width: 80, dataIndex: 'total' },
                { key: 'by', title: t('flow.createdBy'), dataIndex: 'supervisor_id', ellipsis: true },
                { key: 'at', title: t('common.created'), render: (_, s) => formatTime(s.created_at, lang) },
                { key: 'c', title: t('rec.comment'), dataIndex: 'comment', ellipsis: true },
              ]}
            />
          )}
        </LoadView>
        {can('agents.supervise') ? (
          <>
            <Divider orientation="left">{t('rec.score')}</Divider>
            <ScoreForm rec={rec} onSaved={scores.reload} />
          </>
        ) : null}
      </Space>
    </Drawer>
  );
}
