import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * Segments and tag rules: filters in the JSON filter language (segments/FILTER-LANGUAGE.md) that
 * operators save. A segment is a saved filter that is counted, listed and exported on demand; a
 * tag rule is a filter whose customers carry its tag (customer_tags, source 'rule'), kept in line
 * by the full rescore and by every ingested batch. Filters are stored as validated JSON and
 * compiled to SQL each time they are used, so a change to the compiler applies to saved filters.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table segments (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      name text not null check (length(name) between 1 and 100),
      filter jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, id),
      unique (workspace_id, name)
    );

    create table tag_rules (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      tag text not null check (tag ~ '^rule:.+'),
      name text not null check (length(name) between 1 and 100),
      filter jsonb not null,
      -- Bumped on every edit; a tagged customer's reason names the version that tagged them.
      version integer not null default 1,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, id),
      unique (workspace_id, tag)
    );
  `,
  );
}
