import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/client';
import type { Page } from '../../api/types';
import { JsonTable } from '../../components/json-table';

export function SubscriptionsPage() {
  const { t } = useTranslation('admin');
  const subs = useApiQuery<Page<Record<string, unknown>>>(['subscriptions'], '/v1/subscriptions');
  return <JsonTable label={t('tabs.subscriptions')} rows={subs.data?.items ?? []} loading={subs.isLoading} />;
}
