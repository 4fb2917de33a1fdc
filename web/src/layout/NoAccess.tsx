import { useT } from '../i18n';
import { Notice } from '../components/Notice';

export function NoAccess() {
  const t = useT();
  return <Notice type="info" title={t('noaccess.title')} description={t('noaccess.description')} />;
}
