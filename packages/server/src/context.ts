import type { Caller, Config, Db } from '@hatchery/core';

/**
 * What every handler can reach: the database, the config, and (behind auth) the caller.
 * `consoleDir` is the built console (packages/console/dist) to serve at `/`, when there is one.
 */
export type Deps = {
  db: Db;
  config: Pick<Config, 'masterSecret'>;
  consoleDir?: string | undefined;
  /** Upload limits (routes/imports.ts); tests set a small cap and their own temporary directory. */
  uploads?: { maxFileBytes?: number; tempDir?: string };
};

export type Env = { Variables: { caller: Caller } };
