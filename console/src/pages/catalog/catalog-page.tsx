import { useQuery } from '@tanstack/react-query';
import { Button, Col, Input, Row, Select, Space, Table, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { MEDIA_TYPES, STATES, type CatalogItem, type Page, type TreeJson } from './types';

interface Filters {
  q: string;
  type?: string;
  network?: string;
  state?: string;
  program?: string;
  from?: string;
  to?: string;
}

function toQuery(f: Filters, after?: string) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  if (after) p.set('cursor', after);
  return p.toString();
}

/** The month a tree node names, as a from/to range of detection times. */
function monthRange(month: string) {
  const [y, m] = month.split('-').map(Number);
  const from = new Date(Date.UTC(y!, m! - 1, 1)).toISOString();
  const to = new Date(Date.UTC(y!, m!, 1)).toISOString();
  return { from, to };
}

function treeNodes(tree: TreeJson | undefined): DataNode[] {
  return (tree?.networks ?? []).map((n) => ({
    key: JSON.stringify({ network: n.network }),
    title: `${n.network} (${n.count})`,
    children: n.months.map((m) => ({
      key: JSON.stringify({ network: n.network, ...monthRange(m.month) }),
      title: `${m.month} (${m.count})`,
      children: (m.programmes ?? []).map((p) => ({
        key: JSON.stringify({ network: n.network, ...monthRange(m.month), program: p.programme ?? '' }),
        title: `${p.programme ?? '—'} (${p.count})`,
        isLeaf: true,
      })),
    })),
  }));
}

/** Search and browse the assets the user may see. */
export function CatalogPage() {
  const { t } = useTranslation('catalog');
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<Filters>({ q: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const query = toQuery(filters, after);
  const assets = useQuery({
    queryKey: ['assets', query],
    queryFn: () => api<Page<CatalogItem>>('GET', `/v1/assets?${query}`),
  });
  const tree = useQuery({
    queryKey: ['catalog-tree'],
    queryFn: () => api<TreeJson>('GET', '/v1/catalog/tree?items=0'),
  });
  const nodes = useMemo(() => treeNodes(tree.data), [tree.data]);
  const networks = (tree.data?.networks ?? []).map((n) => n.network);
  const set = (patch: Partial<Filters>) => {
    setCursors([]);
    setFilters((f) => ({ ...f, ...patch }));
  };
  const anyOption = { value: '', label: t('any') };

  return (
    <>
      <Typography.Title level={1}>{t('title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input
          type="search"
          aria-label={t('search')}
          placeholder={t('search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={() => set({ q: text.trim() })}
          style={{ width: 320 }}
          allowClear
        />
        <Button onClick={() => set({ q: text.trim() })}>{t('search')}</Button>
        <Select
          aria-label={t('type')}
          style={{ width: 140 }}
          value={filters.type ?? ''}
          options={[anyOption, ...MEDIA_TYPES.map((v) => ({ value: v, label: v }))]}
          onChange={(v) => set({ type: v || undefined })}
        />
        <Select
          aria-label={t('network')}
          style={{ width: 160 }}
          value={filters.network ?? ''}
          options={[anyOption, ...networks.map((v) => ({ value: v, label: v }))]}
          onChange={(v) => set({ network: v || undefined, from: undefined, to: undefined, program: undefined })}
        />
        <Select
          aria-label={t('state')}
          style={{ width: 180 }}
          value={filters.state ?? ''}
          options={[anyOption, ...STATES.map((v) => ({ value: v, label: v }))]}
          onChange={(v) => set({ state: v || undefined })}
        />
      </Space>
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('tree')}
          </Typography.Title>
          <Tree
            treeData={nodes}
            onSelect={(keys) => {
              const key = keys[0];
              if (key === undefined) set({ network: undefined, from: undefined, to: undefined, program: undefined });
              else set({ from: undefined, to: undefined, program: undefined, ...JSON.parse(String(key)) });
            }}
          />
        </Col>
        <Col xs={24} md={18}>
          <Table<CatalogItem>
            rowKey="assetId"
            loading={assets.isLoading}
            dataSource={assets.data?.items ?? []}
            pagination={false}
            columns={[
              {
                title: t('poster'),
                key: 'poster',
                width: 96,
                render: (_, a) => (a.posterUrl ? <img src={a.posterUrl} alt="" width={80} loading="lazy" /> : null),
              },
              {
                title: t('name'),
                key: 'name',
                render: (_, a) => (
                  <>
                    <Link to={`/catalog/assets/${a.assetId}`}>{a.originalName}</Link>
                    {a.title ? (
                      <div>
                        <Typography.Text type="secondary">{a.title}</Typography.Text>
                      </div>
                    ) : null}
                  </>
                ),
              },
              { title: t('type'), dataIndex: 'type' },
              { title: t('state'), dataIndex: 'state' },
              { title: t('network'), key: 'networks', render: (_, a) => a.networks.join(', ') },
              { title: t('detected'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
            ]}
          />
          <Space style={{ marginTop: 8 }}>
            {cursors.length > 0 ? <Button onClick={() => setCursors((c) => c.slice(0, -1))}>←</Button> : null}
            {assets.data?.next ? (
              <Button onClick={() => setCursors((c) => [...c, assets.data!.next!])}>{t('more')}</Button>
            ) : null}
          </Space>
        </Col>
      </Row>
    </>
  );
}
