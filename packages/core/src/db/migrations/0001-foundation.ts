import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/** Workspaces, keys, customers with identities, append-only events, orders, communities, merge log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table workspaces (
      id bigint generated always as identity primary key,
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text not null,
      time_zone text not null default 'Asia/Shanghai',
      key_salt bytea not null,
      created_at timestamptz not null default now()
    );

    create table api_keys (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      name text not null,
      prefix text not null,
      key_hash bytea not null unique,
      can_unmask boolean not null default false,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      primary key (workspace_id, id)
    );

    create table customers (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      created_at timestamptz not null default now(),
      merged_into bigint,
      primary key (workspace_id, id)
    );

    create table identities (
      workspace_id bigint not null,
      id bigint generated always as identity,
      customer_id bigint not null,
      kind text not null,
      scope text not null default '',
      value_hash bytea not null,
      value_enc bytea not null,
      masked text not null,
      first_seen_at timestamptz not null,
      primary key (workspace_id, id),
      unique (workspace_id, value_hash),
      foreign key (workspace_id, customer_id) references customers (workspace_id, id)
    );
    create index identities_customer on identities (workspace_id, customer_id);

    create table events (
      workspace_id bigint not null,
      id bigint generated always as identity,
      source text not null,
      event_id text not null,
      kind text not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null default now(),
      customer_id bigint not null,
      anchor_identity_id bigint not null,
      identity_ids bigint[] not null,
      body_hash bytea not null,
      properties jsonb not null,
      primary key (workspace_id, id),
      unique (workspace_id, source, event_id)
    );
    create index events_customer_time on events (workspace_id, customer_id, occurred_at desc, id desc);

    create table event_identities (
      workspace_id bigint not null,
      identity_id bigint not null,
      event_pk bigint not null,
      primary key (workspace_id, identity_id, event_pk)
    );

    create function order_status(paid_at timestamptz, paid_fen bigint, refunded_fen bigint) returns text
      language sql immutable return case
        when paid_at is null then 'refund_only'
        when refunded_fen = 0 then 'paid'
        when refunded_fen >= paid_fen then 'refunded'
        else 'partially_refunded' end;

    create table orders (
      workspace_id bigint not null,
      shop text not null,
      order_id text not null,
      customer_id bigint not null,
      anchor_identity_id bigint not null,
      paid_at timestamptz,
      paid_fen bigint not null default 0 check (paid_fen >= 0),
      refunded_fen bigint not null default 0 check (refunded_fen >= 0),
      status text not null,
      items jsonb not null default '[]',
      primary key (workspace_id, shop, order_id)
    );
    create index orders_customer on orders (workspace_id, customer_id, paid_at desc);
    create index orders_anchor on orders (workspace_id, anchor_identity_id);

    create table communities (
      workspace_id bigint not null references workspaces (id),
      id text not null,
      name text not null,
      primary key (workspace_id, id)
    );

    create table community_members (
      workspace_id bigint not null,
      community_id text not null,
      anchor_identity_id bigint not null,
      customer_id bigint not null,
      joined_at timestamptz,
      left_at timestamptz,
      primary key (workspace_id, community_id, anchor_identity_id)
    );
    create index community_members_customer on community_members (workspace_id, customer_id);

    create table identity_moves (
      workspace_id bigint not null,
      id bigint generated always as identity,
      from_customer_id bigint not null,
      to_customer_id bigint not null,
      identity_ids bigint[] not null check (array_position(identity_ids, null) is null),
      reason text not null check (reason in ('merge', 'regroup', 'undo')),
      source text,
      event_id text,
      undo_of bigint,
      undone_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (workspace_id, id)
    );
    create index identity_moves_from on identity_moves (workspace_id, from_customer_id);
    create index identity_moves_to on identity_moves (workspace_id, to_customer_id);

    create table merge_conflicts (
      workspace_id bigint not null,
      id bigint generated always as identity,
      source text not null,
      event_id text not null,
      customer_ids bigint[] not null,
      detail jsonb not null,
      status text not null default 'open' check (status in ('open', 'resolved', 'dismissed')),
      created_at timestamptz not null default now(),
      primary key (workspace_id, id),
      unique (workspace_id, source, event_id)
    );

    create table audit_log (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      actor text not null,
      action text not null,
      target text not null,
      detail jsonb not null default '{}',
      created_at timestamptz not null default now(),
      primary key (workspace_id, id)
    );
  `,
  );
}
