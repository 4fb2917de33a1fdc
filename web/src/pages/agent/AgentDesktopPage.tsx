// The agent desktop: presence with reasons and time in state, the ringing
// offer (toast + screen pop), the interaction in progress (CallPanel), a dial
// pad (dial out / DTMF), pickup of waiting calls, the wrap-up whose draft
// survives reloads, and today's statistics. Live through WebSocket events;
// when the CTI endpoints are missing (404/503) every control says so.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Dropdown, Input, Row, Select, Space, Tag, Typography, type InputRef } from 'antd';
import { CheckCircleOutlined, PauseCircleOutlined, PhoneOutlined, PoweroffOutlined, StopOutlined } from '@ant-design/icons';
import { useI18n, hasKey, type TFunction } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api, tokenStore } from '../../api/session';
import { takeEarlyAgent } from '../../api/early';
import { isApiError } from '../../api/client';
import { errorText } from '../../api/errorText';
import { useLiveEvents } from '../../ws/EventsProvider';
import { NotAvailable } from '../../components/NotAvailable';
import { formatDuration } from '../../components/time';
import { agentReducer, initialAgentState, type Offer } from './agentState';
import { agentApi } from './agentApi';
import { DialPad } from './DialPad';
import { CallPanel } from './CallPanel';
import { DeskSide } from './DeskSide';
import { WrapUpCard } from './WrapUpCard';
import { useDeskData } from './useDeskData';
import { SHORTCUTS, shortcutLabel, useShortcuts } from './shortcuts';

export function stateText(t: TFunction, s: string): string {
  const k = `agentState.${s}`;
  return hasKey(k) ? t(k) : s;
}

export function reasonText(t: TFunction, r: string): string {
  const k = `reason.${r}`;
  return hasKey(k) ? t(k) : r;
}

const STATE_TAG: Record<string, string> = { logged_out: 'default', ready: 'green', not_ready: 'orange', reserved: 'blue', busy: 'red', wrap_up: 'purple' };

function OfferView({ offer, t }: { offer: Offer; t: TFunction }) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text strong style={{ fontSize: 18 }}>
        <PhoneOutlined /> {offer.caller || t('desktop.unknownCaller')}
      </Typography.Text>
      <Typography.Text type="secondary">{t('desktop.viaQueue', { queue: offer.queue || '—' })}</Typography.Text>
      {Object.keys(offer.attributes).length ? (
        <Descriptions size="small" column={1} title={t('desktop.ivrChoices')} items={Object.entries(offer.attributes).map(([k, v]) => ({ key: k, label: k, children: v }))} />
      ) : null}
    </Space>
  );
}

export default function AgentDesktopPage() {
  const { t } = useI18n();
  const { message, notification } = App.useApp();
  const { me } = useAuth();
  const userId = me?.user.id ?? '';
  const cti = useMemo(() => agentApi(api, userId), [userId]);
  const [s, dispatch] = useReducer(agentReducer, initialAgentState);
  const [now, setNow] = useState(Date.now());
  const [device, setDevice] = useState('');
  const [number, setNumber] = useState('');
  const [transferOpen, setTransferOpen] = useState<'transfer' | 'consult' | null>(null);
  const numberRef = useRef<InputRef>(null);
  const notesRef = useRef<HTMLTextAreaElement | null>(null);
  const available = s.availability === 'ready';
  const data = useDeskData(cti, userId, available);

  const load = useCallback(async () => {
    try {
      const early = takeEarlyAgent<unknown>(tokenStore.get());
      const agent = await cti.get(early ? early.catch((e: unknown) => (isApiError(e) ? Promise.reject(e) : api.get<unknown>('/agents'))) : undefined);
      dispatch({ type: 'loaded', agent, now: Date.now() });
    } catch (e) {
      if (isApiError(e) && e.code === 'not_agent') return dispatch({ type: 'not_agent' });
      // GET /agents answering 404 (no route) or 503: no ACD on this server.
      if (isApiError(e) && (e.status === 404 || e.status === 501 || e.status === 503)) return dispatch({ type: 'unavailable' });
      return dispatch({ type: 'failed', error: errorText(t, e) });
    }
    try {
      dispatch({ type: 'interactions', items: ((await cti.interactions()) as { items?: unknown[] } | null)?.items ?? [], now: Date.now() });
    } catch {
      // Older servers: live events alone fill the desktop.
    }
  }, [cti, t]);

  useEffect(() => {
    void load();
  }, [load]);

  // Marks when the desktop knows the agent's situation (measured by the browser test).
  useEffect(() => {
    if (s.availability !== 'loading' && !performance.getEntriesByName('hujiao:desktop-ready').length) performance.mark('hujiao:desktop-ready');
  }, [s.availability]);

  useEffect(() => {
    if (s.device && !device) setDevice(s.device);
  }, [s.device, device]);

  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  useLiveEvents(
    (ev) => {
      dispatch({ type: 'event', ev, agentId: userId, now: Date.now() });
      if (ev.type.startsWith('interaction.')) {
        data.reloadWaiting();
        if (ev.type === 'interaction.ended' || ev.type === 'interaction.answered') data.reloadStats();
      }
    },
    ['agent.*', 'interaction.*'],
  );

  const run = (name: string, fn: () => Promise<unknown>, after?: () => void) => {
    if (!available || s.pending) return;
    dispatch({ type: 'pending', action: name });
    void (async () => {
      try {
        await fn();
        after?.();
        dispatch({ type: 'pending', action: null });
        // The change arrives as an event; re-read as well in case events lag.
        void load();
      } catch (e) {
        dispatch({ type: 'pending', action: null });
        message.error(errorText(t, e));
      }
    })();
  };

  const loggedIn = s.state !== 'logged_out';
  const offer = s.offer;
  const active = s.active;

  const doReady = () => run('ready', () => cti.ready());
  const doNotReady = (reason: string) => run('not_ready', () => cti.notReady(reason));
  const doAnswer = () => offer && run('answer', () => cti.answer(offer.interactionId), () => data.addRecent(offer.caller));
  const doHangup = () => active && run('hangup', () => cti.hangup(active.interactionId), () => dispatch({ type: 'ended', interactionId: active.interactionId }));
  const doHold = () => active && run('hold', () => cti.hold(active.interactionId, !active.held), () => dispatch({ type: 'held', held: !active.held }));
  const doMute = () =>
    active && run('mute', () => cti.mute(active.interactionId, !active.muted), () => dispatch({ type: 'muted', interactionId: active.interactionId, muted: !active.muted }));
  const doDial = (n = number) => n && run('dial', () => cti.dial(n), () => data.addRecent(n));
  const doDigit = (d: string) => {
    if (active) run('dtmf', () => cti.dtmf(active.interactionId, d));
    else setNumber((n) => (n + d).slice(0, 32));
  };

  // The ringing toast: one per offer, closed when it is answered or gone.
  const answerRef = useRef(doAnswer);
  answerRef.current = doAnswer;
  const toastFor = useRef<string | null>(null);
  useEffect(() => {
    if (offer && toastFor.current !== offer.interactionId) {
      if (toastFor.current) notification.destroy(toastFor.current);
      toastFor.current = offer.interactionId;
      notification.open({
        key: offer.interactionId,
        message: t('desktop.ringing', { caller: offer.caller || t('desktop.unknownCaller') }),
        description: <OfferView offer={offer} t={t} />,
        duration: 0,
        placement: 'topRight',
        role: 'alert',
        btn: (
          <Button type="primary" icon={<PhoneOutlined />} onClick={() => answerRef.current()}>
            {t('desktop.answer')}
          </Button>
        ),
      });
    } else if (!offer && toastFor.current) {
      notification.destroy(toastFor.current);
      toastFor.current = null;
    }
  }, [offer, notification, t]);
  useEffect(() => () => notification.destroy(), [notification]);

  useShortcuts([
    { spec: SHORTCUTS.ready, run: doReady, enabled: available && loggedIn },
    { spec: SHORTCUTS.notReady, run: () => doNotReady(data.reasons[0] ?? 'break'), enabled: available && loggedIn },
    { spec: SHORTCUTS.answer, run: () => void doAnswer(), enabled: available && !!offer },
    { spec: SHORTCUTS.hangup, run: () => void doHangup(), enabled: available && !!active },
    { spec: SHORTCUTS.hold, run: () => void doHold(), enabled: available && !!active },
    { spec: SHORTCUTS.mute, run: () => void doMute(), enabled: available && !!active },
    { spec: SHORTCUTS.transfer, run: () => setTransferOpen('transfer'), enabled: available && !!active },
    { spec: SHORTCUTS.keypad, run: () => numberRef.current?.focus(), enabled: true },
    { spec: SHORTCUTS.wrapup, run: () => notesRef.current?.focus(), enabled: true },
  ]);

  const inState = s.sinceMs ? Math.floor((now - s.sinceMs) / 1000) : 0;
  const sc = (k: keyof typeof SHORTCUTS) => shortcutLabel(SHORTCUTS[k]);

  return (
    <section aria-labelledby="desktop-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={4} id="desktop-title" style={{ margin: 0 }}>
          {t('desktop.title')}
        </Typography.Title>
        <Typography.Text type="secondary" aria-label={t('desktop.shortcuts')} style={{ fontSize: 12 }}>
          {t('desktop.shortcutHelp', { ready: sc('ready'), notReady: sc('notReady'), answer: sc('answer'), hangup: sc('hangup'), hold: sc('hold'), mute: sc('mute'), transfer: sc('transfer'), keypad: sc('keypad'), wrapup: sc('wrapup') })}
        </Typography.Text>
      </Space>

      {s.availability === 'unavailable' ? <NotAvailable what={t('desktop.ctiName')} path="/api/v1/agents" /> : null}
      {s.availability === 'not_agent' ? <Alert type="warning" showIcon message={t('desktop.notAgent')} /> : null}
      {s.availability === 'error' ? (
        <Alert type="error" showIcon message={s.error} action={<Button size="small" onClick={() => void load()}>{t('boundary.retry')}</Button>} />
      ) : null}

      <Row gutter={[12, 12]} style={{ marginTop: 8 }}>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('desktop.myState')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag color={STATE_TAG[s.state] ?? 'default'} style={{ fontSize: 14, padding: '2px 8px' }} data-testid="agent-state">
                  {available ? stateText(t, s.state) : t('desktop.stateUnknown')}
                </Tag>
                {s.reason ? <Typography.Text type="secondary">{reasonText(t, s.reason)}</Typography.Text> : null}
                <Typography.Text aria-label={t('desktop.timeInState')} data-testid="time-in-state" style={{ fontVariantNumeric: 'tabular-nums', fontSize: 16 }}>
                  {available ? formatDuration(inState) : '—'}
                </Typography.Text>
              </Space>
              {!loggedIn ? (
                <Space.Compact style={{ width: '100%' }}>
                  <Input aria-label={t('desktop.extension')} placeholder={t('desktop.extension')} value={device} onChange={(e) => setDevice(e.target.value.trim())} disabled={!available} />
                  <Button type="primary" icon={<PoweroffOutlined />} disabled={!available || !device} loading={s.pending === 'login'} onClick={() => run('login', () => cti.login(device))}>
                    {t('desktop.login')}
                  </Button>
                </Space.Compact>
              ) : (
                <Typography.Text type="secondary">{t('desktop.onExtension', { device: s.device || '—' })}</Typography.Text>
              )}
              <Space wrap>
                <Button icon={<CheckCircleOutlined />} disabled={!available || !loggedIn || s.state === 'ready'} loading={s.pending === 'ready'} onClick={doReady} title={sc('ready')}>
                  {t('desktop.ready')}
                </Button>
                <Dropdown
                  disabled={!available || !loggedIn}
                  menu={{ items: data.reasons.map((r) => ({ key: r, label: reasonText(t, r) })), onClick: (e) => doNotReady(e.key) }}
                >
                  <Button icon={<PauseCircleOutlined />} loading={s.pending === 'not_ready'} title={sc('notReady')} disabled={!available || !loggedIn}>
                    {t('desktop.notReady')}
                  </Button>
                </Dropdown>
                <Button icon={<StopOutlined />} disabled={!available || !loggedIn} loading={s.pending === 'logout'} onClick={() => run('logout', () => cti.logout())}>
                  {t('desktop.logout')}
                </Button>
              </Space>
            </Space>
          </Card>

          <Card size="small" title={t('desktop.incoming')} style={{ marginTop: 12 }}>
            <div aria-live="assertive" role="region" aria-label={t('desktop.incoming')} data-testid="offer">
              {offer ? (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <OfferView offer={offer} t={t} />
                  <Button type="primary" icon={<PhoneOutlined />} onClick={() => void doAnswer()} loading={s.pending === 'answer'} title={sc('answer')}>
                    {t('desktop.answer')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('desktop.noOffer')}</Typography.Text>
              )}
            </div>
          </Card>

          <Card size="small" title={t('desktop.current')} style={{ marginTop: 12 }}>
            {active ? (
              <CallPanel
                active={active}
                now={now}
                pending={s.pending}
                cti={cti}
                run={run}
                onHold={() => void doHold()}
                onMute={() => void doMute()}
                onHangup={() => void doHangup()}
                setConsulting={(on) => dispatch({ type: 'consulting', on })}
                transferOpen={transferOpen}
                setTransferOpen={setTransferOpen}
              />
            ) : (
              <Typography.Text type="secondary">{t('desktop.noCurrent')}</Typography.Text>
            )}
          </Card>
        </Col>

        <Col xs={24} md={12} lg={6}>
          <Card size="small" title={active ? t('desktop.dtmf') : t('desktop.dialOut')}>
            <DialPad
              ref={numberRef}
              value={number}
              onChange={setNumber}
              onDial={() => void doDial()}
              onDigit={doDigit}
              inCall={!!active}
              disabled={!!active && !available}
              dialDisabled={!available || !loggedIn || !!s.pending}
            />
            {!active && data.recent.length ? (
              <Select
                style={{ width: '100%', marginTop: 8 }}
                aria-label={t('desktop.recent')}
                placeholder={t('desktop.recent')}
                value={null}
                onChange={(v: string) => setNumber(v)}
                options={data.recent.map((n) => ({ value: n, label: n }))}
              />
            ) : null}
          </Card>
          <DeskSide
            waiting={data.waiting}
            canPickup={available && loggedIn && !active && !s.pending}
            onPickup={(id) => run('pickup', () => cti.pickup(id))}
          />
        </Col>

        <Col xs={24} md={12} lg={9}>
          <WrapUpCard
            userId={userId}
            available={available}
            wrapUpFor={s.wrapUpFor}
            dispositions={s.availability === 'loading' || available ? data.dispositions : null}
            pending={s.pending}
            notesRef={notesRef}
            submit={(iid, disposition, notes, done) =>
              run('wrapup', () => cti.wrapUp(iid, disposition, notes), () => {
                done();
                dispatch({ type: 'wrapped_up' });
                message.success(t('desktop.wrapupDone'));
                data.reloadStats();
              })
            }
          />
          <StatsCard stats={data.stats} />
        </Col>
      </Row>
    </section>
  );
}

const STAT_KEYS = ['interactions', 'offers', 'rna', 'talk_s', 'hold_s', 'wrap_up_s', 'occupancy_pct'] as const;

function StatsCard({ stats }: { stats: ReturnType<typeof useDeskData>['stats'] }) {
  const { t } = useI18n();
  const value = (k: string, v: unknown) => (typeof v !== 'number' ? String(v ?? '—') : k.endsWith('_s') ? formatDuration(v) : k.endsWith('_pct') ? `${v.toFixed(0)}%` : String(v));
  return (
    <Card size="small" title={t('desktop.today')} style={{ marginTop: 12 }}>
      {stats && stats !== 'unavailable' ? (
        <>
          <Descriptions size="small" column={2} items={STAT_KEYS.filter((k) => k in stats).map((k) => ({ key: k, label: t(`stats.${k}`), children: value(k, stats[k]) }))} />
          {stats.time_in_state && typeof stats.time_in_state === 'object' ? (
            <Descriptions
              size="small"
              column={3}
              title={t('stats.timeInState')}
              items={Object.entries(stats.time_in_state as Record<string, unknown>).map(([k, v]) => ({ key: k, label: stateText(t, k), children: value('_s', v) }))}
            />
          ) : null}
        </>
      ) : (
        <Typography.Text type="secondary">{t('desktop.noStats')}</Typography.Text>
      )}
    </Card>
  );
}
