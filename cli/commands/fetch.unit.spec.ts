import { fetchBody, formatFetched } from './fetch';

describe('mxhub fetch', () => {
  test('the body from the flags; a missing --to or a bad lane is refused naming the flag', () => {
    expect(fetchBody({ to: 'broadcast', priority: '2', lane: 'urgent' })).toEqual({
      network: 'broadcast',
      priority: 2,
      lane: 'urgent',
    });
    expect(() => fetchBody({})).toThrow(/^--to NETWORK is required/);
    expect(() => fetchBody({ to: 'broadcast', lane: 'fast' })).toThrow(/^--lane must be one of: urgent, normal/);
  });

  test('it says where the copy is, or which transfer brings it from where', () => {
    const replica = {
      network: 'broadcast',
      kind: 'cached' as const,
      path: '/n/broadcast/cache/a.wav',
      sha256: 'a'.repeat(64),
      state: 'ok' as const,
      verifiedAt: null,
      sizeBytes: 3,
      lastReadAt: null,
    };
    expect(formatFetched('broadcast', { replica })).toBe('broadcast holds /n/broadcast/cache/a.wav already (cached)\n');
    expect(
      formatFetched('broadcast', {
        transferId: 't1',
        source: { network: 'news', path: '/n/news/.mxhub/staging/x/a.wav' },
      }),
    ).toBe("t1: copying from news (/n/news/.mxhub/staging/x/a.wav) into broadcast's cache/\n");
  });
});
