import { hash, verify } from '@node-rs/argon2';
import { ValidationError } from '../../lib/errors';

/** Shortest password accepted: NIST SP 800-63B's floor for a memorised secret chosen by the user. */
export const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;

/** Argon2id (the library's default algorithm), the OWASP-recommended memory-hard hash for passwords. */
export function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return hash(password);
}

export function checkPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new ValidationError(`password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`, { field: 'password' });
  }
}

// Computed once per process: logins for a username that does not exist are
// verified against it, so they cost what a wrong password costs and timing
// does not tell which usernames exist.
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hash('mxhub-no-such-user-dummy-password'));

/** Whether `password` matches `stored`; with no `stored` it verifies against a dummy hash and answers false. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const ok = await verify(stored ?? (await dummyHash()), password).catch(() => false);
  return stored !== undefined && ok;
}
