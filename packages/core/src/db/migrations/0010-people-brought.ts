import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * The social value counts what the people a customer brought are worth, not only how often they
 * invited. A person is brought by whoever named one of their identities in the earliest referral
 * (scoring/aggregates.queries.ts, refreshBrought); `brought_people` counts them and `brought_fen`
 * is their net spend on orders paid since that referral.
 *
 * Referrals are found by the person they name, as pats are. Every workspace's referrers are
 * queued for the upkeep, which the server runs when it starts, so that existing referrals count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    alter table customer_stats add column brought_people integer not null default 0;
    alter table customer_stats add column brought_fen bigint not null default 0;
    create index events_invitee on events (workspace_id, (properties #>> '{invitee,key}'))
      where kind = 'referral';
    insert into upkeep_queue (workspace_id, customer_ids, parts)
    select workspace_id, array_agg(customer_id), array_agg(16::smallint)
    from (select distinct workspace_id, customer_id from events where kind = 'referral') r
    group by workspace_id
  `,
  );
}
