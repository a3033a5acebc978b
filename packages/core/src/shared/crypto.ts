import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Keys of one workspace, derived from the master secret and the workspace's own salt. */
export type WorkspaceKeys = Readonly<{ hmacKey: Buffer; encKey: Buffer }>;

export function deriveWorkspaceKeys(masterSecret: Buffer, salt: Buffer): WorkspaceKeys {
  // Separate keys per purpose: a leaked hash key must not help decrypt and vice versa.
  const hmacKey = Buffer.from(hkdfSync('sha256', masterSecret, salt, 'hatchery identity hmac v1', 32));
  const encKey = Buffer.from(hkdfSync('sha256', masterSecret, salt, 'hatchery identity aes-gcm v1', 32));
  return Object.freeze({ hmacKey, encKey });
}

/** Keyed hash used for matching, in hex: equal inputs match, and the hash reveals nothing without the key. */
export function keyedHash(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM; output is iv ‖ tag ‖ ciphertext. */
export function encrypt(key: Buffer, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
