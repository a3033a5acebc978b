import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

export type MembershipChange = {
  communityId: string;
  communityName: string | null;
  anchorIdentityId: number;
  customerId: number;
  joinedAt: Date | null;
  leftAt: Date | null;
};

/**
 * Keeps the latest join and the latest leave per member; a member is in the community when
 * the join is the later one. Taking the latest of each makes arrival order irrelevant.
 */
export async function upsertMemberships(db: Db, workspaceId: number, changes: readonly MembershipChange[]) {
  if (changes.length === 0) {
    return;
  }
  // A name, when an event carries one, replaces the stored one; ids alone never blank it.
  await sql`
    insert into communities as c (workspace_id, id, name)
    select distinct on (i) ${workspaceId}, i, coalesce(n, i)
    from unnest(${changes.map((c) => c.communityId)}::text[], ${changes.map((c) => c.communityName)}::text[]) as u(i, n)
    order by i, n nulls last
    on conflict (workspace_id, id) do update set name = excluded.name
      where excluded.name <> excluded.id and c.name <> excluded.name`.execute(db);
  await sql`
    insert into community_members as m (workspace_id, community_id, anchor_identity_id, customer_id, joined_at, left_at)
    select ${workspaceId}, ci, a, max(c), max(j), max(l)
    from unnest(
      ${changes.map((c) => c.communityId)}::text[], ${changes.map((c) => c.anchorIdentityId)}::bigint[],
      ${changes.map((c) => c.customerId)}::bigint[], ${changes.map((c) => c.joinedAt?.toISOString() ?? null)}::timestamptz[],
      ${changes.map((c) => c.leftAt?.toISOString() ?? null)}::timestamptz[]
    ) as u(ci, a, c, j, l)
    group by ci, a
    on conflict (workspace_id, community_id, anchor_identity_id) do update set
      joined_at = greatest(m.joined_at, excluded.joined_at),
      left_at = greatest(m.left_at, excluded.left_at)`.execute(db);
}
