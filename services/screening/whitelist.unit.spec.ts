import { checkWhitelist, type WhitelistSubject } from './whitelist';

const subject: WhitelistSubject = {
  sourceNetwork: 'news',
  targets: ['broadcast'],
  detectedBy: 'connector:news',
  originalName: 'clip.mxf',
  sha256: 'a'.repeat(64),
};

describe('whitelist authentication', () => {
  test('by default a network bound connector may send playout formats to another network', () => {
    expect(checkWhitelist({}, subject)).toEqual({ passed: true });
  });

  test('routes: a source may only send where its route says, and never to itself', () => {
    expect(checkWhitelist({ routes: { news: ['archive'] } }, subject)).toEqual({
      passed: false,
      rule: 'whitelist.route',
      reason: "network 'news' may not send to 'broadcast'; it may send to: archive",
    });
    expect(checkWhitelist({}, { ...subject, targets: ['news'] })).toMatchObject({ rule: 'whitelist.route' });
  });

  test('connector binding: only the connector bound to the source network may bring its files', () => {
    expect(checkWhitelist({}, { ...subject, detectedBy: 'connector:archive' })).toMatchObject({
      rule: 'whitelist.connector',
      reason: "'connector:archive' is not bound to network 'news' (bound: connector:news)",
    });
    const rules = { connectors: { news: ['connector:news', 'connector:news-ingest-2'] } };
    expect(checkWhitelist(rules, { ...subject, detectedBy: 'connector:news-ingest-2' })).toEqual({ passed: true });
  });

  test('types: the target decides which extensions it takes; archive takes any by default', () => {
    expect(checkWhitelist({}, { ...subject, originalName: 'setup.zip' })).toMatchObject({
      rule: 'whitelist.type',
      reason: expect.stringMatching(/^target 'broadcast' does not accept \.zip files; accepted: \.mxf, \.mp4/),
    });
    expect(checkWhitelist({}, { ...subject, originalName: 'README' })).toMatchObject({
      reason: expect.stringContaining('files without an extension'),
    });
    expect(checkWhitelist({}, { ...subject, targets: ['archive'], originalName: 'docs.zip' })).toEqual({
      passed: true,
    });
    expect(
      checkWhitelist({ types: { archive: ['mxf'] } }, { ...subject, targets: ['archive'], originalName: 'a.zip' }),
    ).toMatchObject({ rule: 'whitelist.type' });
  });

  test('a pool asset (no targets) meets the types of the node it stays on', () => {
    const pool = { ...subject, targets: [], originalName: 'setup.zip' };
    expect(checkWhitelist({}, { ...pool, sourceNetwork: 'news' })).toMatchObject({
      rule: 'whitelist.type',
      reason: expect.stringMatching(/^target 'news' does not accept \.zip files/),
    });
    expect(checkWhitelist({}, { ...pool, sourceNetwork: 'archive', detectedBy: 'connector:archive' })).toEqual({
      passed: true,
    });
  });

  test('hash lists: a denied digest is refused; an allow list admits only its digests', () => {
    expect(checkWhitelist({ denyHashes: [subject.sha256] }, subject)).toMatchObject({ rule: 'whitelist.hash-denied' });
    expect(checkWhitelist({ allowHashes: ['b'.repeat(64)] }, subject)).toMatchObject({
      rule: 'whitelist.hash-not-allowed',
    });
    expect(checkWhitelist({ allowHashes: [subject.sha256] }, subject)).toEqual({ passed: true });
  });
});
