import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * Import reasons in both console languages: a stable code for programs and the Chinese words for
 * operators, beside the English already kept. Reports stored before this migration have neither
 * (null): they are shown in English as they were written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    alter table import_problems add column code text;
    alter table import_problems add column reason_zh text;
    alter table imports add column failure_code text;
    alter table imports add column failure_zh text
  `,
  );
}
