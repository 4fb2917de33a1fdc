// IVR flows: the list (GET /api/v1/flows) and, for the one opened, the editor.
import { useState } from 'react';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';
import { formatTime } from '../../components/time';
import { FlowEditor } from './FlowEditor';

export type FlowSummary = {
  id: string;
  name: string;
  description?: string;
  published_version?: number | null;
  latest_version?: number | null;
  updated_at?: string;
};

export default function FlowsPage() {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { load, reload } = useApiGet<unknown>('/flows', { limit: 1000 });
  const [open, setOpen] = useState<string | 'new' | null>(null);

  if (open)
    return (
      <FlowEditor
        flowId={open === 'new' ? null : open}
        onBack={() => {
          setOpen(null);
          reload();
        }}
        onCreated={(id) => setOpen(id)}
      />
    );

  return (
    <section aria-labelledby="flows-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="flows-title" style={{ margin: 0 }}>
          {t('flow.title')}
        </Typography.Title>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          {can('flows.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen('new')}>
              {t('flow.create')}
            </Button>
          ) : null}
        </Space>
      </Space>
      <LoadView load={load} what={t('flow.title')}>
        {(body) => (
          <Table<FlowSummary>
            rowKey="id"
            size="small"
            dataSource={itemsOf<FlowSummary>(body)}
            pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { total }) }}
            columns={[
              { key: 'name', title: t('common.name'), dataIndex: 'name' },
              { key: 'description', title: t('common.description'), dataIndex: 'description', ellipsis: true },
              {
                key: 'published',
                title: t('flow.published'),
                width: 130,
                render: (_, f) => (f.published_version ? <Tag color="green">v{f.published_version}</Tag> : <Tag>{t('flow.unpublished')}</Tag>),
              },
              { key: 'latest', title: t('flow.latest'), width: 110, render: (_, f) => (f.latest_version ? `v${f.latest_version}` : '—') },
              { key: 'updated', title: t('common.updated'), width: 180, render: (_, f) => formatTime(f.updated_at, lang) },
              {
                key: 'open',
                title: t('common.actions'),
                width: 110,
                render: (_, f) => (
                  <Button type="link" size="small" onClick={() => setOpen(f.id)} aria-label={t('flow.openNamed', { name: f.name })}>
                    {t('flow.open')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </LoadView>
    </section>
  );
}
