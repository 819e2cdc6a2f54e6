import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export type Role = 'admin' | 'operator' | 'auditor' | 'viewer';

export interface UserLogin {
  username: string;
  password: string;
}

const BIN = join(__dirname, '..', '..', '..', 'bin', 'mxhub.js');

/** The users of the tests: the viewer browses the news network only. */
const USERS: Array<{ role: Role; username: string; flags: string[] }> = [
  { role: 'admin', username: 'admin', flags: [] },
  { role: 'operator', username: 'olga-operator', flags: [] },
  { role: 'auditor', username: 'arun-auditor', flags: [] },
  { role: 'viewer', username: 'vera-viewer', flags: ['--networks', 'news'] },
];

/** Runs `mxhub <args>` with `stdin` written to it, as a person pipes a password; rejects on a non-zero exit. */
function mxhubWithStdin(args: string[], stdin: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`mxhub ${args.join(' ')} exited with ${code}: ${out}`)),
    ),
  );
}

/** Creates the tests' users with `mxhub users add` (the README's first step), each with a random password. */
export async function createUsers(url: string, env: NodeJS.ProcessEnv): Promise<Record<Role, UserLogin>> {
  const logins = {} as Record<Role, UserLogin>;
  for (const u of USERS) {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    // Through the running hub (--url; the token from MXHUB_ADMIN_TOKEN): the embedded database is the hub's alone.
    const args = ['users', 'add', u.username, '--role', u.role, ...u.flags, '--url', url];
    await mxhubWithStdin(args, `${password}\n`, env);
    logins[u.role] = { username: u.username, password };
  }
  return logins;
}
