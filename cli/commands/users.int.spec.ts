import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../hub/config';
import { openStorage } from '../../hub/storage';
import { createUserCommands } from '../../services/users/commands';

const REPO = join(__dirname, '..', '..');
let dir: string;

function mxhub(args: string[], input?: string) {
  const env = { ...process.env };
  delete env.MXHUB_ADMIN_TOKEN;
  return spawnSync('node', [join(REPO, 'bin/mxhub.js'), ...args, '--data', dir], {
    encoding: 'utf8',
    input: input ?? '',
    env,
    timeout: 120_000,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxhub-users-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('users add on a fresh data dir (password on stdin), list, set-role, reset-password, disable', async () => {
  const add = mxhub(['users', 'add', 'admin', '--role', 'admin'], 'first password\n');
  expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
  expect(add.stdout).toMatch(/admin/);
  expect(
    mxhub(['users', 'add', 'vic', '--role', 'viewer', '--networks', 'news', '--no-download'], 'vic password').status,
  ).toBe(0);
  const bad = mxhub(['users', 'add', 'val', '--role', 'viewer', '--modify'], 'val password');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/canModify/);
  expect(mxhub(['users', 'set-role', 'vic', 'operator']).status).toBe(0);
  expect(mxhub(['users', 'reset-password', 'admin'], 'second password\n').status).toBe(0);
  expect(mxhub(['users', 'disable', 'vic']).status).toBe(0);
  const list = mxhub(['users', 'list', '--json']);
  expect(list.status).toBe(0);
  const users = JSON.parse(list.stdout).items as Array<Record<string, unknown>>;
  expect(users.map((u) => [u.username, u.role, u.disabled])).toEqual([
    ['vic', 'operator', true],
    ['admin', 'admin', false],
  ]);

  const storage = await openStorage(loadConfig({ flags: { data: dir }, env: {} }));
  try {
    const commands = createUserCommands({ store: storage.store, sql: storage.sql });
    const meta = { actor: 'test', correlationId: 'c1' };
    await expect(commands.login('admin', 'first password', '127.0.0.1', meta)).rejects.toThrow(/wrong/);
    await expect(commands.login('admin', 'second password', '127.0.0.1', meta)).resolves.toMatchObject({
      username: 'admin',
    });
  } finally {
    await storage.close();
  }
}, 300_000);
