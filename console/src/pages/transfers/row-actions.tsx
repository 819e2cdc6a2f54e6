import { useState } from 'react';
import { App, Button, InputNumber, Modal, Popconfirm, Select, Space } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { Transfer } from './types';

const LANES = ['urgent', 'normal'];

/** The row's commands: each is the same /v1 call a script would make, with the row version as If-Match. */
export function RowActions({ row }: { row: Transfer }) {
  const { t } = useTranslation('transfers');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'priority' | 'lane' | null>(null);
  const [priority, setPriority] = useState<number>(row.priority);
  const [lane, setLane] = useState<string>(row.lane);

  const run = async (method: string, path: string, body?: unknown) => {
    try {
      await api(method, `/v1/transfers/${row.id}${path}`, body, { ifMatch: row.version });
      void message.success(t('done'));
      setDialog(null);
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    }
  };
  const waiting = row.state === 'queued' || row.state === 'paused';
  const confirm = (label: string, onConfirm: () => void) => (
    <Popconfirm
      title={t('sure', { action: label })}
      okText={t('common:confirm')}
      cancelText={t('common:cancel')}
      onConfirm={onConfirm}
    >
      <Button size="small" danger={label === t('cancel')}>
        {label}
      </Button>
    </Popconfirm>
  );

  return (
    <Space wrap size={4}>
      {(row.state === 'queued' || row.state === 'running') && confirm(t('pause'), () => void run('POST', '/pause', {}))}
      {row.state === 'paused' && (
        <Button size="small" onClick={() => void run('POST', '/resume', {})}>
          {t('resume')}
        </Button>
      )}
      {(waiting || row.state === 'running') && confirm(t('cancel'), () => void run('POST', '/cancel', {}))}
      {row.state === 'failed' && (
        <Button size="small" onClick={() => void run('POST', '/retry', {})}>
          {t('retry')}
        </Button>
      )}
      {waiting && (
        <Button size="small" onClick={() => setDialog('priority')}>
          {t('setPriority')}
        </Button>
      )}
      {waiting && (
        <Button size="small" onClick={() => setDialog('lane')}>
          {t('moveLane')}
        </Button>
      )}
      <Modal
        open={dialog === 'priority'}
        title={t('setPriority')}
        onCancel={() => setDialog(null)}
        footer={null}
        destroyOnHidden
      >
        <label>
          {t('priority')}
          <InputNumber
            aria-label={t('priority')}
            min={1}
            max={10}
            value={priority}
            onChange={(v) => setPriority(v ?? 5)}
            style={{ marginLeft: 8 }}
          />
        </label>
        <div style={{ marginTop: 16 }}>
          <Button type="primary" onClick={() => void run('PATCH', '', { priority })}>
            {t('common:apply')}
          </Button>
        </div>
      </Modal>
      <Modal
        open={dialog === 'lane'}
        title={t('moveLane')}
        onCancel={() => setDialog(null)}
        footer={null}
        destroyOnHidden
      >
        <Select
          aria-label={t('lane')}
          value={lane}
          onChange={setLane}
          style={{ width: 160 }}
          options={LANES.map((l) => ({ value: l, label: l }))}
        />
        <div style={{ marginTop: 16 }}>
          <Button type="primary" onClick={() => void run('PATCH', '', { lane })}>
            {t('common:apply')}
          </Button>
        </div>
      </Modal>
    </Space>
  );
}
