import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * What a committed batch left to fold into the aggregates. A batch stores its events under the
 * ingest lock and, in the same transaction, queues here the customers it touched and the range of
 * event ids it stored; a second transaction, under its own lock, takes the workspace's
 * queue and folds it in (activity, purchases, contents, received pats, tags, scores). The next
 * batch can then store while this one is folded, and a crash between the two loses nothing: the
 * queue is taken again.
 *
 * One row a batch, append-only: queuing never waits for an upkeep that is taking earlier rows.
 * `parts[i]` is a bit set of what to re-read for `customer_ids[i]`. A batch's events are the
 * workspace's events with ids `first_event` to `last_event` (null: none): ingestion holds the
 * workspace's lock from the first insert to the commit, so no other batch's ids fall between.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table upkeep_queue (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id),
      customer_ids bigint[] not null,
      parts smallint[] not null,
      first_event bigint,
      last_event bigint
    );
    create index upkeep_queue_workspace on upkeep_queue (workspace_id)
  `,
  );
}
