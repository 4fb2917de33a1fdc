// Supervisor actions on the wallboard: listen / whisper / barge on an agent
// from the supervisor's own extension, force an agent's state or log him out,
// and the calls waiting in queues (move to another queue or agent, release).
import { useCallback, useEffect, useRef, useState } from 'react';
import { App, Button, Card, Dropdown, Input, List, Select, Space, Tag, Typography } from 'antd';
import { MoreOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { api } from '../../api/session';
import { errorText } from '../../api/errorText';
import { isUnavailable, itemsOf } from '../../components/useApi';
import { formatDuration } from '../../components/time';
import type { AgentTile, QueueCard } from './wallboardState';

const DEVICE_KEY = 'hujiao.supervisor.device';
export type SupervisionMode = 'listen' | 'whisper' | 'barge';
export interface Supervision {
  id: string;
  mode: SupervisionMode;
  agentName: string;
}

export function useSupervisor() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [device, setDeviceState] = useState(() => {
    try {
      return localStorage.getItem(DEVICE_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const [active, setActive] = useState<Supervision | null>(null);
  const setDevice = (d: string) => {
    setDeviceState(d);
    try {
      localStorage.setItem(DEVICE_KEY, d);
    } catch {
      // Kept for this page only.
    }
  };
  const call = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      return true;
    } catch (e) {
      message.error(errorText(t, e));
      return false;
    }
  };
  const supervise = async (mode: SupervisionMode, a: AgentTile) => {
    if (!device) return message.warning(t('sup.needDevice'));
    try {
      const r = await api.post<{ supervision_id: string }>(`/supervisor/${mode}`, { agent_id: a.id, device });
      setActive({ id: r.supervision_id, mode, agentName: a.name });
    } catch (e) {
      message.error(errorText(t, e));
    }
  };
  const stop = async () => {
    if (active && (await call(() => api.post('/supervisor/stop', { supervision_id: active.id }), t('sup.stopped')))) setActive(null);
  };
  const agentAction = (a: AgentTile, action: 'force_logout' | 'force_ready' | 'force_not_ready', reason?: string) =>
    void call(() => api.post(`/agents/${encodeURIComponent(a.id)}/${action}`, reason ? { reason } : {}), t('sup.done', { name: a.name }));
  /** Ends the agent's connected call (POST /interactions/{id}/force_release). */
  const releaseCall = (a: AgentTile) =>
    void call(async () => {
      const list = await api.get<unknown>('/interactions', { state: 'connected' });
      const mine = itemsOf<Record<string, unknown>>(list).find((i) => i.agent_id === a.id);
      if (!mine) throw new Error(t('sup.noCall', { name: a.name }));
      await api.post(`/interactions/${encodeURIComponent(String(mine.id ?? mine.interaction_id))}/force_release`, {});
    }, t('sup.released'));
  return { device, setDevice, active, supervise, stop, agentAction, releaseCall, call };
}

export type SupervisorApi = ReturnType<typeof useSupervisor>;

export function SupervisorBar({ sup }: { sup: SupervisorApi }) {
  const { t } = useI18n();
  return (
    <Space wrap>
      <Input
        aria-label={t('sup.device')}
        placeholder={t('sup.device')}
        addonBefore={t('sup.myDevice')}
        value={sup.device}
        onChange={(e) => sup.setDevice(e.target.value.trim())}
        style={{ width: 220 }}
      />
      {sup.active ? (
        <>
          <Tag color="blue" data-testid="supervision">
            {t(`sup.${sup.active.mode}`)} · {sup.active.agentName}
          </Tag>
          <Button size="small" onClick={() => void sup.stop()}>
            {t('sup.stop')}
          </Button>
        </>
      ) : null}
    </Space>
  );
}

export function AgentMenu({ a, sup, reasons }: { a: AgentTile; sup: SupervisorApi; reasons: string[] }) {
  const { t } = useI18n();
  const busy = a.state === 'busy';
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'listen', label: t('sup.listen'), disabled: !busy },
          { key: 'whisper', label: t('sup.whisper'), disabled: !busy },
          { key: 'barge', label: t('sup.barge'), disabled: !busy },
          { key: 'release', label: t('sup.releaseCall'), danger: true, disabled: !busy },
          { type: 'divider' },
          { key: 'force_ready', label: t('sup.forceReady'), disabled: a.state === 'ready' || a.state === 'logged_out' },
          {
            key: 'nr',
            label: t('sup.forceNotReady'),
            disabled: a.state === 'logged_out',
            children: reasons.map((r) => ({ key: `nr:${r}`, label: r })),
          },
          { key: 'force_logout', label: t('sup.forceLogout'), danger: true, disabled: a.state === 'logged_out' },
        ],
        onClick: ({ key }) => {
          if (key === 'listen' || key === 'whisper' || key === 'barge') void sup.supervise(key, a);
          else if (key === 'release') sup.releaseCall(a);
          else if (key.startsWith('nr:')) sup.agentAction(a, 'force_not_ready', key.slice(3));
          else if (key === 'force_ready' || key === 'force_logout') sup.agentAction(a, key);
        },
      }}
    >
      <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('sup.actionsFor', { name: a.name })} />
    </Dropdown>
  );
}

type WaitingCall = { id: string; number: string; queueId: string; queuedAt: number };

function readWaiting(body: unknown, now: number): WaitingCall[] {
  return itemsOf<Record<string, unknown>>(body).map((o) => {
    const c = (o.customer ?? {}) as Record<string, unknown>;
    const at = Date.parse(String(o.enqueued_at ?? o.queued_at ?? o.created_at ?? ''));
    return { id: String(o.id ?? o.interaction_id ?? ''), number: String(c.number ?? ''), queueId: String(o.queue_id ?? ''), queuedAt: Number.isNaN(at) ? now : at };
  });
}

/** Calls waiting in queues; re-read on every interaction event (so within a second of a change). */
export function WaitingCalls({ queues, agents, sup, now, version }: { queues: QueueCard[]; agents: AgentTile[]; sup: SupervisorApi; now: number; version: number }) {
  const { t } = useI18n();
  const [calls, setCalls] = useState<WaitingCall[] | 'unavailable' | null>(null);
  const [target, setTarget] = useState<Record<string, string>>({});
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reload = useCallback(() => {
    api
      .get<unknown>('/interactions', { state: 'waiting' })
      .then((b) => setCalls(readWaiting(b, Date.now())))
      .catch((e: unknown) => setCalls(isUnavailable(e) ? 'unavailable' : null));
  }, []);
  useEffect(() => {
    // Coalesce bursts of events into one read.
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(reload, version ? 150 : 0);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [version, reload]);

  const qName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  const move = async (c: WaitingCall) => {
    const v = target[c.id];
    if (!v) return;
    const [kind, id] = v.split(':');
    if (await sup.call(() => api.post(`/interactions/${encodeURIComponent(c.id)}/move`, kind === 'q' ? { queue_id: id } : { agent_id: id }), t('sup.moved'))) reload();
  };
  const release = async (c: WaitingCall) => {
    if (await sup.call(() => api.post(`/interactions/${encodeURIComponent(c.id)}/force_release`, {}), t('sup.released'))) reload();
  };
  const targets = [
    ...queues.map((q) => ({ value: `q:${q.id}`, label: `${t('sup.toQueue')} ${q.name}` })),
    ...agents.filter((a) => a.state === 'ready').map((a) => ({ value: `a:${a.id}`, label: `${t('sup.toAgent')} ${a.name}` })),
  ];
  return (
    <Card size="small" title={t('sup.waitingCalls', { n: Array.isArray(calls) ? calls.length : 0 })}>
      {calls === 'unavailable' || calls === null ? (
        <Typography.Text type="secondary">{t('sup.waitingUnavailable')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={calls}
          locale={{ emptyText: t('sup.noWaiting') }}
          renderItem={(c) => (
            <List.Item>
              <Space wrap size={4} style={{ width: '100%' }}>
                <Typography.Text strong>{c.number || t('desktop.unknownCaller')}</Typography.Text>
                <Typography.Text type="secondary">
                  {qName(c.queueId)} · {formatDuration((now - c.queuedAt) / 1000)}
                </Typography.Text>
                <Select
                  size="small"
                  aria-label={t('sup.moveTarget', { number: c.number })}
                  placeholder={t('sup.moveTo')}
                  style={{ width: 150 }}
                  value={target[c.id]}
                  onChange={(v: string) => setTarget((m) => ({ ...m, [c.id]: v }))}
                  options={targets}
                />
                <Button size="small" disabled={!target[c.id]} onClick={() => void move(c)}>
                  {t('sup.move')}
                </Button>
                <Button size="small" danger onClick={() => void release(c)}>
                  {t('sup.release')}
                </Button>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
