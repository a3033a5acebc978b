import { type Kysely, sql } from 'kysely';

/**
 * Runs a script of DDL statements one by one: PGlite's query() takes a single statement,
 * so migrations are written as plain SQL and split here (DDL in them holds no semicolons).
 */
export async function executeDdl(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*(?:\n|$)/)) {
    if (statement.trim() !== '') {
      await sql.raw(statement).execute(db);
    }
  }
}
