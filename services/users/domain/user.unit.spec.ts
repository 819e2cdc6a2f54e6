import type { UserEvent } from '../../../events/catalog/user-events';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { userDecider } from './user';
import { narrowRights, principalRights, userRights } from './user-rights';

const viewer = { role: 'viewer' as const, canDownload: true, canModify: false };
const created: UserEvent = { type: 'UserCreated', data: { userId: 'u1', username: 'ana', ...viewer } };
const disabled: UserEvent = { type: 'UserDisabled', data: { userId: 'u1' } };

describe('user decide', () => {
  const { given } = deciderSpec(userDecider, { streamId: 'user-u1' });

  test('create records the rights and no password; asking again changes nothing', () => {
    given([])
      .when({ type: 'Create', userId: 'u1', username: 'ana', ...viewer })
      .then([created]);
    given([created])
      .when({ type: 'Create', userId: 'u1', username: 'ana', ...viewer })
      .then([]);
    given([created])
      .when({ type: 'Create', userId: 'u1', username: 'bob', ...viewer })
      .thenThrows(StateError, /exists/);
  });

  test('change of role and rights; the same rights record nothing', () => {
    const op = { role: 'operator' as const, canDownload: true, canModify: true };
    const spec = given([created]).when({ type: 'Change', ...op });
    spec.then([{ type: 'UserChanged', data: { userId: 'u1', ...op } }]);
    expect(spec.state.role).toBe('operator');
    given([created])
      .when({ type: 'Change', ...viewer })
      .then([]);
  });

  test('disable and enable are idempotent; a disabled user cannot log in or get a token', () => {
    given([created]).when({ type: 'Disable' }).then([disabled]);
    given([created, disabled]).when({ type: 'Disable' }).then([]);
    given([created, disabled])
      .when({ type: 'Enable' })
      .then([{ type: 'UserEnabled', data: { userId: 'u1' } }]);
    given([created, disabled])
      .when({ type: 'LogIn' })
      .thenThrows(StateError, /disabled/);
    given([created, disabled])
      .when({
        type: 'IssueToken',
        tokenId: 't1',
        name: 'x',
        expiresAt: '2027-01-01T00:00:00.000Z',
        canDownload: true,
        canModify: false,
      })
      .thenThrows(StateError, /disabled/);
  });

  test('login, failed login, lockout and logout are recorded on the user stream', () => {
    given([created])
      .when({ type: 'LogIn', address: '10.0.0.1' })
      .then([{ type: 'UserLoggedIn', data: { userId: 'u1', address: '10.0.0.1' } }]);
    given([created])
      .when({ type: 'FailLogin', reason: 'wrong-password' })
      .then([{ type: 'LoginFailed', data: { userId: 'u1', username: 'ana', reason: 'wrong-password' } }]);
    given([created])
      .when({ type: 'LockOut', until: '2026-11-22T10:15:00.000Z' })
      .then([{ type: 'UserLockedOut', data: { userId: 'u1', username: 'ana', until: '2026-11-22T10:15:00.000Z' } }]);
    given([created])
      .when({ type: 'LogOut' })
      .then([{ type: 'UserLoggedOut', data: { userId: 'u1' } }]);
    given([]).when({ type: 'LogOut' }).thenThrows(NotFoundError);
  });

  test('tokens: issued once per id, revoked once, unknown token is not found', () => {
    const issue = {
      tokenId: 't1',
      name: 'ci',
      expiresAt: '2027-01-01T00:00:00.000Z',
      canDownload: true,
      canModify: false,
    };
    const issued: UserEvent = { type: 'TokenIssued', data: { userId: 'u1', ...issue } };
    given([created])
      .when({ type: 'IssueToken', ...issue })
      .then([issued]);
    given([created, issued])
      .when({ type: 'IssueToken', ...issue })
      .then([]);
    const revoked: UserEvent = { type: 'TokenRevoked', data: { userId: 'u1', tokenId: 't1' } };
    given([created, issued]).when({ type: 'RevokeToken', tokenId: 't1' }).then([revoked]);
    given([created, issued, revoked]).when({ type: 'RevokeToken', tokenId: 't1' }).then([]);
    given([created])
      .when({ type: 'RevokeToken', tokenId: 'nope' })
      .thenThrows(NotFoundError, /token nope/);
  });
});

describe('user rights', () => {
  test('the token rules, answered as a 400 naming the field', () => {
    expect(userRights({ role: 'viewer', networks: ['news'] })).toEqual({
      role: 'viewer',
      networks: ['news'],
      canDownload: true,
      canModify: false,
    });
    expect(userRights({ role: 'admin' })).toEqual({ role: 'admin', canDownload: true, canModify: true });
    expect(() => userRights({ role: 'viewer', canModify: true })).toThrow(ValidationError);
    expect(() => userRights({ role: 'operator', networks: ['news'] })).toThrow(/networks is only accepted/);
    expect(() => userRights({ role: 'root' })).toThrow(/role must be one of/);
    expect(() => userRights({ role: 'connector' })).toThrow(/network is required/);
    try {
      userRights({ role: 'auditor', canModify: true });
    } catch (err) {
      expect((err as ValidationError).details).toEqual({ field: 'canModify' });
    }
  });

  test('a token never has more than its owner has now', () => {
    const owner = principalRights({ role: 'viewer', networks: ['news'], canDownload: false, canModify: false });
    expect(narrowRights(owner, { canDownload: true, canModify: true })).toEqual({
      networks: ['news'],
      canDownload: false,
      canModify: false,
    });
    expect(narrowRights(owner, { networks: ['news', 'sport'] }).networks).toEqual(['news']);
    const admin = principalRights({ role: 'admin', canDownload: true, canModify: true });
    expect(narrowRights(admin, { networks: ['sport'], canModify: false })).toEqual({
      networks: ['sport'],
      canDownload: true,
      canModify: false,
    });
  });
});
