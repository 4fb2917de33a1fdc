// Supervisor wallboard: per-queue cards and an agent grid fed by live events,
// plus the server's health and the live audit feed. Queues and agents come
// from /api/v1/queues and /api/v1/agents; until the ACD API exists those
// answer 404 and the page says so instead of inventing numbers.
import { useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { useAuth } from '../../auth/AuthProvider';
import { DEFAULT_REASONS, readReasons } from '../agent/agentApi';
import { AgentMenu, SupervisorBar, WaitingCalls, useSupervisor } from './supervisor';
import { Alert, Card, Col, Descriptions, Empty, List, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useI18n, hasKey, type MessageKey, type TFunction } from '../../i18n';
import { api } from '../../api/session';
import { isApiError } from '../../api/client';
import { errorText } from '../../api/errorText';
import { useLiveEvents, useSocketStatus } from '../../ws/EventsProvider';
import { EChart } from '../../components/EChart';
import { allItemsQuery, isUnavailable } from '../../components/useApi';
import { formatDuration, formatTime } from '../../components/time';
import {
  AGENT_STATES,
  BUCKET_MS,
  THRESHOLDS,
  agentLevel,
  initialWallboard,
  levelOf,
  wallboardReducer,
  type AgentTile,
  type Level,
  type QueueCard,
} from './wallboardState';

type Source = { status: 'loading' } | { status: 'ok' } | { status: 'unavailable' } | { status: 'error'; error: unknown };

const LEVEL_COLOR: Record<Level, string> = { ok: '#389e0d', warn: '#d48806', alert: '#cf1322' };
const STATE_COLOR: Record<string, string> = {
  logged_out: '#8c8c8c',
  ready: '#52c41a',
  not_ready: '#fa8c16',
  reserved: '#1677ff',
  busy: '#cf1322',
  wrap_up: '#722ed1',
};

export function stateLabel(t: TFunction, state: string): string {
  const key = `agentState.${state}`;
  return hasKey(key) ? t(key) : state;
}

function useList(path: string, onItems: (items: unknown[]) => void): Source {
  const [src, setSrc] = useState<Source>({ status: 'loading' });
  const onItemsRef = useRef(onItems);
  onItemsRef.current = onItems;
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .get<unknown>(path, allItemsQuery(path), ctrl.signal)
      .then((body) => {
        const items = Array.isArray(body) ? body : (body as { items?: unknown[] } | null)?.items ?? [];
        onItemsRef.current(items);
        setSrc({ status: 'ok' });
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setSrc(isUnavailable(e) ? { status: 'unavailable' } : { status: 'error', error: e });
      });
    return () => ctrl.abort();
  }, [path]);
  return src;
}

function QueueCardView({ q, t }: { q: QueueCard; t: TFunction }) {
  const stat = (title: string, value: string | number, level: Level, label: string) => (
    <Statistic title={title} value={value} valueStyle={{ color: LEVEL_COLOR[level], fontSize: 22 }} aria-label={label} />
  );
  return (
    <Card size="small" title={q.name} data-testid={`queue-${q.id}`}>
      <Row gutter={8}>
        <Col span={6}>{stat(t('wallboard.waiting'), q.waiting, levelOf(q.waiting, THRESHOLDS.waiting), `${t('wallboard.waiting')} ${q.waiting}`)}</Col>
        <Col span={6}>
          {stat(
            t('wallboard.longestWait'),
            formatDuration(q.longestWaitS),
            levelOf(q.longestWaitS, THRESHOLDS.longestWaitS),
            `${t('wallboard.longestWait')} ${formatDuration(q.longestWaitS)}`,
          )}
        </Col>
        <Col span={6}>
          {stat(
            t('wallboard.serviceLevel'),
            q.serviceLevelPct === null ? '—' : `${q.serviceLevelPct.toFixed(0)}%`,
            levelOf(q.serviceLevelPct, THRESHOLDS.serviceLevelPct),
            t('wallboard.serviceLevel'),
          )}
        </Col>
        <Col span={6}>
          {stat(
            t('wallboard.abandonRate'),
            q.abandonRatePct === null ? '—' : `${q.abandonRatePct.toFixed(1)}%`,
            levelOf(q.abandonRatePct, THRESHOLDS.abandonRatePct),
            t('wallboard.abandonRate'),
          )}
        </Col>
      </Row>
      <Space size={4} wrap style={{ marginTop: 8 }}>
        {AGENT_STATES.filter((s) => s !== 'logged_out').map((s) => (
          <Tag key={s} color={STATE_COLOR[s]}>
            {stateLabel(t, s)} {q.agentsByState[s] ?? 0}
          </Tag>
        ))}
      </Space>
    </Card>
  );
}

function AgentTileView({ a, now, t, menu }: { a: AgentTile; now: number; t: TFunction; menu?: ReactNode }) {
  const level = agentLevel(a, now);
  const secs = Math.max(0, Math.floor((now - a.sinceMs) / 1000));
  return (
    <div
      role="listitem"
      aria-label={`${a.name}: ${stateLabel(t, a.state)} ${formatDuration(secs)}`}
      style={{
        borderLeft: `4px solid ${STATE_COLOR[a.state] ?? '#8c8c8c'}`,
        background: level === 'ok' ? '#fafafa' : level === 'warn' ? '#fffbe6' : '#fff1f0',
        padding: '6px 8px',
        borderRadius: 4,
      }}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Text strong ellipsis>
          {a.name}
        </Typography.Text>
        {menu}
      </div>
      <Space size={4}>
        <span>{stateLabel(t, a.state)}</span>
        {a.reason ? <Typography.Text type="secondary">({a.reason})</Typography.Text> : null}
        <Typography.Text style={{ color: LEVEL_COLOR[level], fontVariantNumeric: 'tabular-nums' }}>{formatDuration(secs)}</Typography.Text>
      </Space>
    </div>
  );
}

function SourceNote({ src, what, path, t }: { src: Source; what: string; path: string; t: TFunction }) {
  if (src.status === 'unavailable') return <Empty description={what} />;
  if (src.status === 'error') {
    const denied = isApiError(src.error) && src.error.status === 403;
    return <Alert type={denied ? 'info' : 'error'} showIcon message={denied ? t('wallboard.noPermission', { path }) : errorText(t, src.error)} />;
  }
  return null;
}

export default function WallboardPage() {
  const { t, lang } = useI18n();
  const socket = useSocketStatus();
  const [state, dispatch] = useReducer(wallboardReducer, Date.now(), initialWallboard);
  const [now, setNow] = useState(Date.now());
  const { can } = useAuth();
  const supervising = can('agents.supervise');
  const sup = useSupervisor();
  const [reasons, setReasons] = useState<string[]>([...DEFAULT_REASONS]);
  const [interactionVersion, setInteractionVersion] = useState(0);
  useEffect(() => {
    if (!supervising) return;
    api
      .get<unknown>('/agent-reasons')
      .then((b) => {
        const r = readReasons(b);
        if (r.length) setReasons(r);
      })
      .catch(() => undefined);
  }, [supervising]);
  const queuesSrc = useList('/queues/stats', (items) => dispatch({ type: 'queues', items, now: Date.now() }));
  const agentsSrc = useList('/agents', (items) => dispatch({ type: 'agents', items, now: Date.now() }));

  useLiveEvents((ev) => {
    dispatch({ type: 'event', ev, now: Date.now() });
    if (ev.type.startsWith('interaction.')) setInteractionVersion((v) => v + 1);
  });

  useEffect(() => {
    const id = setInterval(() => {
      const n = Date.now();
      setNow(n);
      dispatch({ type: 'tick', now: n });
    }, 1000);
    return () => clearInterval(id);
  }, []);

  const queues = Object.values(state.queues).sort((a, b) => a.name.localeCompare(b.name));
  const agents = Object.values(state.agents)
    .filter((a) => a.state !== 'logged_out')
    .sort((a, b) => a.name.localeCompare(b.name));

  const rateOption = useMemo(
    () => ({
      grid: { left: 32, right: 8, top: 16, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: state.rate.map((_, i) => {
          const secsAgo = ((state.rate.length - 1 - i) * BUCKET_MS) / 1000;
          return secsAgo === 0 ? t('wallboard.now') : `-${secsAgo}s`;
        }),
        axisLabel: { interval: 5 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'line', name: t('wallboard.events'), data: state.rate, areaStyle: {}, smooth: true, symbol: 'none' }],
    }),
    [state.rate, t],
  );

  const healthItems = state.health
    ? Object.entries(state.health)
        .filter(([, v]) => v === null || typeof v !== 'object')
        .slice(0, 8)
        .map(([k, v]) => ({ key: k, label: hasKey(`health.${k}`) ? t(`health.${k}` as MessageKey) : k, children: String(v) }))
    : [];

  return (
    <section aria-labelledby="wallboard-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={4} id="wallboard-title" style={{ margin: 0 }}>
          {t('wallboard.title')}
        </Typography.Title>
        {supervising ? <SupervisorBar sup={sup} /> : null}
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('wallboard.health')} style={{ height: '100%' }}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <span>
                {t('wallboard.liveConnection')}: <Tag color={socket === 'open' ? 'green' : 'orange'}>{t(`ws.${socket}`)}</Tag>
              </span>
              {state.health ? (
                <>
                  <Typography.Text type="secondary">{t('wallboard.healthAt', { time: formatTime(state.healthAt, lang) })}</Typography.Text>
                  <Descriptions size="small" column={1} items={healthItems} />
                </>
              ) : (
                <Typography.Text type="secondary">{t('wallboard.waitingHealth')}</Typography.Text>
              )}
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('wallboard.eventRate', { n: state.events })}>
            <EChart option={rateOption} height={180} ariaLabel={t('wallboard.eventRateAria')} />
          </Card>
        </Col>

        <Col span={24}>
          <Typography.Title level={5}>{t('wallboard.queues')}</Typography.Title>
          <SourceNote src={queuesSrc} what={t('wallboard.noQueues')} path="/api/v1/queues/stats" t={t} />
          {queuesSrc.status === 'ok' && !queues.length ? <Empty description={t('wallboard.noQueues')} /> : null}
          <Row gutter={[12, 12]}>
            {queues.map((q) => (
              <Col key={q.id} xs={24} md={12} xl={8}>
                <QueueCardView q={q} t={t} />
              </Col>
            ))}
          </Row>
        </Col>

        <Col xs={24} lg={16}>
          <Card size="small" title={t('wallboard.agents', { n: agents.length })}>
            <SourceNote src={agentsSrc} what={t('wallboard.noAgentsApi')} path="/api/v1/agents" t={t} />
            {agentsSrc.status === 'ok' && !agents.length ? <Empty description={t('wallboard.noAgents')} /> : null}
            <div role="list" aria-label={t('wallboard.agentGrid')} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 8 }}>
              {agents.map((a) => (
                <AgentTileView key={a.id} a={a} now={now} t={t} menu={supervising ? <AgentMenu a={a} sup={sup} reasons={reasons} /> : undefined} />
              ))}
            </div>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          {supervising ? (
            <div style={{ marginBottom: 12 }}>
              <WaitingCalls queues={queues} agents={agents} sup={sup} now={now} version={interactionVersion} />
            </div>
          ) : null}
          <Card size="small" title={t('wallboard.feed')}>
            {state.feed.length ? (
              <List
                size="small"
                dataSource={state.feed}
                renderItem={(f) => (
                  <List.Item key={f.key}>
                    <Space direction="vertical" size={0}>
                      <span>
                        <Tag>{f.action}</Tag>
                        {f.resource}
                      </span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {f.who} · {formatTime(f.ts, lang)}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              <Typography.Text type="secondary">{t('wallboard.feedEmpty')}</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
