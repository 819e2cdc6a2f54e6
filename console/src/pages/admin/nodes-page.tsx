import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/client';
import type { Page } from '../../api/types';
import { JsonTable } from '../../components/json-table';

export function NodesPage() {
  const { t } = useTranslation('admin');
  const nodes = useApiQuery<Page<Record<string, unknown>>>(['nodes'], '/v1/nodes');
  const links = useApiQuery<Page<Record<string, unknown>>>(['links'], '/v1/links');
  return (
    <>
      <h2>{t('nodes')}</h2>
      <JsonTable label={t('nodes')} rows={nodes.data?.items ?? []} loading={nodes.isLoading} />
      <h2>{t('links')}</h2>
      <JsonTable label={t('links')} rows={links.data?.items ?? []} loading={links.isLoading} />
    </>
  );
}
