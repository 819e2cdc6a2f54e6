import { Card, Col, Progress, Row, Statistic, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApiQuery } from '../../api/client';
import { useTransferProgress } from '../../api/live';
import { can, useSession } from '../../api/session';
import type { Page } from '../../api/types';
import { JsonTable } from '../../components/json-table';
import { bytes } from '../transfers/format';
import type { Lane } from '../transfers/types';
import { EngineBanner } from './engine-banner';

interface NodeRow {
  id: string;
  state: string;
  capacityBytes: number | null;
  usedBytes: number | null;
  usedPercent: number | null;
}

export function DashboardPage() {
  const { t } = useTranslation('dashboard');
  const { user } = useSession();
  const ops = can(user, 'transfers');
  const lanes = useApiQuery<Page<Lane>>(['lanes'], '/v1/lanes', ops);
  const nodes = useApiQuery<Page<NodeRow>>(['nodes'], '/v1/nodes', ops);
  const queued = useApiQuery<Page<{ lane: string }>>(
    ['transfers', 'queued', 'dash'],
    '/v1/transfers?state=queued&limit=200',
    ops,
  );
  const running = useApiQuery<Page<{ id: string }>>(
    ['transfers', 'running', 'dash'],
    '/v1/transfers?state=running&limit=200',
    ops,
  );
  const quarantine = useApiQuery<Page<Record<string, unknown>>>(
    ['quarantine', 'dash'],
    '/v1/quarantine?limit=5',
    can(user, 'quarantine'),
  );
  const progress = useTransferProgress();
  const rate = Object.values(progress).reduce((s, p) => s + (Number(p.bytesPerSecond) || 0), 0);
  const depth = (lane: string) => (queued.data?.items ?? []).filter((q) => q.lane === lane).length;

  return (
    <>
      <h1>{t('title')}</h1>
      <EngineBanner />
      {ops && (
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col>
            <Card>
              <Statistic title={t('running')} value={running.data?.items.length ?? 0} />
            </Card>
          </Col>
          <Col>
            <Card>
              <Statistic title={t('queued')} value={queued.data?.items.length ?? 0} />
            </Card>
          </Col>
          <Col>
            <Card>
              <Statistic title={t('throughput')} value={`${bytes(rate)}/s`} />
            </Card>
          </Col>
        </Row>
      )}
      {ops && (
        <Card title={t('lanes')} style={{ marginBottom: 16 }}>
          <Table<Lane>
            rowKey="name"
            size="small"
            pagination={false}
            dataSource={lanes.data?.items ?? []}
            loading={lanes.isLoading}
            columns={[
              { title: t('lane'), dataIndex: 'name' },
              {
                title: t('channels'),
                render: (_, l) => (
                  <Tag color={l.busy >= l.channels ? 'error' : 'success'}>
                    {t('busyFree', { busy: l.busy, free: Math.max(0, l.channels - l.busy) })}
                  </Tag>
                ),
              },
              { title: t('depth'), render: (_, l) => depth(l.name) },
              {
                title: t('bandwidth'),
                dataIndex: 'bandwidthMbps',
                render: (v: number | null) => (v == null ? '∞' : `${v} Mbit/s`),
              },
            ]}
          />
        </Card>
      )}
      {ops && (
        <Card title={t('nodes')} style={{ marginBottom: 16 }}>
          <Table<NodeRow>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={nodes.data?.items ?? []}
            loading={nodes.isLoading}
            columns={[
              { title: t('node'), dataIndex: 'id' },
              {
                title: t('state'),
                dataIndex: 'state',
                render: (v: string) => (
                  <Tag color={v === 'up' ? 'success' : v === 'down' ? 'error' : 'default'}>{v}</Tag>
                ),
              },
              { title: t('capacity'), render: (_, n) => `${bytes(n.usedBytes)} / ${bytes(n.capacityBytes)}` },
              {
                title: t('used'),
                render: (_, n) => (
                  <Progress
                    percent={Math.round(n.usedPercent ?? 0)}
                    size="small"
                    style={{ width: 140 }}
                    aria-label={`${t('used')} ${n.id}`}
                  />
                ),
              },
            ]}
          />
        </Card>
      )}
      {can(user, 'quarantine') && (
        <Card title={t('recentQuarantine')} extra={<Link to="/quarantine">{t('more')}</Link>}>
          <JsonTable
            label={t('recentQuarantine')}
            rowKey="assetId"
            rows={quarantine.data?.items ?? []}
            loading={quarantine.isLoading}
            keys={pick(quarantine.data?.items[0])}
          />
        </Card>
      )}
    </>
  );
}

const WANTED = ['assetId', 'name', 'network', 'verdict', 'reason', 'detections', 'quarantinedAt', 'state'];
function pick(row: Record<string, unknown> | undefined) {
  if (!row) return [];
  const keys = WANTED.filter((k) => k in row);
  return keys.length ? keys : Object.keys(row).slice(0, 6);
}
