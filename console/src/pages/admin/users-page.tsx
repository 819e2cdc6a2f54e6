import { useState } from 'react';
import { Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/client';
import type { Page, UserJson } from '../../api/types';
import { useCommand } from './use-command';

const ROLES = ['admin', 'operator', 'auditor', 'viewer', 'connector'];
interface Draft {
  username?: string;
  password?: string;
  role: string;
  networks?: string;
  canDownload?: boolean;
  canModify?: boolean;
}

export function UsersPage() {
  const { t } = useTranslation('admin');
  const users = useApiQuery<Page<UserJson>>(['users'], '/v1/users?limit=200');
  const run = useCommand();
  const [editing, setEditing] = useState<UserJson | 'new' | null>(null);
  const [form] = Form.useForm<Draft>();

  const open = (u: UserJson | 'new') => {
    setEditing(u);
    form.setFieldsValue(
      u === 'new'
        ? { role: 'viewer', canDownload: false, canModify: false, username: '', password: '', networks: '' }
        : {
            role: u.role,
            networks: (u.networks ?? []).join(', '),
            canDownload: u.canDownload,
            canModify: u.canModify,
            password: '',
          },
    );
  };
  const save = async (d: Draft) => {
    const networks = (d.networks ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      role: d.role,
      networks,
      canDownload: !!d.canDownload,
      canModify: !!d.canModify,
      ...(d.password ? { password: d.password } : {}),
    };
    const ok =
      editing === 'new'
        ? await run('POST', '/v1/users', { ...body, username: d.username }, ['users'])
        : editing && (await run('PATCH', `/v1/users/${editing.id}`, body, ['users']));
    if (ok !== undefined) setEditing(null);
  };

  return (
    <>
      <Button type="primary" onClick={() => open('new')} style={{ marginBottom: 8 }}>
        {t('addUser')}
      </Button>
      <Table<UserJson>
        aria-label={t('tabs.users')}
        rowKey="id"
        size="small"
        dataSource={users.data?.items ?? []}
        loading={users.isLoading}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          { title: t('role'), dataIndex: 'role', render: (r: string) => <Tag>{r}</Tag> },
          {
            title: t('networks'),
            render: (_, u) => (u.networks ?? (u.network ? [u.network] : [])).join(', ') || t('all'),
          },
          {
            title: t('rights'),
            render: (_, u) =>
              [u.canDownload && t('canDownload'), u.canModify && t('canModify')].filter(Boolean).join(', '),
          },
          {
            title: t('status'),
            render: (_, u) =>
              u.disabled ? <Tag color="error">{t('disabled')}</Tag> : <Tag color="success">{t('active')}</Tag>,
          },
          {
            title: t('lastLogin'),
            dataIndex: 'lastLoginAt',
            render: (v?: string) => (v ? new Date(v).toLocaleString() : '–'),
          },
          {
            title: t('actions'),
            render: (_, u) => (
              <Space size={4}>
                <Button size="small" onClick={() => open(u)}>
                  {t('edit')}
                </Button>
                <Popconfirm
                  title={u.disabled ? t('enable') : t('disable')}
                  okText={t('common:confirm')}
                  cancelText={t('common:cancel')}
                  onConfirm={() => void run('PATCH', `/v1/users/${u.id}`, { disabled: !u.disabled }, ['users'])}
                >
                  <Button size="small" danger={!u.disabled}>
                    {u.disabled ? t('enable') : t('disable')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('addUser') : t('editUser', { name: editing?.username })}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common:save')}
        cancelText={t('common:cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={save}>
          {editing === 'new' && (
            <Form.Item label={t('username')} name="username" rules={[{ required: true }]}>
              <Input />
            </Form.Item>
          )}
          <Form.Item
            label={editing === 'new' ? t('password') : t('resetPassword')}
            name="password"
            rules={[{ required: editing === 'new', min: 12 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item label={t('role')} name="role">
            <Select options={ROLES.map((r) => ({ value: r, label: r }))} />
          </Form.Item>
          <Form.Item label={t('networks')} name="networks" extra={t('networksHelp')}>
            <Input />
          </Form.Item>
          <Form.Item name="canDownload" valuePropName="checked">
            <Checkbox>{t('canDownload')}</Checkbox>
          </Form.Item>
          <Form.Item name="canModify" valuePropName="checked">
            <Checkbox>{t('canModify')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
