// Recordings: search (GET /api/v1/recordings), play in an HTML audio element
// from the Range-enabled URL, and score with a QA form (GET /qa/forms,
// GET/POST /recordings/{id}/scores).
import { useState } from 'react';
import { Button, DatePicker, Input, Space, Table, Typography } from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';
import { formatDuration, formatTime } from '../../components/time';
import { RecordingDrawer, type Recording } from './RecordingDrawer';

const PAGE = 20;

export default function RecordingsPage() {
  const { t, lang } = useI18n();
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
        {(body) => (
          <Table<Recording>
            rowKey="id"
            size="small"
            dataSource={itemsOf<Recording>(body)}
            scroll={{ x: 900 }}
            pagination={{
              current: page,
              pageSize: PAGE,
              total: (body as { total?: number }).total ?? itemsOf(body).length,
              showSizeChanger: false,
              showTotal: (total) => t('common.total', { total }),
              onChange: setPage,
            }}
            columns={[
              { key: 'started', title: t('rec.started'), width: 180, render: (_, r) => formatTime(r.started_at, lang) },
              { key: 'number', title: t('rec.number'), dataIndex: 'customer_number' },
              { key: 'agent', title: t('rec.agentId'), dataIndex: 'agent_id', ellipsis: true },
              { key: 'queue', title: t('rec.queueId'), dataIndex: 'queue_id', ellipsis: true },
              { key: 'dur', title: t('rec.duration'), width: 100, render: (_, r) => formatDuration((r.duration_ms ?? 0) / 1000) },
              { key: 'size', title: t('rec.size'), width: 100, render: (_, r) => `${Math.round((r.size_bytes ?? 0) / 1024)} KiB` },
              {
                key: 'play',
                title: t('common.actions'),
                width: 110,
                render: (_, r) => (
                  <Button type="link" size="small" onClick={() => setOpen(r)} aria-label={t('rec.playNamed', { number: r.customer_number ?? r.id })}>
                    {t('rec.play')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </LoadView>
      {open ? <RecordingDrawer rec={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
