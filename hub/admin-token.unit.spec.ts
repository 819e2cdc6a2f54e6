import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapAdminToken } from './admin-token';

const dataDir = () => mkdtempSync(join(tmpdir(), 'mx-admin-token-'));

describe('bootstrap admin token', () => {
  test('with no admin configured, a random token is written to DIR/admin-token (0600) and kept across starts', () => {
    const dir = dataDir();
    const first = bootstrapAdminToken(dir, { adminConfigured: false });
    const file = join(dir, 'admin-token');
    expect(first).toEqual({ token: readFileSync(file, 'utf8').trim(), file, created: true });
    expect(first!.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The next start finds it: the same token, not written again (so not said to be).
    expect(bootstrapAdminToken(dir, { adminConfigured: false })).toEqual({ ...first, created: false });
  });

  test('an admin in auth.tokens[] means no token file is written, and an old one is not honoured', () => {
    const dir = dataDir();
    expect(bootstrapAdminToken(dir, { adminConfigured: true })).toBeUndefined();
    expect(existsSync(join(dir, 'admin-token'))).toBe(false);
    writeFileSync(join(dir, 'admin-token'), 'left-over-from-an-earlier-start-0123456789\n', { mode: 0o600 });
    expect(bootstrapAdminToken(dir, { adminConfigured: true })).toBeUndefined();
  });

  test('MXHUB_ADMIN_TOKEN is used as given and writes no file, with or without a configured admin', () => {
    const dir = dataDir();
    const token = 'e'.repeat(32);
    expect(bootstrapAdminToken(dir, { fromEnv: token, adminConfigured: false })).toEqual({ token });
    expect(bootstrapAdminToken(dir, { fromEnv: token, adminConfigured: true })).toEqual({ token });
    expect(existsSync(join(dir, 'admin-token'))).toBe(false);
  });
});
