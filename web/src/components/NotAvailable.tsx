import { Alert } from 'antd';
import { useT } from '../i18n';

/** Shown where the server does not offer an endpoint yet (HTTP 404): says so, shows no made-up data. */
export function NotAvailable({ what, path }: { what: string; path: string }) {
  const t = useT();
  return (
    <Alert
      type="info"
      showIcon
      role="status"
      message={t('na.title', { what })}
      description={t('na.description', { path })}
    />
  );
}
