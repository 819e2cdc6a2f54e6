import type { ReactNode } from 'react';
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

const TABS = ['users', 'tokens', 'subscriptions', 'nodes', 'config'] as const;

/** The admin pages share one <h1> "Admin" and a tab bar; each tab is its own URL. */
export function AdminFrame({ tab, children }: { tab: (typeof TABS)[number]; children: ReactNode }) {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  return (
    <>
      <h1>{t('title')}</h1>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(`/admin/${k}`)}
        items={TABS.map((k) => ({ key: k, label: t(`tabs.${k}`) }))}
      />
      {children}
    </>
  );
}
