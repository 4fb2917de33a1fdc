// Calls waiting in the agent's queues, which he may pick up (POST .../pickup).
import { Button, Card, List, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { Waiting } from './useDeskData';

export function DeskSide({ waiting, canPickup, onPickup }: { waiting: Waiting[] | null; canPickup: boolean; onPickup: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('desktop.waiting')} style={{ marginTop: 12 }}>
      {waiting === null ? (
        <Typography.Text type="secondary">{t('desktop.waitingUnavailable')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={waiting}
          locale={{ emptyText: t('desktop.noWaiting') }}
          renderItem={(w) => (
            <List.Item
              actions={[
                <Button key="p" size="small" disabled={!canPickup} onClick={() => onPickup(w.id)} aria-label={t('desktop.pickupNamed', { number: w.number || w.id })}>
                  {t('desktop.pickup')}
                </Button>,
              ]}
            >
              <Typography.Text>{w.number || t('desktop.unknownCaller')}</Typography.Text> <Typography.Text type="secondary">{w.queue}</Typography.Text>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
