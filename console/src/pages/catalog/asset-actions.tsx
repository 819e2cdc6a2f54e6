import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { Page } from './types';

type Dialog = 'fetch' | 'usage' | 'pick' | null;
interface Pick {
  id: string;
  name: string;
}

/** Fetch to a network, mark usage, add to a pick, download: each a small dialog posting one command. */
export function AssetActions(props: { id: string; networks: string[]; canDownload: boolean }) {
  const { id, networks, canDownload } = props;
  const { t } = useTranslation('catalog');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const picks = useQuery({
    queryKey: ['picks'],
    queryFn: () => api<Page<Pick>>('GET', '/v1/picks'),
    enabled: open === 'pick',
  });

  const run = async (send: (values: Record<string, string>) => Promise<unknown>) => {
    const values = (await form.validateFields()) as Record<string, string>;
    setBusy(true);
    try {
      await send(values);
      void message.success(t('done'));
      setOpen(null);
      form.resetFields();
      await client.invalidateQueries({ queryKey: ['asset', id] });
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = {
    fetch: () => run((v) => api('POST', `/v1/assets/${id}/fetch`, { network: v.network })),
    usage: () =>
      run((v) =>
        api('POST', `/v1/assets/${id}/usage`, {
          department: v.department,
          program: v.program,
          where: v.where,
          ...(v.note ? { note: v.note } : {}),
        }),
      ),
    pick: () =>
      run(async (v) => {
        const pickId = v.pick ?? (await api<Pick>('POST', '/v1/picks', { name: v.newPick })).id;
        await api('POST', `/v1/picks/${pickId}/items`, { assetId: id });
      }),
  };
  const required = [{ required: true }];

  return (
    <>
      <Space wrap>
        <Button onClick={() => setOpen('fetch')}>{t('fetch')}</Button>
        <Button onClick={() => setOpen('usage')}>{t('markUsage')}</Button>
        <Button onClick={() => setOpen('pick')}>{t('addToPick')}</Button>
        {canDownload ? (
          <a href={`/v1/assets/${id}/content`} download>
            <Button>{t('download')}</Button>
          </a>
        ) : null}
      </Space>
      <Modal
        open={open !== null}
        title={open === 'fetch' ? t('fetch') : open === 'usage' ? t('markUsage') : t('addToPick')}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        onOk={() => open && void submit[open]()}
        onCancel={() => setOpen(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {open === 'fetch' ? (
            <Form.Item name="network" label={t('network')} rules={required} initialValue={networks[0]}>
              <Select options={networks.map((n) => ({ value: n, label: n }))} />
            </Form.Item>
          ) : null}
          {open === 'usage' ? (
            <>
              <Form.Item name="department" label={t('department')} rules={required}>
                <Input />
              </Form.Item>
              <Form.Item name="program" label={t('program')} rules={required}>
                <Input />
              </Form.Item>
              <Form.Item name="where" label={t('where')} rules={required}>
                <Input />
              </Form.Item>
              <Form.Item name="note" label={t('note')}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          ) : null}
          {open === 'pick' ? (
            <>
              <Form.Item name="pick" label={t('pick')}>
                <Select allowClear options={(picks.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} />
              </Form.Item>
              <Form.Item name="newPick" label={t('newPick')}>
                <Input />
              </Form.Item>
            </>
          ) : null}
        </Form>
      </Modal>
    </>
  );
}
