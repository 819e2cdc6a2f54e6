import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';

/**
 * The secret that signs session cookies: MXHUB_SESSION_SECRET when given
 * (hubs sharing one database must share it, or a session opened on one is
 * refused by the other), else DIR/session-secret, written once with mode
 * 0600 like the admin token.
 */
export function sessionSecret(dataDir: string, fromEnv?: string): string {
  if (fromEnv !== undefined) {
    if (fromEnv.length < 32) throw new ConfigError('MXHUB_SESSION_SECRET must be at least 32 characters');
    return fromEnv;
  }
  const file = join(dataDir, 'session-secret');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
