import { Card, Col, Descriptions, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useSession } from '../../api/session';
import { AssetActions } from './asset-actions';
import { Replicas, Timeline, Transfers, UsageMarks, Verdicts } from './asset-lists';
import { Filmstrip, type Tiles } from './filmstrip';
import { MetadataForm } from './metadata-form';
import { useAssetLive, useAssetPart } from './use-asset';

interface AssetJson {
  assetId: string;
  state: string;
  originalName: string | null;
  title?: string | null;
  type?: string;
  sourceNetwork: string | null;
  targets: string[];
  sizeBytes: number | null;
  sha256?: string | null;
  version: number;
  verdicts: Array<Record<string, unknown>>;
  technical: Record<string, unknown> | null;
  sidecar: Record<string, unknown> | null;
  metadata?: Record<string, unknown>;
  replicas?: Array<{ network: string }>;
  transfers?: Array<Record<string, unknown>>;
}

/** GET /v1/assets/{id}/renditions, the parts the page reads. */
interface RenditionsJson {
  items: Array<{ kind: string; state: string; url: string | null; tiles: Tiles | null }>;
}

const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** One asset: the proxy with its filmstrip, its metadata, where it is and what happened to it. */
export function AssetPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('catalog');
  const { user } = useSession();
  const video = useRef<HTMLVideoElement>(null);
  useAssetLive(id);
  const asset = useAssetPart<AssetJson>(id, 'detail', `/v1/assets/${id}`);
  const renditions = useAssetPart<RenditionsJson>(id, 'renditions', `/v1/assets/${id}/renditions`);
  const a = asset.data;
  const heading = <Typography.Title level={1}>{t('title')}</Typography.Title>;
  if (asset.isLoading)
    return (
      <>
        {heading}
        <Spin />
      </>
    );
  if (!a)
    return (
      <>
        {heading}
        <Result status="404" title={t('notFound')} />
      </>
    );

  const technical = a.technical ?? {};
  const duration = Number(technical.durationSeconds ?? 0);
  const type = a.type ?? (technical.videoCodec || technical.width ? 'video' : technical.audioCodec ? 'audio' : 'other');
  const isAudio = type === 'audio';
  const sidecar = a.sidecar ?? {};
  const networks = user?.networks?.length
    ? user.networks
    : user?.network
      ? [user.network]
      : [...new Set([a.sourceNetwork, ...a.targets].filter((n): n is string => !!n))];
  const strip = renditions.data?.items.find((r) => r.kind === 'filmstrip' && r.state === 'created' && r.url);
  const seek = (s: number) => {
    if (video.current) video.current.currentTime = s;
  };

  return (
    <>
      {heading}
      <Typography.Title level={2}>{a.originalName ?? a.assetId}</Typography.Title>
      <Space style={{ marginBottom: 16 }}>
        <Tag>{a.state}</Tag>
        <Tag>{type}</Tag>
      </Space>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <video
            ref={video}
            aria-label={t('proxyPlayer')}
            controls
            preload="metadata"
            poster={isAudio ? undefined : `/v1/assets/${id}/poster`}
            src={`/v1/assets/${id}/proxy`}
            style={{ width: '100%', maxHeight: 360, background: '#000' }}
          />
          {isAudio ? (
            <img src={`/v1/assets/${id}/waveform`} alt={t('waveform')} style={{ width: '100%' }} />
          ) : strip?.tiles ? (
            <Filmstrip src={strip.url!} tiles={strip.tiles} duration={duration} label={t('filmstrip')} onSeek={seek} />
          ) : strip ? (
            // Made before its tiles were recorded: shown whole, without scrubbing.
            <img src={strip.url!} alt={t('filmstrip')} style={{ width: '100%' }} />
          ) : null}
          <div style={{ marginTop: 16 }}>
            <AssetActions id={id} networks={networks} canDownload={user?.canDownload ?? false} />
          </div>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('technical')} size="small">
            <Descriptions
              size="small"
              column={1}
              items={Object.entries(technical).map(([k, v]) => ({ key: k, label: k, children: show(v) }))}
            />
          </Card>
          <Card title={t('sidecar')} size="small" style={{ marginTop: 16 }}>
            <MetadataForm id={id} version={a.version} sidecar={sidecar} canModify={user?.canModify ?? false} />
          </Card>
        </Col>
      </Row>
      <Card title={t('verdicts')} size="small" style={{ marginTop: 16 }}>
        <Verdicts verdicts={a.verdicts} />
      </Card>
      <Card title={t('replicas')} size="small" style={{ marginTop: 16 }}>
        <Replicas id={id} />
      </Card>
      <Card title={t('transfers')} size="small" style={{ marginTop: 16 }}>
        <Transfers transfers={a.transfers ?? []} />
      </Card>
      <Card title={t('usage')} size="small" style={{ marginTop: 16 }}>
        <UsageMarks id={id} />
      </Card>
      <Card title={t('timeline')} size="small" style={{ marginTop: 16 }}>
        <Timeline id={id} />
      </Card>
    </>
  );
}
