import { Alert, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

interface Ready {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** GET /health/ready answers 503 with the same body when not ready, so it is read without api()'s throw. */
async function readiness(): Promise<Ready> {
  const res = await fetch('/health/ready', { credentials: 'same-origin' });
  return (await res.json()) as Ready;
}

/** Loud when the antivirus is down or only YARA-X scans (clamd missing), or any readiness check fails. */
export function EngineBanner() {
  const { t } = useTranslation('dashboard');
  const { data } = useQuery({ queryKey: ['health'], queryFn: readiness });
  if (!data) return null;
  const av = data.checks.antivirus;
  const avDetail = av?.detail ?? '';
  const clamMissing = av && (!/clam/i.test(avDetail) || /clam\w*\s+(unreachable|NOT SCANNING)/i.test(avDetail));
  const failed = Object.entries(data.checks).filter(([, c]) => !c.ok);
  return (
    <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }}>
      {av && (!av.ok || clamMissing) && (
        <Alert type="error" showIcon banner role="alert" title={t('clamDown')} description={avDetail} />
      )}
      {failed
        .filter(([n]) => n !== 'antivirus')
        .map(([name, c]) => (
          <Alert key={name} type="warning" showIcon title={t('checkFailed', { name })} description={c.detail ?? ''} />
        ))}
      {data.ready && !clamMissing && <Alert type="success" showIcon title={t('healthy')} description={avDetail} />}
    </Space>
  );
}
