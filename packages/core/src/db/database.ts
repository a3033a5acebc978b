import type { ColumnType, Generated } from 'kysely';

/** Row types of every table, as Kysely sees them. int8 is parsed to number (see create-db.ts). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface WorkspacesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  time_zone: Generated<string>;
  /** Salt for this workspace's derived keys (HMAC for matching, AES-GCM for display). */
  key_salt: Uint8Array;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  /** First characters of the key, shown so operators can tell keys apart. */
  prefix: string;
  /** sha256 of the whole key; the key itself is never stored. */
  key_hash: Uint8Array;
  /** Whether callers with this key may ask for unmasked identities (each unmask is audited). */
  can_unmask: Generated<boolean>;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface CustomersTable {
  workspace_id: number;
  id: Generated<number>;
  created_at: CreatedAt;
  /** Set when every identity of this customer moved to another one; lookups follow it. */
  merged_into: number | null;
}

export interface IdentitiesTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  kind: string;
  /** App id for openids, shop id for shop-scoped buyer ids, '' otherwise. */
  scope: string;
  /** HMAC of kind, scope and normalised value: the only thing matching looks at. */
  value_hash: Uint8Array;
  /** AES-GCM of the normalised value, for display to roles that may unmask. */
  value_enc: Uint8Array;
  masked: string;
  first_seen_at: Timestamp;
}

export interface EventsTable {
  workspace_id: number;
  id: Generated<number>;
  source: string;
  event_id: string;
  kind: string;
  occurred_at: Timestamp;
  received_at: CreatedAt;
  /** The profile the event belongs to now: the customer of its anchor identity. */
  customer_id: number;
  /** The event's first matchable identity; merges and undos move events by it. */
  anchor_identity_id: number;
  identity_ids: number[];
  body_hash: Uint8Array;
  properties: Json<Record<string, unknown>>;
}

export interface EventIdentitiesTable {
  workspace_id: number;
  identity_id: number;
  event_pk: number;
}

export interface OrdersTable {
  workspace_id: number;
  shop: string;
  order_id: string;
  customer_id: number;
  anchor_identity_id: number;
  paid_at: Timestamp | null;
  paid_fen: number;
  refunded_fen: number;
  status: string;
  items: Json<OrderItem[]>;
}

export type OrderItem = { sku?: string | undefined; name: string; quantity: number; price_fen: number };

export interface CommunitiesTable {
  workspace_id: number;
  id: string;
  name: string;
}

export interface CommunityMembersTable {
  workspace_id: number;
  community_id: string;
  anchor_identity_id: number;
  customer_id: number;
  joined_at: Timestamp | null;
  left_at: Timestamp | null;
}

export interface IdentityMovesTable {
  workspace_id: number;
  id: Generated<number>;
  from_customer_id: number;
  to_customer_id: number;
  identity_ids: number[];
  /** merge: two profiles became one; regroup: a conflict re-derived the grouping; undo: an operator undid a move. */
  reason: string;
  /** The record (event) that caused it, or null for operator actions. */
  source: string | null;
  event_id: string | null;
  undo_of: number | null;
  undone_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface MergeConflictsTable {
  workspace_id: number;
  id: Generated<number>;
  source: string;
  event_id: string;
  customer_ids: number[];
  detail: Json<{ kinds: string[] }>;
  status: Generated<string>;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  workspace_id: number;
  id: Generated<number>;
  /** Who did it: `api_key:<id>`, `cli` or an operator. */
  actor: string;
  action: string;
  target: string;
  detail: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface ImportsTable {
  workspace_id: number;
  id: Generated<number>;
  file_name: string;
  file_bytes: number;
  /** The detected (or chosen) format id; null until the header has been read. */
  format: string | null;
  encoding: string | null;
  dry_run: boolean;
  status: 'running' | 'done' | 'failed';
  bytes_read: Generated<number>;
  summary: Json<ImportSummary>;
  failure: string | null;
  actor: string;
  created_at: CreatedAt;
  /** Touched with every progress update: a running import that stops beating was interrupted. */
  heartbeat_at: Generated<Date>;
  finished_at: Timestamp | null;
}

export type ImportSummary = {
  rows_read?: number;
  rows_imported?: number;
  rows_rejected?: number;
  rows_skipped?: number;
  events?: Record<string, number>;
  orders?: number;
  customers_before?: number;
  customers_after?: number;
  merges?: number;
  rejected_by_reason?: Record<string, number>;
  skipped_by_reason?: Record<string, number>;
};

export interface ImportProblemsTable {
  workspace_id: number;
  import_id: number;
  line: number;
  kind: 'rejected' | 'skipped';
  column_name: string | null;
  reason: string;
}

export type OperatorRole = 'admin' | 'operator' | 'analyst' | 'viewer';

export interface OperatorsTable {
  workspace_id: number;
  id: Generated<number>;
  /** Lowercase, unique in the workspace; what the operator types on the login page. */
  login: string;
  display_name: string;
  role: OperatorRole;
  /** argon2id in the PHC string format (parameters and salt travel with the hash). */
  password_hash: string;
  /** Failed logins since the last success or lockout; reaching the limit locks the operator. */
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

export interface OperatorSessionsTable {
  workspace_id: number;
  id: Generated<number>;
  operator_id: number;
  /** sha256 of the cookie's token; the token itself is never stored. */
  token_hash: Uint8Array;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  identities: IdentitiesTable;
  events: EventsTable;
  event_identities: EventIdentitiesTable;
  orders: OrdersTable;
  communities: CommunitiesTable;
  community_members: CommunityMembersTable;
  identity_moves: IdentityMovesTable;
  merge_conflicts: MergeConflictsTable;
  audit_log: AuditLogTable;
  imports: ImportsTable;
  import_problems: ImportProblemsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
}
