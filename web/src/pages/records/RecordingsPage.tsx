// Recordings: search (GET /api/v1/recordings), play in an HTML audio element
// from the Range-enabled URL, and score with a QA form (GET /qa/forms,
// GET/POST /recordings/{id}/scores).
import { useState } from 'react';
import { Button, DatePicker, Input, Space, Typography } from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { LoadView, useApiGet } from '../../components/useApi';
import { RecordingDrawer, type Recording } from './RecordingDrawer';
import { RECORDINGS_PAGE as PAGE, RecordingsTable } from './RecordingsTable';

export default function RecordingsPage() {
  const { t } = useI18n();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [number, setNumber] = useState('');
  const [agent, setAgent] = useState('');
  const [queue, setQueue] = useState('');
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Recording | null>(null);
  const { load, reload } = useApiGet<unknown>('/recordings', { ...filters, limit: PAGE, offset: (page - 1) * PAGE });

  const search = () => {
    setPage(1);
    setFilters({
      from: range?.[0]?.toISOString(),
      to: range?.[1]?.toISOString(),
      number: number.trim() || undefined,
      agent_id: agent.trim() || undefined,
      queue_id: queue.trim() || undefined,
    });
  };

  return (
    <section aria-labelledby="rec-title">
      <Typography.Title level={4} id="rec-title" style={{ marginTop: 0 }}>
        {t('rec.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          showTime
          value={range}
          onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)}
          aria-label={t('common.timeRange')}
          placeholder={[t('common.from'), t('common.to')]}
        />
        <Input aria-label={t('rec.number')} placeholder={t('rec.number')} value={number} onChange={(e) => setNumber(e.target.value)} style={{ width: 150 }} onPressEnter={search} />
        <Input aria-label={t('rec.agentId')} placeholder={t('rec.agentId')} value={agent} onChange={(e) => setAgent(e.target.value)} style={{ width: 150 }} onPressEnter={search} />
        <Input aria-label={t('rec.queueId')} placeholder={t('rec.queueId')} value={queue} onChange={(e) => setQueue(e.target.value)} style={{ width: 150 }} onPressEnter={search} />
        <Button type="primary" icon={<SearchOutlined />} onClick={search}>
          {t('common.search')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
      </Space>
      <LoadView load={load} what={t('rec.title')}>
        {(body) => <RecordingsTable body={body} page={page} onPage={setPage} onPlay={setOpen} showAgent showSize scrollX={900} />}
      </LoadView>
      {open ? <RecordingDrawer rec={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
