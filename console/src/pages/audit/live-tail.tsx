import { List, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveEvents, type HubEvent } from '../../api/live';

const KEEP = 200;

/** The newest hub events as the stream delivers them (kept in memory, newest first). */
export function LiveTail() {
  const { t } = useTranslation('audit');
  const [events, setEvents] = useState<HubEvent[]>([]);
  useLiveEvents(
    undefined,
    useCallback((e: HubEvent) => setEvents((list) => [e, ...list].slice(0, KEEP)), []),
  );
  return (
    <List
      size="small"
      bordered
      locale={{ emptyText: t('waiting') }}
      dataSource={events}
      renderItem={(e) => (
        <List.Item key={String(e.position)}>
          <Typography.Text code>{String(e.position)}</Typography.Text> {new Date(e.occurredAt).toLocaleTimeString()}{' '}
          <strong>{e.type}</strong> {e.stream} · {e.actor}
        </List.Item>
      )}
    />
  );
}
