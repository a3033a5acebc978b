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
  row: { workspaceId: number; name: string; prefix: string; keyHash: Buffer; canUnmask: boolean },
) {
  return db
    .insertInto('api_keys')
    .values({
      workspace_id: row.workspaceId,
      name: row.name,
      prefix: row.prefix,
      key_hash: row.keyHash,
      can_unmask: row.canUnmask,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export function findApiKeyByHash(db: Db, keyHash: Buffer) {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export function revokeApiKeyRow(db: Db, workspaceId: number, id: number) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

export function listApiKeys(db: Db, workspaceId: number) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'can_unmask', 'created_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export function listWorkspaceRows(db: Db) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'slug', 'name', 'time_zone', 'created_at'])
    .orderBy('slug')
    .execute();
}
