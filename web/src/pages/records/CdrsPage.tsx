// Call detail records (GET /api/v1/cdrs): filters and a page of records.
import { useState } from 'react';
import { Button, DatePicker, Input, Select, Space, Table, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';
import { formatDuration, formatTime } from '../../components/time';

type Cdr = { id: string; direction?: string; caller_number?: string; callee_number?: string; destination?: string; did?: string; start?: string; answer?: string | null; duration_s?: number; hangup_cause?: string; hangup_side?: string; sip_code?: number };

const PAGE = 20;

export default function CdrsPage() {
  const { t, lang } = useI18n();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [number, setNumber] = useState('');
  const [direction, setDirection] = useState<string | undefined>();
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const [page, setPage] = useState(1);
  const { load } = useApiGet<unknown>('/cdrs', { ...filters, limit: PAGE, offset: (page - 1) * PAGE });
  const search = () => {
    setPage(1);
    setFilters({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString(), number: number.trim() || undefined, direction });
  };
  return (
    <section aria-labelledby="cdr-title">
      <Typography.Title level={4} id="cdr-title" style={{ marginTop: 0 }}>
        {t('cdr.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker showTime value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} aria-label={t('common.timeRange')} placeholder={[t('common.from'), t('common.to')]} />
        <Input aria-label={t('cdr.number')} placeholder={t('cdr.number')} value={number} onChange={(e) => setNumber(e.target.value)} style={{ width: 160 }} onPressEnter={search} />
        <Select
          aria-label={t('cdr.direction')}
          placeholder={t('cdr.direction')}
          allowClear
          value={direction}
          onChange={setDirection}
          style={{ width: 140 }}
          options={['internal', 'inbound', 'outbound'].map((d) => ({ value: d, label: t(`cdr.dir.${d}` as 'cdr.dir.inbound') }))}
        />
        <Button type="primary" icon={<SearchOutlined />} onClick={search}>
          {t('common.search')}
        </Button>
      </Space>
      <LoadView load={load} what={t('cdr.title')}>
        {(body) => (
          <Table<Cdr>
            rowKey="id"
            size="small"
            dataSource={itemsOf<Cdr>(body)}
            scroll={{ x: 1000 }}
            pagination={{ current: page, pageSize: PAGE, total: (body as { total?: number }).total ?? 0, showSizeChanger: false, showTotal: (total) => t('common.total', { total }), onChange: setPage }}
            columns={[
              { key: 'start', title: t('cdr.start'), width: 170, render: (_, c) => formatTime(c.start, lang) },
              { key: 'dir', title: t('cdr.direction'), width: 90, render: (_, c) => (c.direction ? t(`cdr.dir.${c.direction}` as 'cdr.dir.inbound') : '—') },
              { key: 'from', title: t('cdr.caller'), dataIndex: 'caller_number' },
              { key: 'to', title: t('cdr.callee'), dataIndex: 'callee_number' },
              { key: 'did', title: t('cdr.did'), dataIndex: 'did', width: 100 },
              { key: 'answered', title: t('cdr.answered'), width: 80, render: (_, c) => (c.answer ? t('common.yes') : t('common.no')) },
              { key: 'dur', title: t('cdr.duration'), width: 90, render: (_, c) => formatDuration(c.duration_s ?? 0) },
              { key: 'cause', title: t('cdr.cause'), dataIndex: 'hangup_cause', ellipsis: true },
              { key: 'side', title: t('cdr.side'), dataIndex: 'hangup_side', width: 90 },
            ]}
          />
        )}
      </LoadView>
    </section>
  );
}
