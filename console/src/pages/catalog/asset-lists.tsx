import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Page } from './types';
import { useAssetPart } from './use-asset';

type Row = Record<string, unknown>;
const text = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
const time = (v: unknown) => (typeof v === 'string' ? new Date(v).toLocaleString() : '');

/** The verdicts of each screening stage, from the asset itself. */
export function Verdicts({ verdicts }: { verdicts: Row[] }) {
  const { t } = useTranslation('catalog');
  return (
    <Table<Row>
      size="small"
      pagination={false}
      rowKey={(r) => `${text(r.stage)}-${text(r.at)}`}
      dataSource={verdicts}
      columns={[
        { title: t('stage'), render: (_, r) => text(r.stage) },
        { title: t('passed'), render: (_, r) => text(r.passed ?? r.verdict) },
        { title: t('rule'), render: (_, r) => text(r.rule) },
        { title: t('reason'), render: (_, r) => text(r.reason) },
        { title: t('at'), render: (_, r) => time(r.at) },
      ]}
    />
  );
}

export function Replicas({ id }: { id: string }) {
  const { t } = useTranslation('catalog');
  const q = useAssetPart<{ items?: Row[] } | Row[]>(id, 'replicas', `/v1/assets/${id}/replicas`);
  const rows = Array.isArray(q.data) ? q.data : (q.data?.items ?? []);
  return (
    <Table<Row>
      size="small"
      pagination={false}
      loading={q.isLoading}
      rowKey={(r) => `${text(r.network)}-${text(r.node ?? r.nodeId)}-${text(r.path)}`}
      dataSource={rows}
      columns={[
        { title: t('network'), render: (_, r) => text(r.network) },
        { title: t('kind'), render: (_, r) => text(r.kind) },
        { title: t('state'), render: (_, r) => text(r.state) },
        { title: t('path'), render: (_, r) => text(r.path) },
      ]}
    />
  );
}

/** The asset's transfers as its record lists them (the hub has no GET of an asset's transfers). */
export function Transfers({ transfers }: { transfers: Row[] }) {
  const { t } = useTranslation('catalog');
  return (
    <Table<Row>
      size="small"
      pagination={false}
      rowKey={(r) => text(r.transferId ?? r.id)}
      dataSource={transfers}
      columns={[
        { title: t('target'), render: (_, r) => text(r.targetNetwork ?? r.target) },
        { title: t('state'), render: (_, r) => text(r.state) },
        { title: t('path'), render: (_, r) => text(r.path) },
      ]}
    />
  );
}

export function UsageMarks({ id }: { id: string }) {
  const { t } = useTranslation('catalog');
  const q = useAssetPart<Page<Row>>(id, 'usage', `/v1/assets/${id}/usage`);
  return (
    <Table<Row>
      size="small"
      pagination={false}
      loading={q.isLoading}
      rowKey={(r) => text(r.id)}
      dataSource={q.data?.items ?? []}
      columns={[
        { title: t('user'), render: (_, r) => text(r.user ?? r.actor) },
        { title: t('kind'), render: (_, r) => text(r.kind) },
        { title: t('department'), render: (_, r) => text(r.department) },
        { title: t('program'), render: (_, r) => text(r.program) },
        { title: t('where'), render: (_, r) => text(r.where) },
        { title: t('at'), render: (_, r) => time(r.at ?? r.occurredAt) },
      ]}
    />
  );
}

export function Timeline({ id }: { id: string }) {
  const { t } = useTranslation('catalog');
  const q = useAssetPart<Page<Row>>(id, 'timeline', `/v1/assets/${id}/timeline?limit=200`);
  return (
    <Table<Row>
      size="small"
      loading={q.isLoading}
      rowKey={(r) => text(r.position)}
      dataSource={q.data?.items ?? []}
      pagination={{ pageSize: 20 }}
      columns={[
        { title: t('at'), render: (_, r) => time(r.occurredAt) },
        { title: t('event'), render: (_, r) => text(r.type) },
        { title: t('actor'), render: (_, r) => text(r.actor) },
        { title: t('summary'), render: (_, r) => text(r.summary) },
      ]}
    />
  );
}
