import type { z } from 'zod';
import { type IdentityInput, type IdentityKind, UNIQUE_PER_PERSON } from '../identities/identity.schema.ts';
import { maskIdentity, matchKey, normaliseIdentity } from '../identities/normalise-identity.ts';
import { keyedHash, sha256 } from '../shared/crypto.ts';
import { EventEnvelopeSchema, type EventKind, PropertySchemas } from './event.schema.ts';

/**
 * An identity ready for matching and storage: `key` is its keyed hash in hex. `value` is
 * plaintext: it is only ever encrypted.
 */
export type PreparedIdentity = Readonly<{
  kind: IdentityKind;
  scope: string;
  value: string;
  masked: string;
  key: string;
  slot: string | null;
}>;

export type PreparedEvent = Readonly<{
  index: number;
  source: string;
  eventId: string;
  kind: EventKind;
  occurredAt: Date;
  identities: readonly PreparedIdentity[];
  properties: Record<string, unknown>;
  /** SHA-256 of the normalised body, in hex. */
  bodyHash: string;
}>;

export type FieldError = { path: string; message: string };

export type PrepareResult =
  | { ok: true; event: PreparedEvent }
  | { ok: false; index: number; id: string | undefined; errors: FieldError[] };

const MAX_FUTURE_MS = 24 * 3600 * 1000;
const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * Validates one raw event and brings it to its stored form: identities normalised and
 * hashed with the workspace key, properties checked against the kind's schema, and a hash
 * of the whole normalised body so a resend can be told apart from a different event.
 */
export function prepareEvent(raw: unknown, index: number, hmacKey: Buffer, now: Date): PrepareResult {
  const rawId = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined;
  const id = typeof rawId === 'string' ? rawId : undefined;
  const reject = (errors: FieldError[]): PrepareResult => ({ ok: false, index, id, errors });

  const envelope = EventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return reject(fieldErrors(envelope.error.issues));
  }
  const e = envelope.data;
  const props = PropertySchemas[e.kind].safeParse(e.properties);
  if (!props.success) {
    return reject(fieldErrors(props.error.issues, 'properties'));
  }
  const occurredAt = new Date(e.occurred_at);
  if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
    return reject([{ path: 'occurred_at', message: 'is more than 24 hours in the future' }]);
  }
  if (occurredAt.getTime() < EARLIEST) {
    return reject([{ path: 'occurred_at', message: 'is before 2000-01-01' }]);
  }

  const identities: PreparedIdentity[] = [];
  const errors: FieldError[] = [];
  e.identities.forEach((input, i) => {
    const prepared = prepareIdentity(input, hmacKey);
    if (typeof prepared === 'string') {
      errors.push({ path: `identities.${i}.value`, message: prepared });
    } else if (prepared !== null) {
      identities.push(prepared);
    }
  });
  if (errors.length === 0 && identities.length === 0) {
    errors.push({
      path: 'identities',
      message: 'no matchable identity (masked or encrypted values never match)',
    });
  }
  const properties = storedProperties(props.data as Record<string, unknown>, hmacKey, errors);
  if (errors.length > 0) {
    return reject(errors);
  }

  const bodyHash = sha256(
    canonicalJson({
      kind: e.kind,
      occurred_at: occurredAt.toISOString(),
      identities: identities.map((i) => i.key).sort(),
      properties,
    }),
  ).toString('hex');
  return {
    ok: true,
    event: {
      index,
      source: e.source,
      eventId: e.id,
      kind: e.kind,
      occurredAt,
      identities,
      properties,
      bodyHash,
    },
  };
}

/** A prepared identity, null when it can never match (masked, ciphertext), or a reason it is invalid. */
export function prepareIdentity(input: IdentityInput, hmacKey: Buffer): PreparedIdentity | null | string {
  const memo = memoFor(hmacKey);
  const memoKey = `${input.kind}\u0000${input.scope ?? ''}\u0000${input.value}`;
  let prepared = memo.get(memoKey);
  if (prepared === undefined) {
    prepared = prepareIdentityAfresh(input, hmacKey);
    if (memo.size >= MEMO_ENTRIES) {
      memo.clear();
    }
    memo.set(memoKey, prepared);
  }
  return prepared;
}

function prepareIdentityAfresh(input: IdentityInput, hmacKey: Buffer): PreparedIdentity | null | string {
  const normalised = normaliseIdentity(input);
  if (!normalised.ok) {
    return normalised.reason;
  }
  const n = normalised.identity;
  if (!n.matchable) {
    return null;
  }
  return {
    kind: n.kind,
    scope: n.scope,
    value: n.value,
    masked: maskIdentity(n.kind, n.value),
    key: keyedHash(hmacKey, matchKey(n)),
    slot: UNIQUE_PER_PERSON.has(n.kind) ? `${n.kind}/${n.scope}` : null,
  };
}

/**
 * Prepared identities by workspace key and input, because the same people come back batch
 * after batch and normalising, masking and keyed hashing were a fifth of what preparing an event
 * cost. Bounded (a full memo is dropped, as are all of them past a few workspaces), and only
 * ever in this process's memory, as the values are anyway while their batch is prepared. 10,000
 * entries serve 72 % of the demo brand's identities; 50,000 served 83 % but added 40 MB to the
 * peak memory of an import, whose buyers rarely recur within a file.
 */
const MEMO_ENTRIES = 10_000;
const MEMO_WORKSPACES = 8;
const memos = new Map<string, Map<string, PreparedIdentity | null | string>>();

function memoFor(hmacKey: Buffer): Map<string, PreparedIdentity | null | string> {
  const id = hmacKey.toString('hex');
  let memo = memos.get(id);
  if (memo === undefined) {
    if (memos.size >= MEMO_WORKSPACES) {
      memos.clear();
    }
    memo = new Map();
    memos.set(id, memo);
  }
  return memo;
}

// Another person's identity inside properties (a pat's target, a referral's invitee) is kept
// only as its keyed hash and masked form: events hold no personal data in the clear.
function storedProperties(props: Record<string, unknown>, hmacKey: Buffer, errors: FieldError[]) {
  const out: Record<string, unknown> = { ...props };
  for (const field of ['target', 'invitee']) {
    const input = props[field] as IdentityInput | undefined;
    if (input === undefined) {
      continue;
    }
    const prepared = prepareIdentity(input, hmacKey);
    if (typeof prepared === 'string') {
      errors.push({ path: `properties.${field}.value`, message: prepared });
    } else {
      out[field] =
        prepared === null
          ? { kind: input.kind, masked: input.value }
          : { kind: prepared.kind, scope: prepared.scope, key: prepared.key, masked: prepared.masked };
    }
  }
  return out;
}

function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldError[] {
  return issues.map((issue) => ({
    path:
      [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || '(event)',
    message: issue.message,
  }));
}

/**
 * JSON with sorted keys, so equal bodies hash equally whatever order their keys came in. Stored
 * events' hashes depend on this exact text (prepare-event.test.ts pins one): built in one pass,
 * as it is a large part of preparing an event.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      // As Array.prototype.join does, an element JSON cannot write is left empty.
      out += `${i > 0 ? ',' : ''}${canonicalJson(value[i]) ?? ''}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) {
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
    }
  }
  return `${out}}`;
}
