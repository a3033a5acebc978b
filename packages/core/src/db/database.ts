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
  /** Who made it (`operator:<login>`, `cli`, `demo`); null for keys made before this was kept. */
  created_by: string | null;
  /** When it last authenticated a request, kept to within a few minutes (workspaces/api-keys.ts). */
  last_used_at: Timestamp | null;
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
  /** Why the import failed, in English; its code and Chinese words (null before migration 0011). */
  failure: string | null;
  failure_code: string | null;
  failure_zh: string | null;
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
  /** Item files: orders whose items were attached now, and those still waiting for their order. */
  order_items_attached?: number;
  order_items_waiting?: number;
  /**
   * Orders whose items could not be attached (a conflict with items imported before), first 50:
   * why in English, its code and Chinese words (neither in imports made before they were kept).
   */
  order_items_problems?: { order_id: string; reason: string; code?: string; reason_zh?: string }[];
  customers_before?: number;
  customers_after?: number;
  merges?: number;
  /**
   * Rejected and skipped lines counted by kind, reason code and column, largest first, each with
   * the words of its first line as an example. Imports made before the codes have neither.
   */
  reasons?: ReasonCount[];
};

export type ReasonCount = {
  kind: 'rejected' | 'skipped';
  code: string;
  column: string | null;
  count: number;
  example: { en: string; zh: string };
};

export interface ImportProblemsTable {
  workspace_id: number;
  import_id: number;
  line: number;
  kind: 'rejected' | 'skipped';
  column_name: string | null;
  /** In English; the code and the Chinese words are null for reports stored before migration 0011. */
  reason: string;
  code: string | null;
  reason_zh: string | null;
}

export interface ContentsTable {
  workspace_id: number;
  content_id: string;
  customer_id: number;
  anchor_identity_id: number;
  platform: string | null;
  published_at: Timestamp | null;
  /** The latest exposure and engagement reported for the content (metrics are snapshots, not increments). */
  exposure: number;
  engagement: number;
  metrics_at: Timestamp | null;
}

/** Per-customer aggregates, kept fresh as events arrive (scoring/maintain-aggregates.ts). */
export interface CustomerStatsTable {
  workspace_id: number;
  customer_id: number;
  orders: number;
  order_days: number;
  net_fen: number;
  /** Spend of the first purchase day: lifetime models rank repeat spend, which excludes it. */
  first_day_fen: number;
  first_order_at: Timestamp | null;
  last_order_at: Timestamp | null;
  shops: string[];
  messages: number;
  pats_given: number;
  pats_received: number;
  checkins: number;
  questionnaires: number;
  shares: number;
  referrals: number;
  /** People this customer brought (first referral to name them) and their net spend since. */
  brought_people: number;
  brought_fen: number;
  posts: number;
  exposure: number;
  engagement: number;
  interaction_weight: number;
  active_mask: number;
  last_active_day: number | null;
}

export interface ValueModelsTable {
  workspace_id: number;
  version: number;
  config: Json<ValueModelConfig>;
  created_by: string;
  created_at: CreatedAt;
}

/** A value model's settings (scoring/value-model.schema.ts validates them). */
export type ValueModelConfig = {
  weights: { consumption: number; interaction: number; content: number; social: number };
  super_user_share: number;
  second_tier_share: number;
  koc: { min_score: number; min_lead_over_consumption: number };
  activity_days: { very_active: number; active: number; occasional: number };
};

export interface ScoringRunsTable {
  workspace_id: number;
  id: Generated<number>;
  model_version: number;
  status: 'running' | 'done' | 'failed';
  step: Generated<string>;
  progress: Generated<number>;
  as_of: Timestamp;
  cutoffs: Json<unknown> | null;
  customers: number | null;
  failure: string | null;
  actor: string;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface CustomerScoresTable {
  workspace_id: number;
  customer_id: number;
  run_id: number;
  model_version: number;
  r: number;
  f: number;
  m: number;
  /** Quintile of expected lifetime value among buyers, 1–5; 0 for non-buyers or without a lifetime fit. */
  v: Generated<number>;
  rfm_group: string;
  consumption: number;
  interaction: number;
  content: number;
  social: number;
  total: number;
  koc: number;
  band: 'super_user' | 'second_tier' | 'other';
  koc_candidate: boolean;
  scored_at: Timestamp;
}

export interface CustomerTagsTable {
  workspace_id: number;
  customer_id: number;
  tag: string;
  source: 'activity' | 'channel' | 'rule' | 'manual';
  since: Timestamp;
  reason: Json<Record<string, unknown>>;
}

/** Customers a committed batch left to refresh (migration 0008); each of `parts` is an UpkeepPart bit set. */
export interface UpkeepQueueTable {
  id: Generated<number>;
  workspace_id: number;
  customer_ids: number[];
  parts: number[];
  first_event: number | null;
  last_event: number | null;
}

/** Items of an item file waiting for their order (migration 0004). */
export interface PendingOrderItemsTable {
  workspace_id: number;
  source: string;
  order_id: string;
  items: Json<OrderItem[]>;
  import_id: number;
  received_at: CreatedAt;
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

/** A saved filter (segments/filter.schema.ts validates `filter`); migration 0006. */
export interface SegmentsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  filter: Json<unknown>;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A tag whose customers are those its filter selects (`rule:<name>`); migration 0006. */
export interface TagRulesTable {
  workspace_id: number;
  id: Generated<number>;
  tag: string;
  name: string;
  filter: Json<unknown>;
  version: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
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
  contents: ContentsTable;
  customer_stats: CustomerStatsTable;
  value_models: ValueModelsTable;
  scoring_runs: ScoringRunsTable;
  customer_scores: CustomerScoresTable;
  customer_tags: CustomerTagsTable;
  pending_order_items: PendingOrderItemsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  segments: SegmentsTable;
  tag_rules: TagRulesTable;
  upkeep_queue: UpkeepQueueTable;
}
