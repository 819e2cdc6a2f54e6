import { createHash } from 'node:crypto';
import { AuthError, ConfigError } from '../../lib/errors';
import { assertNetwork, createTokenVerifier, hashToken, parseBearer, routeAccess, type TokenEntry } from './auth';

const entry = (name: string, token: string, extra: Partial<TokenEntry> = {}): TokenEntry => ({
  name,
  role: 'viewer',
  sha256: hashToken(token),
  ...extra,
});

describe('hashToken', () => {
  test('is the lowercase hex SHA-256 of the token', () => {
    expect(hashToken('s3cret')).toBe(createHash('sha256').update('s3cret').digest('hex'));
    expect(hashToken('s3cret')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('createTokenVerifier', () => {
  const verify = createTokenVerifier({
    tokens: [
      entry('ana', 'token-ana', { role: 'admin' }),
      entry('ops', 'token-ops', { role: 'operator' }),
      entry('news-connector', 'token-news', { role: 'connector', network: 'news' }),
    ],
  });

  test('given a known token, returns who it acts as', () => {
    expect(verify('token-ana')).toEqual({ name: 'ana', role: 'admin', rights: { canDownload: true, canModify: true } });
    expect(verify('token-news')).toEqual({
      name: 'news-connector',
      role: 'connector',
      network: 'news',
      rights: { networks: ['news'], canDownload: true, canModify: false },
    });
  });

  test('given an unknown token, or a stored digest presented as the token, returns nothing', () => {
    expect(verify('token-nobody')).toBeUndefined();
    expect(verify('')).toBeUndefined();
    expect(verify(hashToken('token-ana'))).toBeUndefined();
  });

  test.each<[string, TokenEntry[], RegExp]>([
    [
      'an unknown role',
      [entry('x', 't', { role: 'root' as 'admin' })],
      /auth.tokens\[0\].role must be one of admin, operator/,
    ],
    ['a connector without network', [entry('x', 't', { role: 'connector' })], /auth.tokens\[0\].network is required/],
    ['a network on a non-connector', [entry('x', 't', { network: 'news' })], /only accepted for a connector/],
    ['a digest that is not hex SHA-256', [{ ...entry('x', 't'), sha256: 'plain-token' }], /sha256 must be the SHA-256/],
    ['an uppercase digest', [{ ...entry('x', 't'), sha256: hashToken('t').toUpperCase() }], /64 lowercase hex/],
    ['a bad name', [entry('has space', 't')], /auth.tokens\[0\].name must be 1-64 characters/],
    ['a name used twice', [entry('x', 'a'), entry('x', 'b')], /auth.tokens\[1\].name "x" is used twice/],
    ['the same token twice', [entry('x', 'a'), entry('y', 'a')], /auth.tokens\[1\] has the same token/],
    ['more rights than the role', [entry('x', 't', { canModify: true })], /auth.tokens\[0\].canModify: role viewer/],
  ])('refuses a config with %s, naming the entry', (_name, tokens, message) => {
    expect(() => createTokenVerifier({ tokens })).toThrow(ConfigError);
    expect(() => createTokenVerifier({ tokens })).toThrow(message);
  });
});

describe('parseBearer', () => {
  test.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Bearer abc.DEF-123_~+/==', { token: 'abc.DEF-123_~+/==' }],
    ['bearer abc', { token: 'abc' }],
    ['Bearer', 'malformed'],
    ['Bearer a b', 'malformed'],
    ['Bearer a"b', 'malformed'],
    ['Basic YWRtaW46eA==', 'malformed'],
    ['abc', 'malformed'],
  ])('%j -> %j', (header, expected) => {
    expect(parseBearer(header)).toEqual(expected);
  });
});

describe('routeAccess', () => {
  test('accepts a non-empty list of known roles, or a public reason', () => {
    expect(routeAccess('GET /a', { roles: ['admin', 'auditor'] })).toEqual({ roles: ['admin', 'auditor'] });
    expect(routeAccess('GET /a', { public: 'probes' })).toEqual({ public: 'probes' });
  });

  test.each([
    ['nothing', {}],
    ['empty roles', { roles: [] }],
    ['an unknown role', { roles: ['admin', 'root'] }],
    ['roles not in a list', { roles: 'admin' }],
    ['an empty public reason', { public: '' }],
    ['both', { roles: ['admin'], public: 'why' }],
  ])('refuses %s, naming the route', (_name, config) => {
    expect(() => routeAccess('POST /v1/things', config)).toThrow(/route POST \/v1\/things must declare config.roles/);
  });
});

describe('assertNetwork', () => {
  test('a connector acts only for its own network', () => {
    const rights = { networks: ['news'], canDownload: true, canModify: false };
    const connector = { name: 'c', role: 'connector' as const, network: 'news', rights };
    expect(() => assertNetwork(connector, 'news')).not.toThrow();
    expect(() => assertNetwork(connector, 'broadcast')).toThrow(AuthError);
    expect(() => assertNetwork(connector, 'broadcast')).toThrow(/acts for network news, not broadcast/);
  });

  test('other roles act for any network', () => {
    expect(() =>
      assertNetwork({ name: 'o', role: 'operator', rights: { canDownload: true, canModify: true } }, 'broadcast'),
    ).not.toThrow();
  });
});
