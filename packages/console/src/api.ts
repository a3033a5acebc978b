/** The console talks only to the HTTP API, with the session cookie; changes carry the CSRF header. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.method && init.method !== 'GET') {
    headers.set('x-hatchery-request', '1');
  }
  if (typeof init.body === 'string') {
    headers.set('content-type', 'application/json');
  }
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'internal', error?.message ?? res.statusText);
  }
  return body as T;
}

export type Me = {
  workspace: { slug: string; name: string; time_zone: string };
  operator: { login: string; display_name: string } | null;
  role: string;
  permissions: string[];
};

export type CustomerSummary = {
  id: number;
  main_kind: string | null;
  main_masked: string | null;
  identities: number;
  shops: string[];
  orders: number;
  paid_fen: number;
  /** As of the last scoring run; null before the workspace's first. */
  total: number | null;
  band: string | null;
  rfm_group: string | null;
  consumption: number | null;
  interaction: number | null;
  content: number | null;
  social: number | null;
  koc_candidate: boolean | null;
  tags: string[];
};

export type Customer360 = {
  id: number;
  requested_id: number;
  created_at: string;
  identities: { id: number; kind: string; scope: string | null; value: string; first_seen_at: string }[];
  shops: {
    shop: string;
    orders: number;
    paid_fen: number;
    refunded_fen: number;
    net_fen: number;
    last_paid_at: string | null;
  }[];
  totals: { orders: number; paid_fen: number; refunded_fen: number };
  orders: {
    shop: string;
    order_id: string;
    paid_at: string | null;
    paid_fen: number;
    refunded_fen: number;
    status: string;
  }[];
  communities: {
    id: string;
    name: string;
    joined_at: string | null;
    left_at: string | null;
    member: boolean;
  }[];
  timeline: { events: TimelineEvent[]; next_cursor: string | null };
  merges: {
    id: number;
    reason: string;
    from_customer_id: number;
    to_customer_id: number;
    identity_ids: number[];
    record: { source: string; event_id: string } | null;
    undo_of: number | null;
    undone_at: string | null;
    created_at: string;
  }[];
};

export type TimelineEvent = {
  id: number;
  kind: string;
  source: string;
  occurred_at: string;
  properties: Record<string, unknown>;
};

export type ImportState = {
  id: number;
  file_name: string;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  progress: number;
  format: string | null;
  /** Why it failed, in English, and in Chinese (null for failures stored before the Chinese was kept). */
  failure: string | null;
  failure_zh: string | null;
  summary: {
    rows_read?: number;
    rows_imported?: number;
    rows_rejected?: number;
    rows_skipped?: number;
    orders?: number;
    customers_before?: number;
    customers_after?: number;
    merges?: number;
    /** Item files: orders whose items were attached, and those whose order is not imported yet. */
    order_items_attached?: number;
    order_items_waiting?: number;
    /** Orders whose items were not attached (first 50); the Chinese is absent in older imports. */
    order_items_problems?: { order_id: string; code?: string; reason: string; reason_zh?: string }[];
    /** Largest first; imports made before reasons had codes have none. */
    reasons?: ReasonCount[];
  };
};

export type ReasonCount = {
  kind: 'rejected' | 'skipped';
  code: string;
  column: string | null;
  count: number;
  example: { en: string; zh: string };
};

export type ImportProblem = {
  line: number;
  kind: string;
  column: string | null;
  code: string | null;
  reason: string;
  reason_zh: string | null;
};
