// A dial pad: type or click a number and dial it; during a call the keys
// send DTMF instead.
import { forwardRef } from 'react';
import { Button, Input, Space, type InputRef } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { cleanNumber } from './cleanNumber';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];


interface Props {
  value: string;
  onChange: (v: string) => void;
  onDial: () => void;
  onDigit: (d: string) => void;
  inCall: boolean;
  disabled: boolean;
  dialDisabled: boolean;
}

export const DialPad = forwardRef<InputRef, Props>(function DialPad(p, ref) {
  const t = useT();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input
        ref={ref}
        value={p.value}
        aria-label={t('desktop.numberInput')}
        placeholder={t('desktop.numberPlaceholder')}
        inputMode="tel"
        onChange={(e) => p.onChange(cleanNumber(e.target.value))}
        onPressEnter={() => !p.inCall && !p.dialDisabled && p.value && p.onDial()}
        allowClear
      />
      <div role="group" aria-label={t('desktop.dialPad')} style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 6 }}>
        {KEYS.map((k) => (
          <Button key={k} onClick={() => p.onDigit(k)} disabled={p.disabled} aria-label={t('desktop.key', { key: k })}>
            {k}
          </Button>
        ))}
      </div>
      {!p.inCall ? (
        <Button type="primary" icon={<PhoneOutlined />} block onClick={p.onDial} disabled={p.dialDisabled || !p.value}>
          {t('desktop.dial')}
        </Button>
      ) : null}
    </Space>
  );
});
