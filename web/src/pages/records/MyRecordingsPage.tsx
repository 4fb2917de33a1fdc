// "My recordings": an agent's own recorded calls (GET /api/v1/recordings with
// agent_id = himself; the server keeps an agent to his own calls anyway) with
// the quality score each got (GET /api/v1/qa/scores, same filter) and playback
// in the recording drawer (read-only scores for agents).
import { useMemo, useState } from 'react';
import { Button, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';
import { RecordingDrawer, type Recording } from './RecordingDrawer';
import { RECORDINGS_PAGE as PAGE, RecordingsTable } from './RecordingsTable';
import { scoresByRecording, type ScoreRow } from './myScores';

export default function MyRecordingsPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const agentId = me?.user.id ?? '';
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Recording | null>(null);
  const recs = useApiGet<unknown>('/recordings', { agent_id: agentId, limit: PAGE, offset: (page - 1) * PAGE });
  const scores = useApiGet<unknown>('/qa/scores', { agent_id: agentId, limit: 500 });
  const byRec = useMemo(() => scoresByRecording(scores.load.status === 'ok' ? itemsOf<ScoreRow>(scores.load.data) : []), [scores.load]);
  const average = scores.load.status === 'ok' ? (scores.load.data as { summary?: { agent_id?: string; average?: number; count?: number }[] }).summary?.find((s) => s.agent_id === agentId) : undefined;

  // The QA score each recording got (the latest of its scores), between duration and Play.
  const scoreColumn: ColumnsType<Recording>[number] = {
    key: 'qa',
    title: t('myrec.score'),
    width: 120,
    render: (_, r) => {
      const s = byRec.get(r.id);
      return s ? <Tag color="blue">{t('myrec.scoreValue', { total: s.total, n: s.count })}</Tag> : <Typography.Text type="secondary">{t('rec.noScores')}</Typography.Text>;
    },
  };

  return (
    <section aria-labelledby="myrec-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="myrec-title" style={{ margin: 0 }}>
          {t('myrec.title')}
        </Typography.Title>
        <Space>
          {average && typeof average.average === 'number' ? (
            <Typography.Text data-testid="my-qa-average">{t('myrec.average', { average: average.average.toFixed(1), count: average.count ?? 0 })}</Typography.Text>
          ) : null}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              recs.reload();
              scores.reload();
            }}
            aria-label={t('common.refresh')}
          />
        </Space>
      </Space>
      <LoadView load={recs.load} what={t('myrec.title')}>
        {(body) => <RecordingsTable body={body} page={page} onPage={setPage} onPlay={setOpen} extraColumns={[scoreColumn]} emptyText={t('myrec.none')} />}
      </LoadView>
      {open ? <RecordingDrawer rec={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
