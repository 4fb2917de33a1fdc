// The agent desktop: presence buttons with reason codes and time in state,
// the ringing offer (screen pop), the interaction in progress, a dial pad and
// the wrap-up form whose draft survives reloads. Wired to the CTI endpoints
// of agentApi; when they do not exist yet (404) every control says so.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Dropdown, Empty, Input, Row, Space, Tag, Typography, type InputRef } from 'antd';
import { CheckCircleOutlined, PauseCircleOutlined, PhoneOutlined, PoweroffOutlined, StopOutlined } from '@ant-design/icons';
import { useI18n, hasKey, type TFunction } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { isApiError } from '../../api/client';
import { errorText } from '../../api/errorText';
import { useLiveEvents } from '../../ws/EventsProvider';
import { NotAvailable } from '../../components/NotAvailable';
import { formatDuration, formatTime } from '../../components/time';
import { agentReducer, initialAgentState } from './agentState';
import { agentApi, DEFAULT_REASONS } from './agentApi';
import { DialPad } from './DialPad';
import { SHORTCUTS, shortcutLabel, useShortcuts } from './shortcuts';
import { clearDraft, loadDraft, saveDraft, type WrapUpDraft } from './wrapupDraft';

function stateText(t: TFunction, s: string): string {
  const k = `agentState.${s}`;
  return hasKey(k) ? t(k) : s;
}

function reasonText(t: TFunction, r: string): string {
  const k = `reason.${r}`;
  return hasKey(k) ? t(k) : r;
}

const STATE_TAG: Record<string, string> = {
  logged_out: 'default',
  ready: 'green',
  not_ready: 'orange',
  reserved: 'blue',
  busy: 'red',
  wrap_up: 'purple',
};

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export default function AgentDesktopPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { me } = useAuth();
  const userId = me?.user.id ?? '';
  const cti = useMemo(() => agentApi(api, userId), [userId]);
  const [s, dispatch] = useReducer(agentReducer, initialAgentState);
  const [now, setNow] = useState(Date.now());
  const [device, setDevice] = useState('');
  const [number, setNumber] = useState('');
  const [stats, setStats] = useState<Record<string, unknown> | null | 'unavailable'>(null);
  const initialDraft = useMemo(() => loadDraft(storage(), userId), [userId]);
  const [draft, setDraft] = useState<WrapUpDraft>(
    initialDraft ?? { interactionId: null, disposition: '', notes: '', savedAt: '' },
  );
  const [draftStored, setDraftStored] = useState<boolean>(true);
  const numberRef = useRef<InputRef>(null);
  const notesRef = useRef<HTMLTextAreaElement | null>(null);

  const load = useCallback(async () => {
    try {
      await cti.probe();
    } catch (e) {
      // 403 means the list exists but is not ours to read: go on to our own record.
      if (isApiError(e) && e.isNotFound) return dispatch({ type: 'unavailable' });
      if (!(isApiError(e) && e.status === 403)) return dispatch({ type: 'failed', error: errorText(t, e) });
    }
    try {
      const agent = await cti.get();
      dispatch({ type: 'loaded', agent, now: Date.now() });
    } catch (e) {
      if (isApiError(e) && e.isNotFound) return dispatch({ type: 'not_agent' });
      return dispatch({ type: 'failed', error: errorText(t, e) });
    }
    try {
      const st = await cti.stats();
      setStats(st && typeof st === 'object' ? (st as Record<string, unknown>) : null);
    } catch (e) {
      setStats(isApiError(e) && e.isNotFound ? 'unavailable' : null);
    }
  }, [cti, t]);

  useEffect(() => {
    void load();
  }, [load]);

  // Marks when the desktop knows the agent's situation (measured by the browser test).
  useEffect(() => {
    if (s.availability !== 'loading' && !performance.getEntriesByName('hujiao:desktop-ready').length) {
      performance.mark('hujiao:desktop-ready');
    }
  }, [s.availability]);

  useEffect(() => {
    if (s.device && !device) setDevice(s.device);
  }, [s.device, device]);

  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  useLiveEvents((ev) => dispatch({ type: 'event', ev, agentId: userId, now: Date.now() }), ['agent.*', 'interaction.*']);

  // The wrap-up belongs to the interaction just handled; a new one starts a fresh draft
  // only when the previous draft was empty (never overwrite typed notes).
  useEffect(() => {
    if (s.wrapUpFor && s.wrapUpFor !== draft.interactionId && !draft.notes && !draft.disposition) {
      setDraft((d) => ({ ...d, interactionId: s.wrapUpFor }));
    }
  }, [s.wrapUpFor, draft.interactionId, draft.notes, draft.disposition]);

  const updateDraft = (patch: Partial<WrapUpDraft>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      const saved = saveDraft(storage(), userId, next);
      setDraftStored(saved !== null);
      return saved ?? next;
    });
  };

  const available = s.availability === 'ready';
  const run = async (name: string, fn: () => Promise<unknown>, after?: () => void) => {
    if (!available || s.pending) return;
    dispatch({ type: 'pending', action: name });
    try {
      await fn();
      after?.();
      dispatch({ type: 'pending', action: null });
      // The state change arrives as an event; re-read as well in case events lag.
      void load();
    } catch (e) {
      dispatch({ type: 'pending', action: null });
      message.error(errorText(t, e));
    }
  };

  const loggedIn = s.state !== 'logged_out';
  const offer = s.offer;
  const active = s.active;

  const doReady = () => void run('ready', () => cti.ready());
  const doNotReady = (reason: string) => void run('not_ready', () => cti.notReady(reason));
  const doAnswer = () => offer && void run('answer', () => cti.answer(offer.interactionId));
  const doHangup = () => active && void run('hangup', () => cti.hangup(active.interactionId));
  const doHold = () =>
    active && void run('hold', () => cti.hold(active.interactionId, !active.held), () => dispatch({ type: 'held', held: !active.held }));
  const doDial = () => number && void run('dial', () => cti.dial(number));
  const doDigit = (d: string) => {
    if (active) void run('dtmf', () => cti.dtmf(active.interactionId, d));
    else setNumber((n) => (n + d).slice(0, 32));
  };
  const doWrapUp = () =>
    void run(
      'wrapup',
      () => cti.wrapUp(draft.interactionId, draft.disposition.trim(), draft.notes),
      () => {
        clearDraft(storage(), userId);
        setDraft({ interactionId: null, disposition: '', notes: '', savedAt: '' });
        dispatch({ type: 'wrapped_up' });
        message.success(t('desktop.wrapupDone'));
      },
    );

  useShortcuts([
    { spec: SHORTCUTS.ready, run: doReady, enabled: available && loggedIn },
    { spec: SHORTCUTS.notReady, run: () => doNotReady(DEFAULT_REASONS[0]), enabled: available && loggedIn },
    { spec: SHORTCUTS.answer, run: doAnswer, enabled: available && !!offer },
    { spec: SHORTCUTS.hangup, run: doHangup, enabled: available && !!active },
    { spec: SHORTCUTS.hold, run: doHold, enabled: available && !!active },
    { spec: SHORTCUTS.keypad, run: () => numberRef.current?.focus(), enabled: true },
    { spec: SHORTCUTS.wrapup, run: () => notesRef.current?.focus(), enabled: true },
  ]);

  const inState = s.sinceMs ? Math.floor((now - s.sinceMs) / 1000) : 0;
  const sc = (k: keyof typeof SHORTCUTS) => shortcutLabel(SHORTCUTS[k]);

  return (
    <section aria-labelledby="desktop-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="desktop-title" style={{ margin: 0 }}>
          {t('desktop.title')}
        </Typography.Title>
        <Typography.Text type="secondary" aria-label={t('desktop.shortcuts')}>
          {t('desktop.shortcutHelp', {
            ready: sc('ready'),
            notReady: sc('notReady'),
            answer: sc('answer'),
            hangup: sc('hangup'),
            hold: sc('hold'),
            keypad: sc('keypad'),
            wrapup: sc('wrapup'),
          })}
        </Typography.Text>
      </Space>

      {s.availability === 'unavailable' ? <NotAvailable what={t('desktop.ctiName')} path="/api/v1/agents" /> : null}
      {s.availability === 'not_agent' ? <Alert type="warning" showIcon message={t('desktop.notAgent')} /> : null}
      {s.availability === 'error' ? (
        <Alert
          type="error"
          showIcon
          message={s.error}
          action={
            <Button size="small" onClick={() => void load()}>
              {t('boundary.retry')}
            </Button>
          }
        />
      ) : null}

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('desktop.myState')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag color={STATE_TAG[s.state] ?? 'default'} style={{ fontSize: 14, padding: '2px 8px' }} data-testid="agent-state">
                  {s.availability === 'ready' ? stateText(t, s.state) : t('desktop.stateUnknown')}
                </Tag>
                {s.reason ? <Typography.Text type="secondary">{reasonText(t, s.reason)}</Typography.Text> : null}
                <Typography.Text aria-label={t('desktop.timeInState')} style={{ fontVariantNumeric: 'tabular-nums', fontSize: 16 }}>
                  {available ? formatDuration(inState) : '—'}
                </Typography.Text>
              </Space>
              {!loggedIn ? (
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    aria-label={t('desktop.extension')}
                    placeholder={t('desktop.extension')}
                    value={device}
                    onChange={(e) => setDevice(e.target.value.trim())}
                    disabled={!available}
                  />
                  <Button
                    type="primary"
                    icon={<PoweroffOutlined />}
                    disabled={!available || !device}
                    loading={s.pending === 'login'}
                    onClick={() => void run('login', () => cti.login(device))}
                  >
                    {t('desktop.login')}
                  </Button>
                </Space.Compact>
              ) : (
                <Typography.Text type="secondary">{t('desktop.onExtension', { device: s.device || '—' })}</Typography.Text>
              )}
              <Space wrap>
                <Button
                  icon={<CheckCircleOutlined />}
                  disabled={!available || !loggedIn || s.state === 'ready'}
                  loading={s.pending === 'ready'}
                  onClick={doReady}
                  title={sc('ready')}
                >
                  {t('desktop.ready')}
                </Button>
                <Dropdown
                  disabled={!available || !loggedIn}
                  menu={{
                    items: DEFAULT_REASONS.map((r) => ({ key: r, label: reasonText(t, r) })),
                    onClick: (e) => doNotReady(e.key),
                  }}
                >
                  <Button icon={<PauseCircleOutlined />} loading={s.pending === 'not_ready'} title={sc('notReady')}>
                    {t('desktop.notReady')}
                  </Button>
                </Dropdown>
                <Button
                  icon={<StopOutlined />}
                  disabled={!available || !loggedIn}
                  loading={s.pending === 'logout'}
                  onClick={() => void run('logout', () => cti.logout())}
                >
                  {t('desktop.logout')}
                </Button>
              </Space>
            </Space>
          </Card>

          <Card size="small" title={t('desktop.incoming')} style={{ marginTop: 12 }}>
            <div aria-live="assertive" role="region" aria-label={t('desktop.incoming')}>
              {offer ? (
                <Space direction="vertical" style={{ width: '100%' }} data-testid="offer">
                  <Typography.Text strong style={{ fontSize: 18 }}>
                    <PhoneOutlined /> {offer.caller || t('desktop.unknownCaller')}
                  </Typography.Text>
                  <Typography.Text type="secondary">{t('desktop.viaQueue', { queue: offer.queue || '—' })}</Typography.Text>
                  {Object.keys(offer.attributes).length ? (
                    <Descriptions
                      size="small"
                      column={1}
                      title={t('desktop.ivrChoices')}
                      items={Object.entries(offer.attributes).map(([k, v]) => ({ key: k, label: k, children: v }))}
                    />
                  ) : null}
                  <Button type="primary" icon={<PhoneOutlined />} onClick={doAnswer} loading={s.pending === 'answer'} title={sc('answer')}>
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
              <Space direction="vertical" style={{ width: '100%' }}>
                <Typography.Text strong>{active.caller || t('desktop.unknownCaller')}</Typography.Text>
                <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatDuration((now - active.since) / 1000)} {active.held ? <Tag color="orange">{t('desktop.onHold')}</Tag> : null}
                </Typography.Text>
                <Space wrap>
                  <Button onClick={doHold} loading={s.pending === 'hold'} title={sc('hold')}>
                    {active.held ? t('desktop.unhold') : t('desktop.hold')}
                  </Button>
                  <Button danger onClick={doHangup} loading={s.pending === 'hangup'} title={sc('hangup')}>
                    {t('desktop.hangup')}
                  </Button>
                </Space>
              </Space>
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
              onDial={doDial}
              onDigit={doDigit}
              inCall={!!active}
              disabled={!!active && !available}
              dialDisabled={!available || !loggedIn || !!s.pending}
            />
          </Card>
        </Col>

        <Col xs={24} md={12} lg={9}>
          <Card size="small" title={t('desktop.wrapup')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input
                aria-label={t('desktop.disposition')}
                placeholder={t('desktop.disposition')}
                value={draft.disposition}
                onChange={(e) => updateDraft({ disposition: e.target.value })}
                maxLength={64}
              />
              <Input.TextArea
                ref={(r) => {
                  notesRef.current = r?.resizableTextArea?.textArea ?? null;
                }}
                aria-label={t('desktop.notes')}
                placeholder={t('desktop.notesPlaceholder')}
                value={draft.notes}
                onChange={(e) => updateDraft({ notes: e.target.value })}
                autoSize={{ minRows: 4, maxRows: 10 }}
                maxLength={4000}
              />
              <Typography.Text type={draftStored ? 'secondary' : 'danger'} style={{ fontSize: 12 }} data-testid="draft-status">
                {!draftStored
                  ? t('desktop.draftNotStored')
                  : draft.savedAt
                    ? t('desktop.draftSaved', { time: formatTime(draft.savedAt, lang) })
                    : t('desktop.draftEmpty')}
              </Typography.Text>
              <Space wrap>
                <Button
                  type="primary"
                  onClick={doWrapUp}
                  disabled={!available || (!draft.disposition.trim() && !draft.notes.trim())}
                  loading={s.pending === 'wrapup'}
                >
                  {t('desktop.submitWrapup')}
                </Button>
                <Button
                  onClick={() => {
                    clearDraft(storage(), userId);
                    setDraft({ interactionId: draft.interactionId, disposition: '', notes: '', savedAt: '' });
                  }}
                  disabled={!draft.disposition && !draft.notes}
                >
                  {t('desktop.clearDraft')}
                </Button>
              </Space>
              {!available ? <Typography.Text type="secondary">{t('desktop.wrapupOffline')}</Typography.Text> : null}
            </Space>
          </Card>

          <Card size="small" title={t('desktop.today')} style={{ marginTop: 12 }}>
            {stats && stats !== 'unavailable' ? (
              <Descriptions
                size="small"
                column={2}
                items={Object.entries(stats)
                  .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
                  .slice(0, 10)
                  .map(([k, v]) => ({ key: k, label: k, children: String(v) }))}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desktop.noStats')} />
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
