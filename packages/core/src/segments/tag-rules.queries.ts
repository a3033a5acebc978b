import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { CompiledFilter } from './compile-filter.ts';
import type { Filter } from './filter.schema.ts';

/** Tag rules and the tags they and operators put on customers (customer_tags, sources 'rule' and 'manual'). */

export type TagRuleRow = {
  id: number;
  tag: string;
  name: string;
  filter: unknown;
  version: number;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
};

const RULE_COLUMNS = [
  'id',
  'tag',
  'name',
  'filter',
  'version',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
] as const;

export function listTagRuleRows(db: Db, workspaceId: number): Promise<TagRuleRow[]> {
  return db
    .selectFrom('tag_rules')
    .select(RULE_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export function findTagRuleRow(db: Db, workspaceId: number, id: number): Promise<TagRuleRow | undefined> {
  return db
    .selectFrom('tag_rules')
    .select(RULE_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts a rule; undefined when its tag is taken. */
export function insertTagRule(
  db: Db,
  workspaceId: number,
  rule: { tag: string; name: string; filter: Filter; actor: string },
): Promise<TagRuleRow | undefined> {
  return db
    .insertInto('tag_rules')
    .values({
      workspace_id: workspaceId,
      tag: rule.tag,
      name: rule.name,
      filter: JSON.stringify(rule.filter),
      created_by: rule.actor,
      updated_by: rule.actor,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(RULE_COLUMNS)
    .executeTakeFirst();
}

export function updateTagRuleRow(
  db: Db,
  workspaceId: number,
  id: number,
  rule: { name: string; filter: Filter; actor: string },
): Promise<TagRuleRow | undefined> {
  return db
    .updateTable('tag_rules')
    .set((eb) => ({
      name: rule.name,
      filter: JSON.stringify(rule.filter),
      version: eb('version', '+', 1),
      updated_by: rule.actor,
      updated_at: new Date(),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(RULE_COLUMNS)
    .executeTakeFirst();
}

export async function deleteTagRuleRow(db: Db, workspaceId: number, id: number) {
  await db.deleteFrom('tag_rules').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Removes a rule's tag from everyone (the rule was deleted). */
export async function deleteRuleTags(db: Db, workspaceId: number, tag: string) {
  await db
    .deleteFrom('customer_tags')
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .where('source', '=', 'rule')
    .execute();
}

/**
 * Brings a rule's tag in line with its filter for the customers `customerIds` selects (null:
 * the whole workspace): customers who match and lack it get it with `since` = now; customers
 * who keep it keep their `since`, and their reason moves to the rule's current version; the tag
 * leaves those who no longer match. One statement, so a full run is one pass per rule.
 */
export async function applyTagRule(
  db: Db,
  workspaceId: number,
  rule: { id: number; tag: string; version: number },
  compiled: CompiledFilter,
  now: Date,
  customerIds: readonly number[] | null,
) {
  const only = (column: string) =>
    customerIds === null ? sql`true` : sql`${sql.ref(column)} = any(${customerIds}::bigint[])`;
  const scores = compiled.usesScores
    ? sql`left join customer_scores sc on sc.workspace_id = s.workspace_id and sc.customer_id = s.customer_id`
    : sql``;
  const reason = JSON.stringify({ rule_id: rule.id, rule_version: rule.version });
  await sql`
    with desired as (
      select s.customer_id from customer_stats s ${scores}
      where s.workspace_id = ${workspaceId} and ${only('s.customer_id')} and ${compiled.where}
    ), gone as (
      delete from customer_tags t
      where t.workspace_id = ${workspaceId} and t.tag = ${rule.tag} and t.source = 'rule' and ${only('t.customer_id')}
        and not exists (select 1 from desired d where d.customer_id = t.customer_id)
    )
    insert into customer_tags as t (workspace_id, customer_id, tag, source, since, reason)
    select ${workspaceId}, customer_id, ${rule.tag}, 'rule', ${now.toISOString()}::timestamptz, ${reason}::jsonb
    from desired
    on conflict (workspace_id, customer_id, tag) do update set reason = excluded.reason
      -- only a changed reason is written: a batch re-checking a customer who keeps the tag writes nothing
      where t.source = 'rule' and t.reason is distinct from excluded.reason`.execute(db);
}

/** Adds a manual tag; false when the customer already carries it (its since and note stay). */
export async function insertManualTag(
  db: Db,
  workspaceId: number,
  customerId: number,
  tag: { tag: string; reason: Record<string, unknown>; now: Date },
) {
  const rows = await db
    .insertInto('customer_tags')
    .values({
      workspace_id: workspaceId,
      customer_id: customerId,
      tag: tag.tag,
      source: 'manual',
      since: tag.now,
      reason: JSON.stringify(tag.reason),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('tag')
    .execute();
  return rows.length > 0;
}

export async function deleteManualTag(db: Db, workspaceId: number, customerId: number, tag: string) {
  const result = await db
    .deleteFrom('customer_tags')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('tag', '=', tag)
    .where('source', '=', 'manual')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function findTag(db: Db, workspaceId: number, customerId: number, tag: string) {
  return db
    .selectFrom('customer_tags')
    .select(['tag', 'source', 'since', 'reason'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('tag', '=', tag)
    .executeTakeFirst();
}

export async function countTagged(db: Db, workspaceId: number, tag: string) {
  const row = await db
    .selectFrom('customer_tags')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
