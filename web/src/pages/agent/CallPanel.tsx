// The interaction in progress: hold, mute (the customer stops hearing the
// agent), hang up, blind transfer, consult and then transfer / conference /
// cancel.
import { Button, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { AudioMutedOutlined, AudioOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { formatDuration } from '../../components/time';
import type { ActiveInteraction } from './agentState';
import { TARGET_TYPES, type AgentApi, type TargetType } from './agentApi';
import { SHORTCUTS, shortcutLabel } from './shortcuts';

interface Props {
  active: ActiveInteraction;
  now: number;
  pending: string | null;
  cti: AgentApi;
  run: (name: string, fn: () => Promise<unknown>, after?: () => void) => void;
  onHold: () => void;
  onMute: () => void;
  onHangup: () => void;
  setConsulting: (on: boolean) => void;
  /** Opened by the keyboard shortcut. */
  transferOpen: 'transfer' | 'consult' | null;
  setTransferOpen: (v: 'transfer' | 'consult' | null) => void;
}

export function CallPanel(p: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ target_type: TargetType; target: string }>();
  const a = p.active;
  const sc = (k: keyof typeof SHORTCUTS) => shortcutLabel(SHORTCUTS[k]);

  const submit = async () => {
    const v = await form.validateFields();
    const mode = p.transferOpen;
    p.setTransferOpen(null);
    if (mode === 'transfer') p.run('transfer', () => p.cti.transfer(a.interactionId, v.target_type, v.target.trim()));
    else p.run('consult', () => p.cti.consult(a.interactionId, v.target_type, v.target.trim()), () => p.setConsulting(true));
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="current">
      <Typography.Text strong style={{ fontSize: 16 }}>
        {a.caller || t('desktop.unknownCaller')}
      </Typography.Text>
      {a.queue ? <Typography.Text type="secondary">{t('desktop.viaQueue', { queue: a.queue })}</Typography.Text> : null}
      <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatDuration((p.now - a.since) / 1000)} {a.held ? <Tag color="orange">{t('desktop.onHold')}</Tag> : null}
        {a.muted ? (
          <Tag color="red" data-testid="muted">
            {t('desktop.muted')}
          </Tag>
        ) : null}
        {a.consulting ? <Tag color="blue">{t('desktop.consulting')}</Tag> : null}
      </Typography.Text>
      <Space wrap>
        <Button onClick={p.onHold} loading={p.pending === 'hold'} title={sc('hold')}>
          {a.held ? t('desktop.unhold') : t('desktop.hold')}
        </Button>
        <Button
          icon={a.muted ? <AudioOutlined /> : <AudioMutedOutlined />}
          onClick={p.onMute}
          loading={p.pending === 'mute'}
          aria-pressed={a.muted}
          title={sc('mute')}
        >
          {a.muted ? t('desktop.unmute') : t('desktop.mute')}
        </Button>
        <Button danger onClick={p.onHangup} loading={p.pending === 'hangup'} title={sc('hangup')}>
          {t('desktop.hangup')}
        </Button>
      </Space>
      {!a.consulting ? (
        <Space wrap>
          <Button onClick={() => p.setTransferOpen('transfer')} loading={p.pending === 'transfer'} title={sc('transfer')}>
            {t('desktop.transfer')}
          </Button>
          <Button onClick={() => p.setTransferOpen('consult')} loading={p.pending === 'consult'}>
            {t('desktop.consult')}
          </Button>
        </Space>
      ) : (
        <Space wrap>
          <Button
            type="primary"
            loading={p.pending === 'consult_transfer'}
            onClick={() => p.run('consult_transfer', () => p.cti.consultTransfer(a.interactionId), () => p.setConsulting(false))}
          >
            {t('desktop.completeTransfer')}
          </Button>
          <Button loading={p.pending === 'conference'} onClick={() => p.run('conference', () => p.cti.conference(a.interactionId), () => p.setConsulting(false))}>
            {t('desktop.conference')}
          </Button>
          <Button loading={p.pending === 'consult_cancel'} onClick={() => p.run('consult_cancel', () => p.cti.consultCancel(a.interactionId), () => p.setConsulting(false))}>
            {t('desktop.cancelConsult')}
          </Button>
        </Space>
      )}
      <Modal
        open={p.transferOpen !== null}
        title={p.transferOpen === 'consult' ? t('desktop.consult') : t('desktop.transfer')}
        okText={p.transferOpen === 'consult' ? t('desktop.consultCall') : t('desktop.transferNow')}
        cancelText={t('common.cancel')}
        onOk={() => void submit()}
        onCancel={() => p.setTransferOpen(null)}
        destroyOnClose
      >
        <Form form={form} layout="vertical" initialValues={{ target_type: 'extension', target: '' }} preserve={false}>
          <Form.Item name="target_type" label={t('desktop.targetType')}>
            <Select aria-label={t('desktop.targetType')} options={TARGET_TYPES.map((x) => ({ value: x, label: t(`desktop.target.${x}` as 'desktop.target.agent') }))} />
          </Form.Item>
          <Form.Item name="target" label={t('desktop.target')} rules={[{ required: true, whitespace: true, message: t('crud.required', { field: t('desktop.target') }) }]}>
            <Input aria-label={t('desktop.target')} autoFocus onPressEnter={() => void submit()} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
