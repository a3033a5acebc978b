import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

export function insertWorkspace(
  db: Db,
  row: { slug: string; name: string; timeZone: string; keySalt: Buffer },
) {
  return db
    .insertInto('workspaces')
    .values({ slug: row.slug, name: row.name, time_zone: row.timeZone, key_salt: row.keySalt })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findWorkspaceBySlug(db: Db, slug: string) {
  return db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findWorkspaceById(db: Db, id: number) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertApiKey(
  db: Db,
  row: {
    workspaceId: number;
    name: string;
    prefix: string;
    keyHash: Buffer;
    canUnmask: boolean;
    createdBy: string;
  },
) {
  return db
    .insertInto('api_keys')
    .values({
      workspace_id: row.workspaceId,
      name: row.name,
      prefix: row.prefix,
      key_hash: row.keyHash,
      can_unmask: row.canUnmask,
      created_by: row.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export function findApiKeyByHash(db: Db, keyHash: Buffer) {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

/** What may be shown of a key: never the key (not stored) and never its hash. */
const SHOWN_KEY_COLUMNS = [
  'id',
  'name',
  'prefix',
  'can_unmask',
  'created_at',
  'created_by',
  'last_used_at',
  'revoked_at',
] as const;

export function revokeApiKeyRow(db: Db, workspaceId: number, id: number) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(SHOWN_KEY_COLUMNS)
    .executeTakeFirst();
}

export function listApiKeyRows(db: Db, workspaceId: number) {
  return db
    .selectFrom('api_keys')
    .select(SHOWN_KEY_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

/** Notes a key's use, unless another request already did within `resolutionMs`. */
export async function touchApiKey(db: Db, workspaceId: number, id: number, now: Date, resolutionMs: number) {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', new Date(now.getTime() - resolutionMs)),
      ]),
    )
    .execute();
}

export function listWorkspaceRows(db: Db) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'slug', 'name', 'time_zone', 'created_at'])
    .orderBy('slug')
    .execute();
}

/** The zone a workspace is in now: ingestion reads it under its lock, so a change applies to the next batch. */
export async function findWorkspaceTimeZone(db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('time_zone').where('id', '=', id).executeTakeFirst();
  return row?.time_zone;
}

export function updateWorkspaceRow(db: Db, id: number, change: { name: string; timeZone: string }) {
  return db
    .updateTable('workspaces')
    .set({ name: change.name, time_zone: change.timeZone })
    .where('id', '=', id)
    .returning(['id', 'slug', 'name', 'time_zone', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** Whether the database knows a zone by this name (it computes business days in it). */
export async function isDatabaseTimeZone(db: Db, name: string): Promise<boolean> {
  const { rows } = await sql<{ known: boolean }>`
    select exists (select 1 from pg_timezone_names where name = ${name}) as known`.execute(db);
  return rows[0]?.known === true;
}
