import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';

type Sidecar = Record<string, unknown>;
const FIELDS = ['title', 'materialId', 'programmeId', 'category', 'description', 'rights'] as const;
const show = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * The sidecar metadata as text, and for users with the modify right an edit
 * form that sends only what changed (an emptied field becomes null: removed),
 * with the version it was read at as If-Match.
 */
export function MetadataForm(props: { id: string; version: number; sidecar: Sidecar; canModify: boolean }) {
  const { id, version, sidecar, canModify } = props;
  const { t } = useTranslation('catalog');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const extra = (sidecar.extra ?? {}) as Sidecar;
  const items = [
    ...FIELDS.filter((f) => sidecar[f] !== undefined && sidecar[f] !== null).map((f) => ({
      key: f,
      label: f,
      children: show(sidecar[f]),
    })),
    ...Object.entries(extra).map(([k, v]) => ({ key: `extra.${k}`, label: k, children: show(v) })),
  ];
  const save = async (values: Record<string, string | undefined>) => {
    const patch: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const now = values[f]?.trim() ?? '';
      if (now !== show(sidecar[f])) patch[f] = now === '' ? null : now;
    }
    if (Object.keys(patch).length === 0) return setEditing(false);
    setBusy(true);
    try {
      await api('PATCH', `/v1/assets/${id}/metadata`, patch, { ifMatch: String(version) });
      void message.success(t('saved'));
      setEditing(false);
      await client.invalidateQueries({ queryKey: ['asset', id] });
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
      // A 412 means someone changed the asset since it was read: reload it so the next save has the new version.
      await client.invalidateQueries({ queryKey: ['asset', id] });
    } finally {
      setBusy(false);
    }
  };
  if (!editing)
    return (
      <>
        <Descriptions size="small" column={1} bordered items={items} />
        {canModify ? (
          <Button style={{ marginTop: 8 }} onClick={() => setEditing(true)}>
            {t('edit')}
          </Button>
        ) : null}
      </>
    );
  return (
    <Form
      layout="vertical"
      initialValues={Object.fromEntries(FIELDS.map((f) => [f, show(sidecar[f])]))}
      onFinish={save}
    >
      {FIELDS.map((f) => (
        <Form.Item key={f} name={f} label={f}>
          {f === 'description' || f === 'rights' ? <Input.TextArea rows={3} /> : <Input />}
        </Form.Item>
      ))}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('save')}
        </Button>
        <Button onClick={() => setEditing(false)}>{t('cancel')}</Button>
      </Space>
    </Form>
  );
}
