import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shortest MXHUB_ADMIN_TOKEN accepted (the generated one is 43 characters of base64url, 256 bits). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

export interface AdminToken {
  token: string;
  /** Where it is kept, when it was generated rather than given. */
  file?: string;
  /** True when this start generated and wrote it. */
  created?: boolean;
}

export interface BootstrapOptions {
  /** MXHUB_ADMIN_TOKEN, already checked for length by the configuration. */
  fromEnv?: string;
  /** Whether `auth.tokens[]` gives some token the admin role. */
  adminConfigured: boolean;
}

/**
 * The bootstrap admin token, the way into a hub nobody gave an admin token:
 * MXHUB_ADMIN_TOKEN when given; none when `auth.tokens[]` configures an
 * admin (a token file would then be a second admin credential on disk that
 * nobody asked for, so an old one is not honoured either); else the one in
 * DIR/admin-token, else a new random one written there with mode 0600.
 */
export function bootstrapAdminToken(dataDir: string, options: BootstrapOptions): AdminToken | undefined {
  if (options.fromEnv) return { token: options.fromEnv };
  if (options.adminConfigured) return undefined;
  const file = join(dataDir, 'admin-token');
  const created = !existsSync(file);
  if (created) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return { token: readFileSync(file, 'utf8').trim(), file, created };
}
