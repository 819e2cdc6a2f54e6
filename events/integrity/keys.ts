import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../lib/errors';

export interface SigningKey {
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex of SHA-256 over the public key (SPKI DER): names the key in checkpoints. */
  keyId: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Loads the Ed25519 checkpoint key from `file` (PKCS#8 PEM), creating it with
 * mode 0600 when `create` is set and it does not exist yet.
 */
export function loadSigningKey(file: string, create = true): SigningKey {
  if (!existsSync(file)) {
    if (!create) throw new ConfigError(`checkpoint key ${file} does not exist`);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (err) {
    throw new ConfigError(`checkpoint key ${file} is not a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`checkpoint key ${file} must be Ed25519, it is ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  // The public half beside it, for auditors: verifying needs nothing else.
  const publicFile = file.replace(/(\.pem)?$/, '.pub.pem');
  if (!existsSync(publicFile))
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A verification-only key from a public key PEM file (what an auditor holds). */
export function loadPublicKey(file: string): SigningKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readFileSync(file));
  } catch (err) {
    throw new ConfigError(`public key ${file} cannot be read as a PEM public key: ${(err as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new ConfigError(`public key ${file} must be Ed25519`);
  return { publicKey, keyId: keyIdOf(publicKey) };
}
