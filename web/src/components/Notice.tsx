// A light full-page message (Result's illustrations would add ~30 KB to the
// first chunk for pages almost nobody sees).
import type { ReactNode } from 'react';
import { Alert } from 'antd';

export function Notice(props: { type: 'error' | 'warning' | 'info'; title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div style={{ maxWidth: 640, margin: '48px auto' }}>
      <Alert
        type={props.type}
        showIcon
        role={props.type === 'info' ? 'status' : 'alert'}
        message={props.title}
        description={
          <>
            {props.description ? <div style={{ wordBreak: 'break-word' }}>{props.description}</div> : null}
            {props.actions ? <div style={{ marginTop: 12, display: 'flex', gap: 8 }}>{props.actions}</div> : null}
          </>
        }
      />
    </div>
  );
}
