import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * API keys managed from the console: who made a key (an operator, the CLI, the demo loader) and
 * when it was last used, so that an admin can tell a forgotten key from a live integration
 * before revoking it. Keys made before this migration have neither (null).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    alter table api_keys add column created_by text;
    alter table api_keys add column last_used_at timestamptz
  `,
  );
}
