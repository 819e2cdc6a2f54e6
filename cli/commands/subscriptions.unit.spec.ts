import { ValidationError } from '../../lib/errors';
import { addBody, describeRule, formatSubscriptions } from './subscriptions';

describe('mxhub subscriptions', () => {
  test('add: the flags as the body of POST /v1/subscriptions', () => {
    expect(
      addBody({
        to: 'broadcast',
        from: 'news, archive',
        types: '.WAV,mxf',
        name: '*.wav',
        sidecar: ['category=news*', 'extra.desk=city'],
        minDuration: '10',
        lane: 'urgent',
        priority: '2',
      }),
    ).toEqual({
      network: 'broadcast',
      from: ['news', 'archive'],
      match: {
        types: ['wav', 'mxf'],
        nameGlob: '*.wav',
        sidecar: { category: 'news*', 'extra.desk': 'city' },
        minDurationSeconds: 10,
      },
      lane: 'urgent',
      priority: 2,
      enabled: true,
    });
    expect(addBody({ to: 'archive', disabled: true })).toEqual({ network: 'archive', enabled: false });
  });

  test('add: what is missing or malformed is refused naming the flag', () => {
    expect(() => addBody({})).toThrow(/--to NETWORK is required/);
    expect(() => addBody({ to: 'archive', sidecar: ['category'] })).toThrow(/--sidecar: give field=value-or-glob/);
    expect(() => addBody({ to: 'archive', priority: 'high' })).toThrow(ValidationError);
  });

  test('list: one line per subscription with its rule in words', () => {
    const out = formatSubscriptions([
      {
        id: 's1',
        network: 'broadcast',
        from: ['news'],
        match: { nameGlob: '*.wav', maxDurationSeconds: 600 },
        priority: 2,
        enabled: true,
        matches: 3,
        lastMatchedAt: null,
        createdBy: 'user:admin',
        createdAt: '2026-12-02T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
        version: 1,
      },
    ]);
    expect(out).toMatch(/ID\s+TO\s+ENABLED\s+RULE\s+LANE\/PRIORITY\s+MATCHED/);
    expect(out).toMatch(/s1\s+broadcast\s+yes\s+from news; \*\.wav; 0s\.\.600s\s+2\s+3/);
    expect(formatSubscriptions([])).toBe('no subscriptions\n');
    expect(describeRule({})).toBe('every cleared asset');
  });
});
