import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Seals Slack tokens for the database with AES-256-GCM (Node's own crypto), under the key from
 * INSTALLATION_ENCRYPTION_KEY. Each sealed value is bound to where it belongs (the installation and
 * the field) as additional authenticated data, so a sealed token moved to another workspace's row
 * does not open there.
 *
 * Rotating the key: with the old key as INSTALLATION_ENCRYPTION_KEY_PREVIOUS, values sealed under
 * either key open; new values are sealed under the current one; `npm run rotate-key` re-seals every
 * stored token under the current key, after which the previous key can go.
 */

export interface EncryptionKeys {
  current: Buffer;
  previous?: Buffer | undefined;
}

/** A token could not be opened: sealed under a key that is not configured, or altered. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
}

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Names a key without revealing anything about it: an HMAC of a fixed label under the key. */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('alliance: installation key id').digest('hex').slice(0, 16);
}

export interface TokenVault {
  /** The id of the key new values are sealed under. */
  readonly currentKeyId: string;
  knows(keyId: string): boolean;
  seal(plain: string, context: string): Buffer;
  /** Opens a value sealed under `keyId`; throws VaultError when it cannot. */
  open(sealed: Buffer, keyId: string, context: string): string;
}

export function createTokenVault(keys: EncryptionKeys): TokenVault {
  for (const key of [keys.current, keys.previous]) {
    if (key !== undefined && key.length !== 32) throw new VaultError('an installation key must be 32 bytes');
  }
  const byId = new Map<string, Buffer>();
  if (keys.previous) byId.set(keyIdOf(keys.previous), keys.previous);
  const currentKeyId = keyIdOf(keys.current);
  byId.set(currentKeyId, keys.current);
  const aad = (context: string) => Buffer.from(`alliance installation v${FORMAT}: ${context}`, 'utf8');

  return {
    currentKeyId,
    knows: (keyId) => byId.has(keyId),
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, keyId, context) {
      const key = byId.get(keyId);
      if (!key) {
        throw new VaultError(
          `a stored token was sealed under key ${keyId}, which is neither INSTALLATION_ENCRYPTION_KEY nor INSTALLATION_ENCRYPTION_KEY_PREVIOUS`,
        );
      }
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT) {
        throw new VaultError('a stored token is not in a format this build can open');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new VaultError('a stored token did not open: it was altered or belongs to another installation');
      }
    },
  };
}
