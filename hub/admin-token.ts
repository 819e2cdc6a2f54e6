import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminToken {
  token: string;
  /** Where it was written, when it was generated rather than given. */
  file?: string;
}

/**
 * The bootstrap admin token: MXHUB_ADMIN_TOKEN when given, else the one in
 * DIR/admin-token, else a new random one written there with mode 0600.
 */
export function bootstrapAdminToken(dataDir: string, fromEnv?: string): AdminToken {
  if (fromEnv) return { token: fromEnv };
  const file = join(dataDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return { token: readFileSync(file, 'utf8').trim(), file };
}
