import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/** File imports with their progress and summary, and the problems of each (the downloadable report). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table imports (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      file_name text not null,
      file_bytes bigint not null,
      format text,
      encoding text,
      dry_run boolean not null,
      status text not null check (status in ('running', 'done', 'failed')),
      bytes_read bigint not null default 0,
      summary jsonb not null default '{}',
      failure text,
      actor text not null,
      created_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (workspace_id, id)
    );

    create table import_problems (
      workspace_id bigint not null,
      import_id bigint not null,
      line integer not null,
      kind text not null check (kind in ('rejected', 'skipped')),
      column_name text,
      reason text not null,
      primary key (workspace_id, import_id, line, kind),
      foreign key (workspace_id, import_id) references imports (workspace_id, id)
    );
  `,
  );
}
