import { redactConfig } from './config';

describe('redactConfig: what GET /v1/config shows of the effective configuration', () => {
  test('secrets and credential digests are replaced, whatever their depth', () => {
    const out = redactConfig({
      adminToken: 'tok',
      tokens: [{ name: 'ingest', role: 'connector', sha256: 'ab'.repeat(32) }],
      auth: { session: { secret: 's3cret', idleMinutes: 30 } },
      checkpoints: { privateKey: '-----BEGIN' },
    });
    expect(out).toEqual({
      adminToken: '[redacted]',
      tokens: [{ name: 'ingest', role: 'connector', sha256: '[redacted]' }],
      auth: { session: { secret: '[redacted]', idleMinutes: 30 } },
      checkpoints: { privateKey: '[redacted]' },
    });
  });

  test('URLs keep host and database but lose their password', () => {
    expect(
      redactConfig({
        databaseUrl: 'postgres://hub:pw@db.station:5432/mxhub',
        redisUrl: 'redis://:pw@127.0.0.1:6379',
        other: 'postgres://hub@db/x?password=pw',
      }),
    ).toEqual({
      databaseUrl: 'postgres://hub:%5Bredacted%5D@db.station:5432/mxhub',
      redisUrl: 'redis://:%5Bredacted%5D@127.0.0.1:6379',
      other: 'postgres://hub@db/x?password=%5Bredacted%5D',
    });
  });

  test('everything else is shown as configured', () => {
    const config = { networks: [{ id: 'news', root: '/srv/news' }], lanes: { urgent: 2 }, tls: false, empty: null };
    expect(redactConfig(config)).toEqual(config);
  });
});
