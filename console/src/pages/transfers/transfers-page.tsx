import { useState } from 'react';
import { Input, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { canChange, useSession } from '../../api/session';
import { useTransferProgress } from '../../api/live';
import { labelledBy } from '../../components/labelled-table';
import { bytes, eta, runOrder } from './format';
import { LanesPanel } from './lanes-panel';
import { RowActions } from './row-actions';
import type { Transfer } from './types';
import { useTransfers } from './use-transfers';

// Stable component maps (a new one each render would remount the tables).
const RUNNING = labelledBy('running');
const QUEUED = labelledBy('queued');
const HISTORY = labelledBy('history');

export function TransfersPage() {
  const { t } = useTranslation('transfers');
  const { user } = useSession();
  const live = useTransferProgress();
  const running = useTransfers('running');
  const queued = useTransfers('queued');
  const paused = useTransfers('paused');
  const [histState, setHistState] = useState('succeeded');
  const [histNetwork, setHistNetwork] = useState('');
  const history = useTransfers(histState, histNetwork ? `&network=${encodeURIComponent(histNetwork)}` : '');

  const base: ColumnsType<Transfer> = [
    {
      title: t('asset'),
      dataIndex: 'assetId',
      render: (v: string) => <Typography.Text code>{v.slice(0, 12)}</Typography.Text>,
    },
    { title: t('route'), render: (_, r) => `${r.sourceNetwork ?? '–'} → ${r.targetNetwork}` },
    { title: t('lane'), dataIndex: 'lane', render: (v: string) => <Tag>{v}</Tag> },
    { title: t('priority'), dataIndex: 'priority' },
  ];
  const actions: ColumnsType<Transfer> = canChange(user)
    ? [{ title: t('actions'), render: (_, r) => <RowActions row={r} /> }]
    : [];
  const runningCols: ColumnsType<Transfer> = [
    ...base,
    {
      title: t('progress'),
      render: (_, r) => {
        const p = { ...r, ...live[r.id] };
        const pct = p.bytesTotal ? Math.floor((100 * (p.bytesDone ?? 0)) / p.bytesTotal) : 0;
        return (
          <div style={{ minWidth: 180 }}>
            <Progress percent={pct} size="small" aria-label={`${t('progress')} ${r.id}`} />
            <Typography.Text type="secondary">
              {p.step ?? ''} {bytes(p.bytesDone)} / {bytes(p.bytesTotal)} · {bytes(p.bytesPerSecond)}/s · {t('eta')}{' '}
              {eta(p.etaSeconds)}
            </Typography.Text>
          </div>
        );
      },
    },
    ...actions,
  ];
  const queuedCols: ColumnsType<Transfer> = [
    { title: t('position'), render: (_, __, i) => i + 1 },
    ...base,
    { title: t('state'), dataIndex: 'state', render: (v: string) => <Tag>{t(`states.${v}`)}</Tag> },
    { title: t('created'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
    ...actions,
  ];
  const historyCols: ColumnsType<Transfer> = [
    ...base,
    { title: t('state'), dataIndex: 'state', render: (v: string) => <Tag>{t(`states.${v}`)}</Tag> },
    { title: t('size'), dataIndex: 'bytesTotal', render: (v: number | null) => bytes(v) },
    {
      title: t('finished'),
      dataIndex: 'finishedAt',
      render: (v: string | null) => (v ? new Date(v).toLocaleString() : '–'),
    },
    { title: t('error'), dataIndex: 'error', ellipsis: true },
    ...actions,
  ];
  const waiting = runOrder([...(queued.data?.items ?? []), ...(paused.data?.items ?? [])]);

  return (
    <>
      <h1>{t('title')}</h1>
      <LanesPanel />
      <h2 id="running">{t('running')}</h2>
      <Table<Transfer>
        components={RUNNING}
        rowKey="id"
        size="small"
        columns={runningCols}
        dataSource={running.data?.items ?? []}
        loading={running.isLoading}
        pagination={false}
      />
      <h2 id="queued">{t('queued')}</h2>
      <Table<Transfer>
        components={QUEUED}
        rowKey="id"
        size="small"
        columns={queuedCols}
        dataSource={waiting}
        loading={queued.isLoading}
        pagination={false}
      />
      <h2 id="history">{t('history')}</h2>
      <Space style={{ marginBottom: 8 }}>
        <Select
          aria-label={t('state')}
          value={histState}
          onChange={setHistState}
          style={{ width: 160 }}
          options={['succeeded', 'failed', 'cancelled'].map((s) => ({ value: s, label: t(`states.${s}`) }))}
        />
        <Input.Search
          aria-label={t('network')}
          placeholder={t('network')}
          allowClear
          onSearch={setHistNetwork}
          style={{ width: 200 }}
        />
      </Space>
      <Table<Transfer>
        components={HISTORY}
        rowKey="id"
        size="small"
        columns={historyCols}
        dataSource={history.data?.items ?? []}
        loading={history.isLoading}
        pagination={{ pageSize: 20 }}
      />
    </>
  );
}
