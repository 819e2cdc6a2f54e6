import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Popconfirm, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/client';
import type { Page } from '../../api/types';
import { useCommand } from './use-command';

interface TokenRow {
  id: string;
  name: string;
  expiresAt?: string | null;
  owner?: string;
  createdAt?: string;
  [k: string]: unknown;
}

export function TokensPage() {
  const { t } = useTranslation('admin');
  const tokens = useApiQuery<Page<TokenRow>>(['tokens'], '/v1/tokens?limit=200');
  const run = useCommand();
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);

  const issue = async (v: { name: string; expiresInDays?: number }) => {
    const out = await run<{ name: string; token: string }>('POST', '/v1/tokens', v, ['tokens']);
    if (out) setIssued(out);
  };
  return (
    <>
      {issued && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setIssued(null)}
          style={{ marginBottom: 12 }}
          title={t('tokenOnce', { name: issued.name })}
          description={
            <Typography.Text code copyable>
              {issued.token}
            </Typography.Text>
          }
        />
      )}
      <Form layout="inline" onFinish={issue} style={{ marginBottom: 12 }}>
        <Form.Item label={t('tokenName')} name="name" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('expiresInDays')} name="expiresInDays">
          <InputNumber min={1} max={3650} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('issue')}
        </Button>
      </Form>
      <Table<TokenRow>
        aria-label={t('tabs.tokens')}
        rowKey="id"
        size="small"
        dataSource={tokens.data?.items ?? []}
        loading={tokens.isLoading}
        columns={[
          { title: t('tokenName'), dataIndex: 'name' },
          { title: t('owner'), render: (_, r) => String(r.owner ?? r.username ?? r.userId ?? '–') },
          {
            title: t('expires'),
            dataIndex: 'expiresAt',
            render: (v?: string | null) => (v ? new Date(v).toLocaleString() : '–'),
          },
          {
            title: t('actions'),
            render: (_, r) => (
              <Popconfirm
                title={t('revoke')}
                okText={t('common:confirm')}
                cancelText={t('common:cancel')}
                onConfirm={() => void run('DELETE', `/v1/tokens/${r.id}`, undefined, ['tokens'])}
              >
                <Button size="small" danger>
                  {t('revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </>
  );
}
