import { App, Button, InputNumber, Space, Switch, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, useApiQuery } from '../../api/client';
import { canChange, useSession } from '../../api/session';
import type { Page } from '../../api/types';
import type { Lane, Network } from './types';

/** Lane channels and bandwidth (PATCH /v1/lanes/{name}); networks paused or throttled (PATCH /v1/networks/{id}). */
export function LanesPanel() {
  const { t } = useTranslation('transfers');
  const { user } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const lanes = useApiQuery<Page<Lane> | Lane[]>(['lanes'], '/v1/lanes');
  const networks = useApiQuery<Page<Network> | Network[]>(['networks'], '/v1/networks');
  const edit = canChange(user);
  const patch = async (path: string, body: unknown, key: string) => {
    try {
      await api('PATCH', path, body);
      void message.success(t('done'));
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
    }
    void qc.invalidateQueries({ queryKey: [key] });
  };
  const items = <T,>(d: Page<T> | T[] | undefined): T[] => (Array.isArray(d) ? d : (d?.items ?? []));

  return (
    <Space align="start" wrap size="large" style={{ marginBottom: 16 }}>
      <Table<Lane>
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={items(lanes.data)}
        title={() => t('lanes')}
        columns={[
          { title: t('lane'), dataIndex: 'name' },
          { title: t('busy'), render: (_, l) => `${l.busy} / ${l.channels}` },
          {
            title: t('channels'),
            render: (_, l) => (
              <InputNumber
                aria-label={`${t('channels')} ${l.name}`}
                size="small"
                min={0}
                max={256}
                defaultValue={l.channels}
                disabled={!edit}
                onBlur={(e) => {
                  const v = Number(e.target.value);
                  if (v !== l.channels) void patch(`/v1/lanes/${l.name}`, { channels: v }, 'lanes');
                }}
              />
            ),
          },
          {
            title: t('bandwidth'),
            render: (_, l) => (
              <InputNumber
                aria-label={`${t('bandwidth')} ${l.name}`}
                size="small"
                min={0}
                placeholder="∞"
                defaultValue={l.bandwidthMbps ?? undefined}
                disabled={!edit}
                onBlur={(e) => {
                  const v = e.target.value === '' ? null : Number(e.target.value);
                  if (v !== l.bandwidthMbps) void patch(`/v1/lanes/${l.name}`, { bandwidthMbps: v }, 'lanes');
                }}
              />
            ),
          },
        ]}
      />
      <Table<Network>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={items(networks.data)}
        title={() => t('networks')}
        columns={[
          { title: t('network'), dataIndex: 'id' },
          {
            title: t('paused'),
            render: (_, n) => (
              <Switch
                aria-label={`${t('paused')} ${n.id}`}
                checked={n.paused}
                disabled={!edit}
                size="small"
                onChange={(paused) => void patch(`/v1/networks/${n.id}`, { paused }, 'networks')}
              />
            ),
          },
          { title: t('reason'), dataIndex: 'reason', render: (v: string | null) => (v ? <Tag>{v}</Tag> : null) },
          {
            title: t('bandwidth'),
            render: (_, n) => (
              <InputNumber
                aria-label={`${t('bandwidth')} ${n.id}`}
                size="small"
                min={0}
                placeholder="∞"
                defaultValue={n.bandwidthMbps ?? undefined}
                disabled={!edit}
                onBlur={(e) => {
                  const v = e.target.value === '' ? null : Number(e.target.value);
                  if (v !== n.bandwidthMbps) void patch(`/v1/networks/${n.id}`, { bandwidthMbps: v }, 'networks');
                }}
              />
            ),
          },
        ]}
      />
      {!edit && <Button disabled>{t('readOnly')}</Button>}
    </Space>
  );
}
