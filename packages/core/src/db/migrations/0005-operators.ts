import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * People who log in to the console: one workspace each, a role, an argon2id password hash and
 * the counters lockout needs; and their sessions, of which only a hash of the token is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table operators (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      login text not null check (login ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
      display_name text not null,
      role text not null check (role in ('admin', 'operator', 'analyst', 'viewer')),
      password_hash text not null,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      disabled_at timestamptz,
      primary key (workspace_id, id),
      unique (workspace_id, login)
    );

    create table operator_sessions (
      workspace_id bigint not null,
      id bigint generated always as identity,
      operator_id bigint not null,
      token_hash bytea not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      primary key (workspace_id, id),
      foreign key (workspace_id, operator_id) references operators (workspace_id, id)
    );
    create index operator_sessions_operator on operator_sessions (workspace_id, operator_id);
  `,
  );
}
