import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/client';

/** The effective configuration, secrets redacted by the hub; read-only. */
export function ConfigPage() {
  const { t } = useTranslation('admin');
  const config = useApiQuery<unknown>(['config'], '/v1/config');
  if (config.error) return <Alert type="error" title={config.error.message} />;
  return (
    <>
      <p>{t('configHelp')}</p>
      <pre aria-label={t('tabs.config')} style={{ background: '#f6f6f6', padding: 12, overflow: 'auto' }}>
        {config.data === undefined ? t('common:loading') : JSON.stringify(config.data, null, 2)}
      </pre>
    </>
  );
}
