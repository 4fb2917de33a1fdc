// The recordings table shared by "Recordings" (every recording in scope, with
// agent and size) and "My recordings" (an agent's own, with the QA score):
// a page of GET /api/v1/recordings with start, number, queue and duration, a
// Play button per row, and server-side paging. The pages add their own columns.
import { Button, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useI18n } from '../../i18n';
import { itemsOf } from '../../components/useApi';
import { formatDuration, formatTime } from '../../components/time';
import type { Recording } from './RecordingDrawer';

export const RECORDINGS_PAGE = 20;

export interface RecordingsTableProps {
  /** The body of GET /recordings ({items, total}). */
  body: unknown;
  page: number;
  onPage: (page: number) => void;
  onPlay: (rec: Recording) => void;
  /** Agent id and file size columns (the supervisors' view). */
  showAgent?: boolean;
  showSize?: boolean;
  /** Columns placed before the Play column. */
  extraColumns?: ColumnsType<Recording>;
  emptyText?: string;
  scrollX?: number;
}

export function RecordingsTable({ body, page, onPage, onPlay, showAgent, showSize, extraColumns, emptyText, scrollX }: RecordingsTableProps) {
  const { t, lang } = useI18n();
  const items = itemsOf<Recording>(body);
  const columns: ColumnsType<Recording> = [
    { key: 'started', title: t('rec.started'), width: 180, render: (_, r) => formatTime(r.started_at, lang) },
    { key: 'number', title: t('rec.number'), dataIndex: 'customer_number' },
    ...(showAgent ? [{ key: 'agent', title: t('rec.agentId'), dataIndex: 'agent_id', ellipsis: true }] : []),
    { key: 'queue', title: t('rec.queueId'), dataIndex: 'queue_id', ellipsis: true },
    { key: 'dur', title: t('rec.duration'), width: 100, render: (_, r) => formatDuration((r.duration_ms ?? 0) / 1000) },
    ...(showSize ? [{ key: 'size', title: t('rec.size'), width: 100, render: (_: unknown, r: Recording) => `${Math.round((r.size_bytes ?? 0) / 1024)} KiB` }] : []),
    ...(extraColumns ?? []),
    {
      key: 'play',
      title: t('common.actions'),
      width: 110,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => onPlay(r)} aria-label={t('rec.playNamed', { number: r.customer_number ?? r.id })}>
          {t('rec.play')}
        </Button>
      ),
    },
  ];
  return (
    <Table<Recording>
      rowKey="id"
      size="small"
      dataSource={items}
      scroll={scrollX ? { x: scrollX } : undefined}
      locale={emptyText ? { emptyText } : undefined}
      pagination={{
        current: page,
        pageSize: RECORDINGS_PAGE,
        total: (body as { total?: number } | null)?.total ?? items.length,
        showSizeChanger: false,
        showTotal: (total) => t('common.total', { total }),
        onChange: onPage,
      }}
      columns={columns}
    />
  );
}
