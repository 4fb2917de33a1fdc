import { Segmented } from 'antd';
import { useI18n, type Lang } from '../i18n';

/** 中文 / English: the labels are each language's own name, never translated. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented
      aria-label={t('lang.switch')}
      size="small"
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
