import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { NotFoundError, ValidationError } from '../../lib/errors';
import type { Paged } from '../../lib/keyset-cursor';
import { uuidv7 } from '../../lib/ids';
import { createUserCommands, type UserCommands } from '../../services/users/commands';
import type { UserJson } from '../../services/users/repository';
import { openStorage } from '../../hub/storage';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags, type Remote } from '../common';
import { plainTable } from '../table';

interface AddFlags extends CommonFlags {
  role?: string;
  networks?: string;
  network?: string;
  download?: boolean;
  modify?: boolean;
}

/**
 * The password: stdin when it is not a terminal (a pipe, a file: scripts
 * and tests), else asked twice without echo. Never a flag: a flag sits in
 * the shell history and in every process listing.
 */
export async function readPassword(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    const password = text.replace(/\r?\n$/, '');
    if (password.includes('\n')) throw new ValidationError('password: stdin must hold one line', { field: 'password' });
    return password;
  }
  const ask = async (prompt: string) => {
    output.write(prompt);
    let muted = true;
    const sink = new Writable({ write: (chunk, _enc, done) => (muted ? done() : output.write(chunk, done)) });
    const rl = createInterface({ input, output: sink, terminal: true });
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    muted = false;
    rl.close();
    output.write('\n');
    return answer;
  };
  const first = await ask('Password: ');
  const again = await ask('Password again: ');
  if (first !== again) throw new ValidationError('the two passwords differ', { field: 'password' });
  return first;
}

/**
 * Through the running embedded hub's API (it owns the database) with the
 * admin token, else straight on the store: a fresh data directory is made
 * and migrated, so `mxhub users add admin --role admin` works before the
 * first start.
 */
async function viaHubOrUsers<T>(
  flags: CommonFlags,
  api: (remote: Remote) => Promise<T>,
  direct: (users: UserCommands, meta: { actor: string; correlationId: string }) => Promise<T>,
): Promise<T> {
  const config = configFrom(flags);
  const remote = remoteFor(flags, config);
  if (remote) return api(remote);
  const storage = await openStorage(config);
  try {
    const users = createUserCommands({
      store: storage.store,
      sql: storage.sql,
      lockout: config.users.lockout,
    });
    return await direct(users, { actor: `cli:${userInfo().username}`, correlationId: uuidv7() });
  } finally {
    await storage.close();
  }
}

async function userByName(flags: CommonFlags, username: string): Promise<UserJson> {
  return viaHubOrUsers(
    flags,
    async (remote) => {
      // The list is small (people, not assets): walk it.
      let cursor: string | null = null;
      do {
        const page: Paged<UserJson> = await callHub(
          remote,
          'GET',
          `/v1/users?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const found = page.items.find((u) => u.username === username);
        if (found) return found;
        cursor = page.next;
      } while (cursor);
      throw new NotFoundError(`user ${username} not found`);
    },
    async (users) => {
      const found = await users.repo.byUsername(username);
      if (!found) throw new NotFoundError(`user ${username} not found`);
      return found;
    },
  );
}

async function patchUser(flags: CommonFlags, username: string, patch: Record<string, unknown>): Promise<UserJson> {
  const user = await userByName(flags, username);
  return viaHubOrUsers(
    flags,
    (remote) => callHub<UserJson>(remote, 'PATCH', `/v1/users/${user.id}`, patch),
    (users, meta) => users.update(user.id, patch, meta),
  );
}

const print = (u: UserJson): void => void process.stdout.write(formatUsers([u]));

export function formatUsers(users: readonly UserJson[]): string {
  return plainTable(
    ['USERNAME', 'ROLE', 'NETWORKS', 'DOWNLOAD', 'MODIFY', 'DISABLED', 'LAST LOGIN'],
    users.map((u) => [
      u.username,
      u.role,
      u.network ?? u.networks?.join(',') ?? '*',
      u.canDownload ? 'yes' : 'no',
      u.canModify ? 'yes' : 'no',
      u.disabled ? 'yes' : 'no',
      u.lastLoginAt ?? '-',
    ]),
  );
}

export function usersCommand(program: Command): void {
  const users = program
    .command('users')
    .description('console and API users: add, list, disable, reset-password, set-role');
  withCommonFlags(users.command('add <username>').description('add a user; the password comes from stdin or a prompt'))
    .requiredOption('--role <role>', 'admin, operator, auditor, viewer or connector')
    .option('--networks <ids>', 'a viewer sees only these networks, comma separated')
    .option('--network <id>', "a connector's network")
    .option('--no-download', 'no download right (content and full-quality proxies)')
    .option('--modify', 'the modify right (metadata edits; admin and operator only)')
    .action((username: string, flags: AddFlags) =>
      run(async () => {
        const password = await readPassword();
        const body = {
          username,
          password,
          role: flags.role!,
          ...(flags.networks
            ? {
                networks: flags.networks
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(flags.network ? { network: flags.network } : {}),
          ...(flags.download === false ? { canDownload: false } : {}),
          ...(flags.modify ? { canModify: true } : {}),
        };
        const user = await viaHubOrUsers(
          flags,
          (remote) => callHub<UserJson>(remote, 'POST', '/v1/users', body),
          (u, meta) => u.create(body, meta),
        );
        print(user);
      }),
    );
  withCommonFlags(users.command('list', { isDefault: true }).description('list users newest first'))
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) =>
      run(async () => {
        const page = await viaHubOrUsers(
          flags,
          (remote) => callHub<Paged<UserJson>>(remote, 'GET', '/v1/users?limit=1000'),
          (u) => u.repo.list({ limit: 1000 }),
        );
        if (flags.json) return void process.stdout.write(`${JSON.stringify(page)}\n`);
        process.stdout.write(formatUsers(page.items));
      }),
    );
  withCommonFlags(
    users.command('disable <username>').description('disable a user: its sessions and tokens stop'),
  ).action((username: string, flags: CommonFlags) =>
    run(async () => print(await patchUser(flags, username, { disabled: true }))),
  );
  withCommonFlags(users.command('enable <username>').description('enable a disabled user')).action(
    (username: string, flags: CommonFlags) =>
      run(async () => print(await patchUser(flags, username, { disabled: false }))),
  );
  withCommonFlags(
    users.command('reset-password <username>').description('set a new password (stdin or prompt); ends its sessions'),
  ).action((username: string, flags: CommonFlags) =>
    run(async () => print(await patchUser(flags, username, { password: await readPassword() }))),
  );
  withCommonFlags(
    users.command('set-role <username> <role>').description("change a user's role (rights take the role's defaults)"),
  ).action((username: string, role: string, flags: CommonFlags) =>
    run(async () => print(await patchUser(flags, username, { role }))),
  );
}
