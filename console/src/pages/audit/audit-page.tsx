import { Card, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/session';
import { EventLog } from './event-log';
import { LiveTail } from './live-tail';
import { LogChecks } from './log-checks';

/** The auditor's page: log checks, the filtered log with its export, and the live tail. */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const { user } = useSession();
  return (
    <>
      <Typography.Title level={1}>{t('title')}</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <LogChecks admin={user?.role === 'admin'} />
      </Card>
      <Tabs
        items={[
          { key: 'log', label: t('log'), children: <EventLog /> },
          { key: 'live', label: t('live'), children: <LiveTail /> },
        ]}
      />
    </>
  );
}
