import type { Caller, Config, Db } from '@hatchery/core';

/** What every handler can reach: the database, the config, and (behind auth) the caller. */
export type Deps = {
  db: Db;
  config: Pick<Config, 'masterSecret'>;
  /** Upload limits (routes/imports.ts); tests set a small cap and their own temporary directory. */
  uploads?: { maxFileBytes?: number; tempDir?: string };
};

export type Env = { Variables: { caller: Caller } };
