import type { Caller, Config, Db } from '@hatchery/core';

/** What every handler can reach: the database, the config, and (behind auth) the caller. */
export type Deps = { db: Db; config: Pick<Config, 'masterSecret'> };

export type Env = { Variables: { caller: Caller } };
