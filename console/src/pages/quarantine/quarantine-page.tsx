import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Table, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError } from '../../api/client';
import { useLiveEvents } from '../../api/live';
import { canChange, useSession } from '../../api/session';
import { ReasonDialog } from './reason-dialog';

interface Quarantined {
  assetId: string;
  originalName: string | null;
  sourceNetwork: string | null;
  stage: string | null;
  rule: string | null;
  reason: string | null;
  quarantinedAt: string | null;
}
interface Page<T> {
  items: T[];
  next: string | null;
}
type Action = 'release' | 'override' | 'delete';

/** The engines (name and version) behind the refusing stage's verdict, from the asset's own record. */
function Engines({ id, stage }: { id: string; stage: string | null }) {
  const q = useQuery({
    queryKey: ['asset', id, 'detail'],
    queryFn: () => api<{ verdicts: Array<Record<string, unknown>> }>('GET', `/v1/assets/${id}`),
  });
  const verdict = q.data?.verdicts.filter((v) => v.stage === stage).pop();
  const engines = verdict?.engines;
  if (!engines) return null;
  const list = Array.isArray(engines) ? engines : Object.entries(engines).map(([k, v]) => ({ name: k, version: v }));
  return (
    <>
      {list.map((e, i) => {
        const item = e as { name?: unknown; engine?: unknown; version?: unknown };
        return <div key={i}>{`${String(item.name ?? item.engine ?? '')} ${String(item.version ?? '')}`.trim()}</div>;
      })}
    </>
  );
}

/** Refused assets, and what may be done with them: rescreen, override (admin), delete (admin). */
export function QuarantinePage() {
  const { t } = useTranslation('quarantine');
  const { user } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ['quarantine', cursor ?? ''],
    queryFn: () =>
      api<Page<Quarantined>>('GET', `/v1/quarantine${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  });
  const refresh = useCallback(() => void client.invalidateQueries({ queryKey: ['quarantine'] }), [client]);
  useLiveEvents(
    useCallback((e: { stream: string }) => e.stream.startsWith('asset-'), []),
    refresh,
  );
  const [open, setOpen] = useState<{ action: Action; asset: Quarantined } | null>(null);
  const [busy, setBusy] = useState(false);
  const isAdmin = user?.role === 'admin';
  const changer = canChange(user);

  const confirm = async (reason: string) => {
    if (!open) return;
    const { action, asset } = open;
    setBusy(true);
    try {
      if (action === 'delete') await api('DELETE', `/v1/assets/${asset.assetId}`, { reason });
      else
        await api('POST', `/v1/assets/${asset.assetId}/release`, {
          mode: action === 'override' ? 'override' : 'rescreen',
          reason,
        });
      void message.success(t('done'));
      setOpen(null);
      refresh();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1}>{t('title')}</Typography.Title>
      <Table<Quarantined>
        rowKey="assetId"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('empty') }}
        columns={[
          {
            title: t('name'),
            key: 'name',
            render: (_, a) => <Link to={`/catalog/assets/${a.assetId}`}>{a.originalName ?? a.assetId}</Link>,
          },
          { title: t('network'), dataIndex: 'sourceNetwork' },
          { title: t('stage'), dataIndex: 'stage' },
          { title: t('rule'), dataIndex: 'rule' },
          { title: t('reason'), dataIndex: 'reason' },
          { title: t('engines'), key: 'engines', render: (_, a) => <Engines id={a.assetId} stage={a.stage} /> },
          {
            title: t('time'),
            dataIndex: 'quarantinedAt',
            render: (v: string | null) => (v ? new Date(v).toLocaleString() : ''),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, a) => (
              <Space wrap>
                {changer ? (
                  <Button size="small" onClick={() => setOpen({ action: 'release', asset: a })}>
                    {t('release')}
                  </Button>
                ) : null}
                {isAdmin ? (
                  <Button size="small" onClick={() => setOpen({ action: 'override', asset: a })}>
                    {t('override')}
                  </Button>
                ) : null}
                {isAdmin ? (
                  <Button size="small" danger onClick={() => setOpen({ action: 'delete', asset: a })}>
                    {t('delete')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        {cursors.length > 0 ? <Button onClick={() => setCursors((c) => c.slice(0, -1))}>←</Button> : null}
        {list.data?.next ? <Button onClick={() => setCursors((c) => [...c, list.data!.next!])}>→</Button> : null}
      </Space>
      {open ? (
        <ReasonDialog
          key={`${open.action}-${open.asset.assetId}`}
          title={t(open.action)}
          subject={open.asset.originalName ?? open.asset.assetId}
          busy={busy}
          onConfirm={(r) => void confirm(r)}
          onCancel={() => setOpen(null)}
        />
      ) : null}
    </>
  );
}
