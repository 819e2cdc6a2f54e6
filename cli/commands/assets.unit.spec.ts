import { formatAsset, formatAssets, formatQuarantine, listQuery, releaseBody } from './assets';

const asset = {
  assetId: '0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f',
  state: 'partially-delivered' as const,
  sourceNetwork: 'news',
  targets: ['broadcast', 'archive'],
  originalName: 'clip.mxf',
  sizeBytes: 4_000_000,
  sha256: 'a'.repeat(64),
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:01:00.000Z',
  version: 7,
  verdicts: [{ stage: 'antivirus', passed: true }],
  technical: null,
  quarantine: null,
  deferred: null,
};

describe('mxhub assets, quarantine and release', () => {
  test('list: the flags become the catalog query under the API names, words encoded', () => {
    expect(listQuery({})).toBe('');
    expect(listQuery({ search: '民生 新闻', heldIn: 'news', type: 'video', oldest: true, limit: '5' })).toBe(
      '?q=%E6%B0%91%E7%94%9F+%E6%96%B0%E9%97%BB&network=news&type=video&sort=oldest&limit=5',
    );
    expect(listQuery({ network: 'news', target: 'archive', program: '晚间新闻', from: '2026-12-01' })).toBe(
      '?sourceNetwork=news&target=archive&program=%E6%99%9A%E9%97%B4%E6%96%B0%E9%97%BB&from=2026-12-01',
    );
  });

  test('the list, then the drops not claimed yet with what they wait for', () => {
    const out = formatAssets(
      [asset],
      [
        {
          network: 'news',
          target: 'broadcast',
          name: 'late.mxf',
          path: 'drop/broadcast/late.mxf',
          sizeBytes: 2048,
          state: 'detected',
          waitingFor: 'sidecar',
          seenAt: '2026-12-01T10:02:00.000Z',
          waitingForSidecarUntil: '2026-12-01T10:02:07.000Z',
        },
      ],
    );
    expect(out).toMatch(/^ID\s+STATE\s+NAME\s+FROM\s+TO\s+SIZE\s+CREATED\n/);
    expect(out).toMatch(/0192f0c1-\S+\s+partially-delivered\s+clip\.mxf\s+news\s+broadcast,archive\s+4 MB/);
    expect(out).toMatch(
      /detected\s+late\.mxf\s+news\s+broadcast\s+2\.05 kB\s+waiting for sidecar until 2026-12-01T10:02:07/,
    );
    expect(formatAssets([])).toBe('no assets\n');
  });

  test('show: the facts, the verdicts, each transfer with where it was delivered, the timeline', () => {
    const out = formatAsset(
      {
        ...asset,
        sidecar: null,
        refused: [{ target: 'playout', rule: 'policy.audioCodec', reason: 'aac; accepted: pcm', at: asset.createdAt }],
        renditions: [{ target: 'news', profile: 'xdcam-hd422-mxf' }],
        replicas: [],
        transfers: [
          { transferId: 't1', targetNetwork: 'broadcast', state: 'succeeded', path: '/n/broadcast/inbox/clip.mxf' },
          { transferId: 't2', targetNetwork: 'archive', state: 'failed', path: null },
        ],
      },
      [
        {
          position: '12',
          streamId: 'transfer-t1',
          version: 5,
          type: 'TransferCompleted',
          actor: 'service:transfer',
          occurredAt: '2026-12-01T10:01:00.000Z',
          summary: 'TransferCompleted',
        },
      ],
    );
    expect(out).toMatch(/^id\s+0192f0c1/);
    expect(out).toMatch(/\nstate\s+partially-delivered\n/);
    expect(out).toMatch(/\nrefused\s+playout: policy\.audioCodec \(aac; accepted: pcm\)\n/);
    expect(out).toMatch(/\nrendition\s+news: xdcam-hd422-mxf\n/);
    expect(out).toMatch(/antivirus\s+passed/);
    expect(out).toMatch(/t1\s+broadcast\s+succeeded\s+\/n\/broadcast\/inbox\/clip\.mxf/);
    expect(out).toMatch(/t2\s+archive\s+failed\s+-/);
    expect(out).toMatch(/2026-12-01T10:01:00.000Z\s+transfer-t1\s+TransferCompleted\s+service:transfer/);
  });

  test('quarantine: stage, rule and reason of each', () => {
    const out = formatQuarantine([
      {
        assetId: 'q1',
        originalName: 'bad.mxf',
        sha256: null,
        sourceNetwork: 'news',
        targets: ['broadcast'],
        sizeBytes: 1,
        stage: 'antivirus',
        rule: 'antivirus.clamav',
        reason: 'signature Eicar',
        quarantinedAt: null,
      },
    ]);
    expect(out).toMatch(/q1\s+bad\.mxf\s+news\s+broadcast\s+antivirus\s+antivirus\.clamav\s+signature Eicar/);
    expect(formatQuarantine([])).toBe('nothing in quarantine\n');
  });

  test('release takes exactly one of --rescreen and --override, and a reason', () => {
    expect(releaseBody({ rescreen: true, reason: 'rules updated' })).toEqual({
      mode: 'rescreen',
      reason: 'rules updated',
    });
    expect(releaseBody({ override: true, reason: 'known good' })).toEqual({ mode: 'override', reason: 'known good' });
    expect(() => releaseBody({ reason: 'x' })).toThrow(/one of --rescreen .* or --override/);
    expect(() => releaseBody({ rescreen: true, override: true, reason: 'x' })).toThrow(/one of --rescreen/);
    expect(() => releaseBody({ rescreen: true })).toThrow(/--reason TEXT is required/);
  });
});
