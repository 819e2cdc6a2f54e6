import { Alert, Button, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';

interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  checkpoints: number;
  anchors: number | null;
  firstProblem?: Record<string, unknown>;
  problems: Array<Record<string, unknown>>;
  keyId: string;
  latest: SignedCheckpoint[];
}
interface SignedCheckpoint {
  position: string;
  eventCount: string;
  digest: string;
  signature: string;
  keyId: string;
  signedAt: string;
  valid: boolean;
}
interface ReplayReport {
  events: number;
  equal: boolean;
  tables: Array<Record<string, unknown>>;
}
const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));

/** "Verify" (hash chain and signed checkpoints) and, for admins, replay-and-compare of the read models. */
export function LogChecks({ admin }: { admin: boolean }) {
  const { t } = useTranslation('audit');
  const [verify, setVerify] = useState<VerifyReport | null>(null);
  const [replay, setReplay] = useState<ReplayReport | null>(null);
  const [busy, setBusy] = useState<'verify' | 'replay' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: 'verify' | 'replay') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'verify') setVerify(await api<VerifyReport>('POST', '/v1/log/verify', {}));
      else setReplay(await api<ReplayReport>('POST', '/v1/log/replay', {}));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        <Button type="primary" loading={busy === 'verify'} onClick={() => void run('verify')}>
          {t('verify')}
        </Button>
        {admin ? (
          <Button loading={busy === 'replay'} onClick={() => void run('replay')}>
            {t('replay')}
          </Button>
        ) : null}
      </Space>
      {error ? <Alert type="error" title={error} /> : null}
      {verify ? (
        <Alert
          type={verify.ok ? 'success' : 'error'}
          title={verify.ok ? t('verified') : t('failed')}
          description={
            <>
              <Descriptions
                size="small"
                column={4}
                items={[
                  { key: 'e', label: t('events'), children: verify.events },
                  { key: 's', label: t('streams'), children: verify.streams },
                  { key: 'c', label: t('checkpoints'), children: verify.checkpoints },
                  { key: 'a', label: t('anchors'), children: verify.anchors ?? '—' },
                ]}
              />
              <Table
                size="small"
                pagination={false}
                rowKey="position"
                title={() => t('signatures', { keyId: verify.keyId })}
                dataSource={verify.latest}
                columns={[
                  { title: t('position'), dataIndex: 'position' },
                  { title: t('events'), dataIndex: 'eventCount' },
                  { title: t('signedAt'), dataIndex: 'signedAt', render: (v: string) => new Date(v).toLocaleString() },
                  {
                    title: t('digest'),
                    dataIndex: 'digest',
                    render: (v: string) => <Typography.Text code>{v.slice(0, 16)}…</Typography.Text>,
                  },
                  {
                    title: t('signature'),
                    dataIndex: 'signature',
                    render: (v: string) => (
                      <Typography.Text code copyable={{ text: v }}>
                        {v.slice(0, 24)}…
                      </Typography.Text>
                    ),
                  },
                  {
                    title: t('valid'),
                    dataIndex: 'valid',
                    render: (v: boolean) => <Tag color={v ? 'success' : 'error'}>{v ? t('yes') : t('no')}</Tag>,
                  },
                ]}
              />
              {verify.problems.length > 0 ? (
                <Table
                  size="small"
                  pagination={false}
                  rowKey={(p) => JSON.stringify(p)}
                  dataSource={verify.problems}
                  columns={[{ title: t('problems'), render: (_, p) => show(p) }]}
                />
              ) : null}
            </>
          }
        />
      ) : null}
      {replay ? (
        <Alert
          type={replay.equal ? 'success' : 'error'}
          title={replay.equal ? t('replayEqual') : t('replayDiffer')}
          description={
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => JSON.stringify(r)}
              dataSource={replay.tables}
              columns={[{ title: t('table'), render: (_, r) => show(r) }]}
            />
          }
        />
      ) : null}
    </Space>
  );
}
