// The audit log: who changed what, when and from where; each row expands to
// a field-by-field before/after view. New entries arrive live.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { useI18n, type TFunction } from '../../i18n';
import { api } from '../../api/session';
import { listPage } from '../../api/resources';
import { errorText } from '../../api/errorText';
import type { AuditEntry, Page } from '../../api/types';
import { formatTime } from '../../components/time';
import { useLiveEvents } from '../../ws/EventsProvider';
import { diffObjects, showValue, type DiffRow } from './diff';
import { newestFirstSlice } from './auditSlice';

const PAGE_SIZE = 25;
// The filters GET /api/v1/audit offers (see its OpenAPI entry).
const RESOURCES = ['users', 'roles', 'departments', 'sessions'];
const ACTIONS = ['create', 'update', 'delete', 'login', 'logout', 'login_failed', 'lockout', 'password_change', 'unlock'];

export function DiffView({ entry, t }: { entry: AuditEntry; t: TFunction }) {
  const rows = diffObjects(entry.before, entry.after);
  if (!rows.length) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  const color: Record<DiffRow['kind'], string> = { added: 'green', removed: 'red', changed: 'orange', same: 'default' };
  return (
    <div role="group" aria-label={t('audit.diff')}>
    <Table<DiffRow>
      size="small"
      rowKey="path"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: t('audit.field'), dataIndex: 'path', key: 'path', width: 220 },
        {
          title: t('audit.change'),
          dataIndex: 'kind',
          key: 'kind',
          width: 110,
          render: (k: DiffRow['kind']) => <Tag color={color[k]}>{t(`audit.kind.${k}`)}</Tag>,
        },
        {
          title: t('audit.before'),
          key: 'before',
          render: (_, r) => <code style={{ background: '#fff1f0', wordBreak: 'break-all' }}>{showValue(r.before)}</code>,
        },
        {
          title: t('audit.after'),
          key: 'after',
          render: (_, r) => <code style={{ background: '#f6ffed', wordBreak: 'break-all' }}>{showValue(r.after)}</code>,
        },
      ]}
    />
    </div>
  );
}

export default function AuditPage() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [resource, setResource] = useState<string | undefined>();
  const [action, setAction] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<AuditEntry> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState(0);

  const reload = useCallback(() => {
    setFresh(0);
    setVersion((v) => v + 1);
  }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    const filters = {
      q,
      resource,
      action,
      from: range?.[0]?.startOf('day').toISOString(),
      to: range?.[1]?.endOf('day').toISOString(),
    };
    (async () => {
      // One cheap call for the total, then the slice that holds the newest entries of this page.
      const head = await listPage<AuditEntry>(api, 'audit', { ...filters, limit: 1, offset: 0 }, ctrl.signal);
      const slice = newestFirstSlice(head.total, page, PAGE_SIZE);
      const d = head.total > 1 ? await listPage<AuditEntry>(api, 'audit', { ...filters, ...slice }, ctrl.signal) : head;
      return { ...d, items: [...d.items].reverse() };
    })()
      .then((d) => {
        setData(d);
        setError(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [page, q, resource, action, range, version]);

  // New entries are counted, not spliced in: the page the user reads does not jump.
  useLiveEvents(() => setFresh((n) => n + 1), ['audit']);

  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.time'), dataIndex: 'ts', key: 'ts', width: 180, render: (v: string) => formatTime(v, lang) },
    { title: t('audit.user'), key: 'user', width: 140, render: (_, e) => e.username || e.user_id || '—' },
    { title: t('audit.action'), dataIndex: 'action', key: 'action', width: 160, render: (a: string) => <Tag>{a}</Tag> },
    {
      title: t('audit.resource'),
      key: 'resource',
      ellipsis: true,
      render: (_, e) => (
        <span>
          {e.resource}
          {e.resource_id ? <Typography.Text type="secondary"> {e.resource_id}</Typography.Text> : null}
        </span>
      ),
    },
    { title: t('audit.source'), dataIndex: 'source_address', key: 'source', width: 150, render: (s: string | null) => s || '—' },
  ];

  return (
    <section aria-labelledby="audit-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="audit-title" style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            allowClear
            aria-label={t('audit.search')}
            placeholder={t('audit.searchPlaceholder')}
            onSearch={(v) => {
              setPage(1);
              setQ(v.trim());
            }}
            style={{ width: 240 }}
          />
          <Select
            allowClear
            aria-label={t('audit.filterResource')}
            placeholder={t('audit.filterResource')}
            value={resource}
            onChange={(v?: string) => {
              setPage(1);
              setResource(v);
            }}
            options={RESOURCES.map((r) => ({ value: r, label: r }))}
            style={{ width: 160 }}
          />
          <Select
            allowClear
            aria-label={t('audit.filterAction')}
            placeholder={t('audit.filterAction')}
            value={action}
            onChange={(v?: string) => {
              setPage(1);
              setAction(v);
            }}
            options={ACTIONS.map((a) => ({ value: a, label: a }))}
            style={{ width: 160 }}
          />
          <DatePicker.RangePicker
            aria-label={t('audit.filterTime')}
            value={range}
            onChange={(v) => {
              setPage(1);
              setRange(v);
            }}
            allowEmpty={[true, true]}
            style={{ width: 240 }}
          />
          <Badge count={fresh} size="small" title={t('audit.newEntries', { n: fresh })}>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </Badge>
        </Space>
      </Space>
      {error ? <Alert type="error" showIcon role="alert" message={errorText(t, error)} style={{ marginBottom: 12 }} /> : null}
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        expandable={{ expandedRowRender: (e) => <DiffView entry={e} t={t} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { total }),
          onChange: setPage,
        }}
      />
    </section>
  );
}
