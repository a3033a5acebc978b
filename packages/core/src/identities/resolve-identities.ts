import type { Db } from '../db/create-db.ts';
import type { PreparedIdentity } from '../events/prepare-event.ts';
import { encrypt } from '../shared/crypto.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  createCustomers,
  findIdentitiesByKey,
  findUniqueIdentitiesOf,
  insertIdentities,
  insertMove,
  moveAllIdentities,
  reattachCustomer,
  setMergedInto,
} from './identities.queries.ts';
import { UNIQUE_PER_PERSON } from './identity.schema.ts';
import { IdentityGraph } from './identity-graph.ts';

/** One record to match: the identities it says belong to one person. */
export type MatchRecord = Readonly<{
  identities: readonly PreparedIdentity[];
  occurredAt: Date;
  source: string;
  eventId: string;
}>;

export type Resolution = {
  /** Customer and identity row of every identity key in the batch, after all merges. */
  customerOf: Map<string, number>;
  identityOf: Map<string, number>;
  /** Records that would have merged two people; their identities were kept apart. */
  conflicts: { record: number; slots: string[] }[];
  /** Stored customers whose events changed hands in a merge (both sides). */
  movedCustomers: number[];
  /** Keys of the identities this batch stored for the first time. */
  newKeys: string[];
};

/**
 * Matches a batch of records against stored identities, in order: creates customers and
 * identities for what is new, merges profiles the records join (logged as moves), and
 * reports conflicts. Runs inside the caller's transaction, under the ingest lock.
 */
export async function resolveIdentities(
  trx: Db,
  workspace: Workspace,
  records: readonly MatchRecord[],
): Promise<Resolution> {
  const ws = workspace.id;
  const byKey = new Map<string, { identity: PreparedIdentity; firstSeen: Date }>();
  for (const record of records) {
    for (const identity of record.identities) {
      const seen = byKey.get(identity.key);
      if (!seen || seen.firstSeen > record.occurredAt) {
        byKey.set(identity.key, { identity, firstSeen: record.occurredAt });
      }
    }
  }

  const stored = await findIdentitiesByKey(trx, ws, [...byKey.keys()]);
  const touched = customersAtStake(records, new Map(stored.map((s) => [s.key, s.customer_id])));
  const uniques =
    touched.length > 0 ? await findUniqueIdentitiesOf(trx, ws, touched, [...UNIQUE_PER_PERSON]) : [];

  let placeholder = 0;
  const graph = new IdentityGraph(() => --placeholder);
  for (const row of [...uniques, ...stored]) {
    if (graph.groupOf(row.key) === undefined) {
      graph.seed(row.customer_id, {
        key: row.key,
        slot: UNIQUE_PER_PERSON.has(row.kind as never) ? `${row.kind}/${row.scope}` : null,
      });
    }
  }

  const merges: { winner: number; loser: number; keys: string[]; record: number }[] = [];
  const movedCustomers = new Set<number>();
  const conflicts: Resolution['conflicts'] = [];
  records.forEach((record, index) => {
    const outcome = graph.apply(record.identities);
    if (outcome.type === 'merge') {
      for (const loser of outcome.absorbed) {
        merges.push({ winner: outcome.group, loser: loser.group, keys: loser.keys, record: index });
      }
    } else if (outcome.type === 'conflict') {
      conflicts.push({ record: index, slots: outcome.slots });
    }
  });

  // Every profile created in this batch gets a real id, even one absorbed later in the same
  // batch: its merge is logged like any other, so it can be undone.
  const created = -placeholder;
  const ids = await createCustomers(trx, ws, created);
  const customerId = (group: number) => (group < 0 ? ids[-group - 1]! : group);
  const finalGroup = (key: string) => customerId(graph.groupOf(key)!);

  const storedKeys = new Set(stored.map((s) => s.key));
  const inserted = await insertIdentities(
    trx,
    ws,
    [...byKey.values()]
      .filter(({ identity }) => !storedKeys.has(identity.key))
      .map(({ identity, firstSeen }) => ({
        customerId: finalGroup(identity.key),
        kind: identity.kind,
        scope: identity.scope,
        key: identity.key,
        valueEnc: encrypt(workspace.keys.encKey, identity.value),
        masked: identity.masked,
        firstSeenAt: firstSeen,
      })),
  );
  const identityOf = new Map([...stored, ...inserted].map((r) => [r.key, r.id]));
  const insertedKeys = new Set(inserted.map((r) => r.key));

  for (const merge of merges) {
    const record = records[merge.record]!;
    const from = customerId(merge.loser);
    const to = customerId(merge.winner);
    // Identities new in this batch were written straight to their final profile, so their part
    // of the move is only logged; a stored profile's own identities are moved in the store.
    const arrived = merge.keys.filter((key) => insertedKeys.has(key)).map((key) => identityOf.get(key)!);
    const moved = [...(merge.loser > 0 ? await moveAllIdentities(trx, ws, from, to) : []), ...arrived].sort(
      (a, b) => a - b,
    );
    await insertMove(trx, ws, {
      from,
      to,
      identityIds: moved,
      reason: 'merge',
      source: record.source,
      eventId: record.eventId,
    });
    await setMergedInto(trx, ws, [from], to);
    if (merge.loser > 0) {
      await reattachCustomer(trx, ws, from, to);
      movedCustomers.add(from).add(to);
    }
  }

  const customerOf = new Map([...byKey.keys()].map((key) => [key, finalGroup(key)]));
  return {
    customerOf,
    identityOf,
    conflicts,
    movedCustomers: [...movedCustomers],
    newKeys: [...insertedKeys],
  };
}

/**
 * Stored customers whose unique-per-person identities could decide a conflict: those a record
 * joins with another customer or with identities not stored yet. A record that only repeats
 * known identities of one customer (most of them: repeat orders, chat) needs no look-up.
 */
function customersAtStake(records: readonly MatchRecord[], customerOfStored: Map<string, number>): number[] {
  const stake = new Set<number>();
  for (const record of records) {
    const customers = new Set<number>();
    let unstored = false;
    for (const identity of record.identities) {
      const customer = customerOfStored.get(identity.key);
      if (customer === undefined) {
        unstored = true;
      } else {
        customers.add(customer);
      }
    }
    if (customers.size > 1 || (customers.size === 1 && unstored)) {
      for (const c of customers) {
        stake.add(c);
      }
    }
  }
  return [...stake];
}
