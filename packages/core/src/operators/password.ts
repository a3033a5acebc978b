import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import { AppError } from '../shared/errors.ts';

/**
 * Passwords are hashed with argon2id (memory-hard) from hash-wasm: pure WebAssembly, so it
 * installs from the npm registry alone on every platform and leaves no per-platform optional
 * binaries in the lock file. Parameters are OWASP's first recommendation (19 MiB, 2 passes,
 * 1 lane): about 0.1 s here. The PHC string keeps them, so raising them later still verifies
 * old hashes.
 */
const PARAMS = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;

export const MIN_PASSWORD = 10;
const MAX_PASSWORD = 256;

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new AppError('invalid_request', `a password has ${MIN_PASSWORD}–${MAX_PASSWORD} characters`);
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), ...PARAMS, outputType: 'encoded' });
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    // A malformed stored hash verifies nothing; it is not the caller's error.
    return false;
  }
}

/** A hash of nothing anyone knows, verified against when the login is unknown so timing does not tell. */
let decoy: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
}
