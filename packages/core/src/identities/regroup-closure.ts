import type { Db } from '../db/create-db.ts';
import {
  createCustomers,
  findEventsNaming,
  findIdentitiesById,
  findIdentitiesOfCustomers,
  insertConflict,
  insertMove,
  moveIdentities,
  reattachMoved,
  setMergedInto,
} from './identities.queries.ts';
import { UNIQUE_PER_PERSON } from './identity.schema.ts';
import { type GraphIdentity, IdentityGraph } from './identity-graph.ts';

/**
 * Re-derives the grouping of every identity connected to `customerIds` by replaying the
 * records that name them in a canonical order (time, source, event id).
 *
 * Why: with conflicts, greedy matching depends on arrival order (whichever unionid claims a
 * shared phone first keeps it). Merges without conflict commute, so only the neighbourhood of a
 * conflict needs replaying for the final grouping to be the same in whatever order records came.
 * Returns every customer of the neighbourhood, before and after: their events may have moved.
 */
export async function regroupClosure(
  trx: Db,
  workspaceId: number,
  customerIds: readonly number[],
  cause: { source: string; eventId: string },
): Promise<number[]> {
  const customers = new Set(customerIds);
  let identities = await findIdentitiesOfCustomers(trx, workspaceId, [...customers]);
  let events = await findEventsNaming(
    trx,
    workspaceId,
    identities.map((i) => i.id),
  );
  for (;;) {
    const known = new Set(identities.map((i) => i.id));
    const outside = [...new Set(events.flatMap((e) => e.identity_ids))].filter((id) => !known.has(id));
    const more = (await findIdentitiesById(trx, workspaceId, outside)).map((i) => i.customer_id);
    const added = more.filter((c) => !customers.has(c));
    if (added.length === 0) {
      break;
    }
    for (const c of added) {
      customers.add(c);
    }
    identities = await findIdentitiesOfCustomers(trx, workspaceId, [...customers]);
    events = await findEventsNaming(
      trx,
      workspaceId,
      identities.map((i) => i.id),
    );
  }

  const byId = new Map(
    identities.map((i) => [
      i.id,
      { ...i, slot: UNIQUE_PER_PERSON.has(i.kind as never) ? `${i.kind}/${i.scope}` : null },
    ]),
  );
  const canonical = [...events].sort(
    (a, b) =>
      a.occurred_at.getTime() - b.occurred_at.getTime() ||
      compare(a.source, b.source) ||
      compare(a.event_id, b.event_id),
  );
  let placeholder = 0;
  const graph = new IdentityGraph(() => --placeholder);
  const conflicted: typeof canonical = [];
  const slotsOf = new Map<number, string[]>();
  for (const event of canonical) {
    const record: GraphIdentity[] = event.identity_ids.map((id) => {
      const i = byId.get(id)!;
      return { key: String(i.id), slot: i.slot };
    });
    const outcome = graph.apply(record);
    if (outcome.type === 'conflict') {
      conflicted.push(event);
      slotsOf.set(event.id, outcome.slots);
    }
  }
  // Identities only ever seen alone link nothing: each stands as its own profile in the replay,
  // exactly as a record of one new identity would have made it.
  for (const identity of identities) {
    if (graph.groupOf(String(identity.id)) === undefined) {
      graph.apply([{ key: String(identity.id), slot: byId.get(identity.id)!.slot }]);
    }
  }

  // Each derived group keeps the stored customer that already holds most of it.
  const target = new Map<number, number>();
  const taken = new Set<number>();
  const groups = [...graph.groups().values()].map((keys) => keys.map(Number).sort((a, b) => a - b));
  groups.sort((a, b) => a[0]! - b[0]!);
  const homeless: number[][] = [];
  for (const group of groups) {
    const votes = new Map<number, number>();
    for (const id of group) {
      const c = byId.get(id)!.customer_id;
      votes.set(c, (votes.get(c) ?? 0) + 1);
    }
    const best = [...votes].filter(([c]) => !taken.has(c)).sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (best === undefined) {
      homeless.push(group);
      continue;
    }
    taken.add(best);
    for (const id of group) {
      target.set(id, best);
    }
  }
  const fresh = await createCustomers(trx, workspaceId, homeless.length);
  homeless.forEach((group, n) => {
    for (const id of group) {
      target.set(id, fresh[n]!);
    }
  });

  const moves = new Map<string, { from: number; to: number; ids: number[] }>();
  for (const [id, to] of target) {
    const from = byId.get(id)!.customer_id;
    if (from !== to) {
      const key = `${from}>${to}`;
      const move = moves.get(key) ?? { from, to, ids: [] };
      move.ids.push(id);
      moves.set(key, move);
    }
  }
  for (const move of moves.values()) {
    const moved = await moveIdentities(trx, workspaceId, move.ids, move.to);
    await reattachMoved(trx, workspaceId, move.from, moved);
    await insertMove(trx, workspaceId, { ...move, identityIds: moved, reason: 'regroup', ...cause });
  }
  const holders = new Set(target.values());
  for (const c of customers) {
    if (!holders.has(c)) {
      const heir = [...moves.values()].find((m) => m.from === c)?.to ?? null;
      await setMergedInto(trx, workspaceId, [c], heir);
    }
  }
  await setMergedInto(trx, workspaceId, [...holders], null);

  for (const event of conflicted) {
    const involved = [...new Set(event.identity_ids.map((id) => target.get(id)!))].sort((a, b) => a - b);
    await insertConflict(trx, workspaceId, {
      source: event.source,
      eventId: event.event_id,
      customerIds: involved,
      slots: slotsOf.get(event.id) ?? [],
    });
  }
  return [...new Set([...customers, ...holders])];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
