import type { FastifyRequest } from 'fastify';
import { AuthError, ConfigError, NotFoundError } from '../../lib/errors';
import type { Principal, Role } from './auth';
import {
  assertAssetVisible,
  assertCanDownload,
  assertCanModify,
  canSee,
  tokenRights,
  visibleNetworks,
  type AssetNetworks,
  type TokenRights,
} from './rights';

const AT = 'auth.tokens[3]';
const rightsOf = (role: Role, extra: TokenRights & { network?: string } = {}) => tokenRights({ role, ...extra }, AT);
const principal = (role: Role, extra: TokenRights & { network?: string } = {}): Principal => ({
  name: `p-${role}`,
  role,
  ...(extra.network ? { network: extra.network } : {}),
  rights: rightsOf(role, extra),
});

describe('tokenRights: role defaults', () => {
  test.each<[Role, object]>([
    ['admin', { canDownload: true, canModify: true }],
    ['operator', { canDownload: true, canModify: true }],
    ['auditor', { canDownload: true, canModify: false }],
    ['viewer', { canDownload: true, canModify: false }],
  ])('%s: every network, %j', (role, expected) => {
    expect(rightsOf(role)).toEqual(expected);
    expect(visibleNetworks(principal(role))).toBeUndefined();
  });

  test('a connector sees its own network only', () => {
    expect(rightsOf('connector', { network: 'news' })).toEqual({
      networks: ['news'],
      canDownload: true,
      canModify: false,
    });
  });

  test('a token narrows its role: a scoped viewer without download, an admin without modify', () => {
    expect(rightsOf('viewer', { networks: ['news', 'pool', 'news'], canDownload: false })).toEqual({
      networks: ['news', 'pool'],
      canDownload: false,
      canModify: false,
    });
    expect(rightsOf('admin', { canModify: false, canDownload: false })).toEqual({
      canDownload: false,
      canModify: false,
    });
    expect(rightsOf('viewer', { canModify: false }).canModify).toBe(false);
  });
});

describe('tokenRights: more than the role allows is a config error naming the entry and key', () => {
  test.each<[string, Role, TokenRights & { network?: string }, RegExp]>([
    [
      'an auditor with canModify',
      'auditor',
      { canModify: true },
      /auth.tokens\[3\].canModify: role auditor may not modify/,
    ],
    ['a viewer with canModify', 'viewer', { canModify: true }, /auth.tokens\[3\].canModify: role viewer may not/],
    ['a connector with canModify', 'connector', { network: 'news', canModify: true }, /canModify: role connector/],
    [
      'an operator with networks',
      'operator',
      { networks: ['news'] },
      /auth.tokens\[3\].networks is only accepted for a viewer/,
    ],
    ['a connector with networks', 'connector', { network: 'news', networks: ['news'] }, /its scope is its network/],
    [
      'a viewer with no network',
      'viewer',
      { networks: [] },
      /auth.tokens\[3\].networks must name at least one network/,
    ],
    [
      'a right that is not a boolean',
      'viewer',
      { canDownload: 'yes' as unknown as boolean },
      /canDownload must be true or false/,
    ],
  ])('%s', (_name, role, extra, message) => {
    expect(() => rightsOf(role, extra)).toThrow(ConfigError);
    expect(() => rightsOf(role, extra)).toThrow(message);
  });
});

describe('canSee', () => {
  const scoped = principal('viewer', { networks: ['news'] });
  test('a scoped principal sees an asset held in one of its networks, and only those', () => {
    expect(canSee(scoped, ['archive', 'news'])).toBe(true);
    expect(canSee(scoped, ['archive'])).toBe(false);
    expect(canSee(scoped, [])).toBe(false);
  });
  test('an unscoped principal sees every asset', () => {
    expect(canSee(principal('viewer'), ['archive'])).toBe(true);
    expect(canSee(principal('auditor'), [])).toBe(true);
  });
});

describe('assertCanDownload, assertCanModify', () => {
  test('pass with the right, 403 naming the right without it', () => {
    expect(() => assertCanDownload(principal('viewer'))).not.toThrow();
    expect(() => assertCanModify(principal('operator'))).not.toThrow();
    const noDownload = principal('viewer', { canDownload: false });
    expect(() => assertCanDownload(noDownload)).toThrow(AuthError);
    expect(() => assertCanDownload(noDownload)).toThrow(/viewer "p-viewer" has no download right \(canDownload\)/);
    expect(() => assertCanModify(principal('auditor'))).toThrow(
      /auditor "p-auditor" has no modify right \(canModify\)/,
    );
    expect(() => assertCanModify(principal('viewer'))).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('assertAssetVisible', () => {
  const where: Record<string, string[]> = { 'in-news': ['archive', 'news'], 'archive-only': ['archive'] };
  const asked: string[] = [];
  const assetNetworks: AssetNetworks = async (id) => {
    asked.push(id);
    return where[id];
  };
  const request = (p: Principal | null) => ({ principal: p, server: { assetNetworks } }) as unknown as FastifyRequest;
  const scoped = principal('viewer', { networks: ['news'] });

  test('a scoped principal passes for an asset in its networks', async () => {
    await expect(assertAssetVisible(request(scoped), 'in-news')).resolves.toBeUndefined();
  });

  test('an asset outside its networks and a missing one answer the same 404', async () => {
    for (const id of ['archive-only', 'nowhere']) {
      const err = await assertAssetVisible(request(scoped), id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).message).toBe(`asset ${id} not found`);
    }
  });

  test('an unscoped principal passes without a lookup; no principal is a 401', async () => {
    asked.length = 0;
    await expect(assertAssetVisible(request(principal('viewer')), 'archive-only')).resolves.toBeUndefined();
    await expect(assertAssetVisible(request(principal('admin')), 'nowhere')).resolves.toBeUndefined();
    expect(asked).toEqual([]);
    await expect(assertAssetVisible(request(null), 'in-news')).rejects.toThrow(AuthError);
  });
});
