import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { decrypt } from '../shared/crypto.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';

/**
 * The final grouping of identities into customers must not depend on the order in which
 * records arrive, nor on how they are cut into batches — conflicts included.
 */

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.RUNS ?? 20);

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

type Identity = EventInput['identities'][number];
const pool: Identity[] = [
  ...['13800000001', '13800000002', '13800000003', '13800000004'].map((value) => ({
    kind: 'phone' as const,
    value,
  })),
  ...['amy', 'bob', 'cat'].map((value) => ({ kind: 'taobao_nick' as const, value })),
  ...['pin-a', 'pin-b'].map((value) => ({ kind: 'jd_pin' as const, value })),
  ...['oU1', 'oU2', 'oU3'].map((value) => ({ kind: 'wechat_unionid' as const, value })),
  ...['oA1', 'oA2'].map((value) => ({ kind: 'wechat_openid' as const, scope: 'wxapp', value })),
];

const recordArb = fc.record({
  ids: fc.uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 3 }),
  day: fc.integer({ min: 1, max: 9 }),
});

const scenarioArb = fc.record({
  records: fc.array(recordArb, { minLength: 2, maxLength: 14 }),
  order: fc.func(fc.integer()),
  cuts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 20, maxLength: 20 }),
});

let run = 0;

async function grouping(events: EventInput[][]): Promise<string> {
  run += 1;
  const ws: Workspace = await createTestWorkspace(h, `order-${run}`);
  for (const batch of events) {
    await ingestEvents(h.db, ws, batch);
  }
  const rows = await h.db
    .selectFrom('identities')
    .select(['customer_id', 'kind', 'value_enc'])
    .where('workspace_id', '=', ws.id)
    .execute();
  const groups = new Map<number, string[]>();
  for (const r of rows) {
    const value = `${r.kind}:${decrypt(ws.keys.encKey, Buffer.from(r.value_enc))}`;
    groups.set(r.customer_id, [...(groups.get(r.customer_id) ?? []), value]);
  }
  for (const members of groups.values()) {
    const unique = members.filter((m) => m.startsWith('wechat_'));
    const kinds = unique.map((m) => m.split(':')[0]);
    expect(new Set(kinds).size, `one profile holds two unique ids: ${members}`).toBe(kinds.length);
  }
  return JSON.stringify([...groups.values()].map((m) => m.sort()).sort());
}

test(`grouping is independent of arrival order and batching (seed ${SEED})`, async () => {
  console.log(`order-independence property: seed ${SEED}, ${RUNS} runs (rerun with SEED=${SEED})`);
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ records, order, cuts }) => {
      const events: EventInput[] = records.map((r, i) => ({
        id: `r${i}`,
        kind: 'identity.linked',
        occurred_at: `2026-01-0${r.day}T00:00:00Z`,
        identities: r.ids.map((n) => pool[n]!),
      }));
      const inOrder = await grouping(events.map((e) => [e]));
      const shuffled = [...events].sort((a, b) => order(a.id) - order(b.id) || (a.id < b.id ? -1 : 1));
      const batches: EventInput[][] = [];
      for (let start = 0, n = 0; start < shuffled.length; n += 1) {
        const size = cuts[n % cuts.length]!;
        batches.push(shuffled.slice(start, start + size));
        start += size;
      }
      expect(await grouping(batches)).toBe(inOrder);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
