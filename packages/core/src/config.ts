import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Everything Hatchery reads from the environment, validated once and frozen. */
export type Config = Readonly<{
  /** postgres://… to use a PostgreSQL server; undefined → embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files and where a generated master secret lives. */
  dataDir: string;
  port: number;
  host: string;
  /** Master secret (32 bytes) from which every workspace's HMAC and encryption keys are derived. */
  masterSecret: Buffer;
  /** Whether `npm start` loads the generated demo brand when it is missing. */
  demo: boolean;
}>;

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  HATCHERY_DATA_DIR: z.string().default('.hatchery'),
  HATCHERY_SECRET: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  HATCHERY_DEMO: z.enum(['0', '1']).default('1'),
});

/**
 * Reads the environment. This is the only module that touches process.env.
 * Without HATCHERY_SECRET a secret is generated once into the data folder, so a fresh
 * machine works out of the box and restarts can still decrypt what they stored.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid environment: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.HATCHERY_DATA_DIR);
  const masterSecret = e.HATCHERY_SECRET
    ? Buffer.from(e.HATCHERY_SECRET, 'hex')
    : readOrCreateSecret(dataDir);
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir,
    port: e.PORT,
    host: e.HOST,
    masterSecret,
    demo: e.HATCHERY_DEMO === '1',
  });
}

function readOrCreateSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
