import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Input, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';

interface EventJson {
  position: string;
  streamId?: string;
  stream?: string;
  type: string;
  metadata?: { actor?: string; occurredAt?: string };
  data?: { assetId?: string };
}
interface Filters {
  type?: string;
  stream?: string;
  category?: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** The free-text filters: the query parameter and the placeholder's message. */
const TEXT_FILTERS: Array<[key: 'type' | 'category' | 'stream' | 'actor', hint: string]> = [
  ['type', 'type'],
  ['category', 'category'],
  ['stream', 'stream'],
  ['actor', 'actorHint'],
];

export function eventsQuery(f: Filters, extra: Record<string, string> = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) p.set(k, v);
  return p.toString();
}

/** The log, filtered, paged by position (`next` goes back as `after`), and exported as JSON Lines. */
export function EventLog() {
  const { t } = useTranslation('audit');
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const [afters, setAfters] = useState<string[]>([]);
  const after = afters[afters.length - 1];
  const query = eventsQuery(filters, after ? { after } : {});
  const page = useQuery({
    queryKey: ['events', query],
    queryFn: () => api<{ items: EventJson[]; next: string | null }>('GET', `/v1/events?${query}`),
  });
  const apply = () => {
    setAfters([]);
    setFilters(draft);
  };
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {TEXT_FILTERS.map(([key, hint]) => (
          <Input
            key={key}
            aria-label={t(key)}
            placeholder={t(hint)}
            value={draft[key] ?? ''}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value.trim() || undefined })}
            onPressEnter={apply}
          />
        ))}
        <DatePicker
          showTime
          aria-label={t('from')}
          placeholder={t('from')}
          onChange={(d) => setDraft({ ...draft, from: d ? d.toDate().toISOString() : undefined })}
        />
        <DatePicker
          showTime
          aria-label={t('to')}
          placeholder={t('to')}
          onChange={(d) => setDraft({ ...draft, to: d ? d.toDate().toISOString() : undefined })}
        />
        <Button type="primary" onClick={apply}>
          {t('apply')}
        </Button>
        <a href={`/v1/events?${eventsQuery(filters, { format: 'jsonl' })}`} download="mxhub-events.jsonl">
          {t('export')}
        </a>
      </Space>
      <Table<EventJson>
        size="small"
        rowKey="position"
        loading={page.isLoading}
        dataSource={page.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('position'), dataIndex: 'position' },
          {
            title: t('occurredAt'),
            key: 'occurredAt',
            render: (_, e) => (e.metadata?.occurredAt ? new Date(e.metadata.occurredAt).toLocaleString() : ''),
          },
          { title: t('type'), dataIndex: 'type' },
          { title: t('stream'), key: 'stream', render: (_, e) => e.streamId ?? e.stream ?? '' },
          { title: t('actor'), key: 'actor', render: (_, e) => e.metadata?.actor ?? '' },
          {
            title: t('asset'),
            key: 'asset',
            render: (_, e) =>
              e.data?.assetId ? <Link to={`/catalog/assets/${e.data.assetId}`}>{e.data.assetId}</Link> : null,
          },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        {afters.length > 0 ? <Button onClick={() => setAfters([])}>{t('first')}</Button> : null}
        {page.data?.next ? (
          <Button onClick={() => setAfters((a) => [...a, page.data!.next!])}>{t('next')}</Button>
        ) : null}
      </Space>
    </>
  );
}
