// The agents of one queue with their level and position; add, change, remove.
import { useEffect, useState } from 'react';
import { App, Button, Drawer, InputNumber, Popconfirm, Select, Space, Table } from 'antd';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { errorText } from '../../api/errorText';
import { itemsOf, LoadView, useApiGet } from '../../components/useApi';

type Member = { agent_id: string; level?: number; position?: number; username?: string; display_name?: string };
type Agent = { id: string; username?: string; display_name?: string };

export function QueueMembersDrawer({ queue, onClose }: { queue: { id: string; name: string }; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('queues.write');
  const base = `/queues/${encodeURIComponent(queue.id)}/members`;
  const { load, reload } = useApiGet<unknown>(base);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [pick, setPick] = useState<string | undefined>();
  const [level, setLevel] = useState<number>(1);
  const [position, setPosition] = useState<number>(0);

  useEffect(() => {
    api
      .get<unknown>('/agents')
      .then((b) => setAgents(itemsOf<Agent>(b)))
      .catch(() => setAgents([]));
  }, []);
  const nameOf = (id: string) => {
    const a = agents.find((x) => x.id === id);
    return a ? a.display_name || a.username || id : id;
  };

  const put = async (agentId: string, body: { level: number; position: number }) => {
    try {
      await api.request('PUT', `${base}/${encodeURIComponent(agentId)}`, { body });
      message.success(t('crud.saved'));
      reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };
  const remove = async (agentId: string) => {
    try {
      await api.del(`${base}/${encodeURIComponent(agentId)}`);
      reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  return (
    <Drawer open onClose={onClose} width={560} title={t('queue.membersOf', { name: queue.name })}>
      {writable ? (
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            aria-label={t('queue.pickAgent')}
            placeholder={t('queue.pickAgent')}
            style={{ width: 200 }}
            showSearch
            optionFilterProp="label"
            value={pick}
            onChange={setPick}
            options={agents.map((a) => ({ value: a.id, label: a.display_name || a.username || a.id }))}
          />
          <InputNumber aria-label={t('queue.level')} addonBefore={t('queue.level')} min={1} max={10} value={level} onChange={(v) => setLevel(v ?? 1)} style={{ width: 130 }} />
          <InputNumber aria-label={t('queue.position')} addonBefore={t('queue.position')} min={0} value={position} onChange={(v) => setPosition(v ?? 0)} style={{ width: 130 }} />
          <Button type="primary" disabled={!pick} onClick={() => pick && void put(pick, { level, position })}>
            {t('queue.addMember')}
          </Button>
        </Space>
      ) : null}
      <LoadView load={load} what={t('queue.members')}>
        {(body) => (
          <Table<Member>
            rowKey="agent_id"
            size="small"
            pagination={false}
            dataSource={itemsOf<Member>(body)}
            columns={[
              { key: 'agent', title: t('agent.agent'), render: (_, m) => m.display_name || m.username || nameOf(m.agent_id) },
              {
                key: 'level',
                title: t('queue.level'),
                width: 110,
                render: (_, m) =>
                  writable ? (
                    <InputNumber aria-label={t('queue.levelOf', { name: nameOf(m.agent_id) })} size="small" min={1} max={10} defaultValue={m.level ?? 1}
                      onBlur={(e) => { const v = Number(e.target.value); if (v && v !== m.level) void put(m.agent_id, { level: v, position: m.position ?? 0 }); }} />
                  ) : (m.level ?? '—'),
              },
              { key: 'position', title: t('queue.position'), dataIndex: 'position', width: 90 },
              ...(writable
                ? [{
                    key: 'x',
                    title: t('common.actions'),
                    width: 90,
                    render: (_: unknown, m: Member) => (
                      <Popconfirm title={t('queue.removeMember', { name: nameOf(m.agent_id) })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => remove(m.agent_id)}>
                        <Button type="link" danger size="small">{t('common.delete')}</Button>
                      </Popconfirm>
                    ),
                  }]
                : []),
            ]}
          />
        )}
      </LoadView>
    </Drawer>
  );
}
