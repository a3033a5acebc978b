import { z } from 'zod';
import { SHOPS } from '../../events/event.schema.ts';
import { IDENTITY_KINDS, SCOPED } from '../../identities/identity.schema.ts';

/**
 * The mapping file of the generic format (GENERIC-MAPPING.md), validated: which header holds which
 * event field, per kind of event. Refinements make every mistake a readable line.
 */
export const MESSAGE_TYPES = ['text', 'image', 'voice', 'video', 'link', 'emoji', 'other'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const MAX_IDENTITIES = 20;

const header = z
  .string({ error: 'must be a header name (text)' })
  .trim()
  .min(1, { error: 'must be a header name, not empty' })
  .max(128, { error: 'is too long for a header name (128 characters at most)' });

const constant = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'is too long (128 characters at most)' });

const statusList = z
  .array(z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }), {
    error: 'must be a list of status texts',
  })
  .min(1, { error: 'must list at least one status' })
  .max(100);

const IdentityColumnSchema = z
  .object({
    kind: z.enum(IDENTITY_KINDS, {
      error: (issue) =>
        `unknown identity kind ${JSON.stringify(issue.input)}; expected one of ${IDENTITY_KINDS.join(', ')}`,
    }),
    column: header,
    scope: constant.optional(),
  })
  .strict()
  .superRefine((identity, ctx) => {
    if (SCOPED.has(identity.kind) && identity.scope === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope'],
        message: `${identity.kind} needs a scope (the app or shop id its values belong to)`,
      });
    }
    if (
      !SCOPED.has(identity.kind) &&
      identity.kind !== 'wecom_external_userid' &&
      identity.scope !== undefined
    ) {
      ctx.addIssue({ code: 'custom', path: ['scope'], message: `${identity.kind} takes no scope` });
    }
  });

const identities = z
  .array(IdentityColumnSchema, { error: 'must be a list of { "kind", "column" } entries' })
  .min(1, { error: 'must map at least one identity column (who the row is about)' })
  .max(MAX_IDENTITIES, { error: `maps more than ${MAX_IDENTITIES} identity columns` });

/** A header that must be mapped; `what` says what it is when it is missing. */
const required = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? what : 'must be a header name (text)') })
    .trim()
    .min(1, { error: 'must be a header name, not empty' })
    .max(128, { error: 'is too long for a header name (128 characters at most)' });

/** One of two ways to give a value, a column or a constant: exactly one unless `optional`. */
function oneOf(ctx: z.core.$RefinementCtx, present: readonly [string, unknown][], optional = false): void {
  const given = present.filter(([, value]) => value !== undefined).map(([key]) => key);
  const names = present.map(([key]) => `"${key}"`).join(' or ');
  if (given.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [given[1]!],
      message: `give only one of ${names}, not ${given.map((g) => `"${g}"`).join(' and ')}`,
    });
  } else if (given.length === 0 && !optional) {
    ctx.addIssue({ code: 'custom', path: [present[0]![0]], message: `map ${names}` });
  }
}

const OrderColumnsSchema = z
  .object({
    identities,
    order_id: required('is required: the header of the order number column'),
    paid_at: required('is required: the header of the payment time column'),
    amount: required('is required: the header of the paid amount column (in yuan)'),
    shop: header.optional(),
    shop_value: z
      .enum(SHOPS, {
        error: (issue) => `unknown shop ${JSON.stringify(issue.input)}; expected one of ${SHOPS.join(', ')}`,
      })
      .optional(),
    refund_amount: header.optional(),
    status: header.optional(),
    paid_statuses: statusList.optional(),
    skip_statuses: statusList.optional(),
    item_name: header.optional(),
    item_sku: header.optional(),
    item_quantity: header.optional(),
    item_price: header.optional(),
  })
  .strict()
  .superRefine((columns, ctx) => {
    oneOf(ctx, [
      ['shop', columns.shop],
      ['shop_value', columns.shop_value],
    ]);
    const lists = columns.paid_statuses !== undefined || columns.skip_statuses !== undefined;
    if (columns.status !== undefined && !lists) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'give "paid_statuses" and/or "skip_statuses" to say what the status column means',
      });
    }
    if (columns.status === undefined && lists) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: '"paid_statuses" and "skip_statuses" need the "status" column',
      });
    }
    const itemMapped =
      columns.item_sku !== undefined ||
      columns.item_quantity !== undefined ||
      columns.item_price !== undefined;
    if (itemMapped && columns.item_name === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['item_name'],
        message: 'item columns need "item_name" (and "item_price")',
      });
    }
    if (columns.item_name !== undefined && columns.item_price === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['item_price'],
        message: 'is required with "item_name": the header of the unit price column (in yuan)',
      });
    }
  });

const LinkColumnsSchema = z
  .object({
    identities,
    linked_at: required('is required: the header of the time the identities were seen together'),
  })
  .strict();

const CommunityJoinColumnsSchema = z
  .object({
    identities,
    joined_at: required('is required: the header of the join time column'),
    community_id: header.optional(),
    community_id_value: constant.optional(),
    community_name: header.optional(),
    community_name_value: constant.optional(),
  })
  .strict()
  .superRefine((columns, ctx) => {
    oneOf(
      ctx,
      [
        ['community_id', columns.community_id],
        ['community_id_value', columns.community_id_value],
      ],
      true,
    );
    oneOf(
      ctx,
      [
        ['community_name', columns.community_name],
        ['community_name_value', columns.community_name_value],
      ],
      true,
    );
    if (
      [
        columns.community_id,
        columns.community_id_value,
        columns.community_name,
        columns.community_name_value,
      ].every((v) => v === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['community_id'],
        message:
          'map the community: "community_id" or "community_name" (columns), or "community_id_value" or "community_name_value" (constants)',
      });
    }
  });

const MessageColumnsSchema = z
  .object({
    identities,
    sent_at: required('is required: the header of the time the message was sent'),
    community_id: header.optional(),
    community_id_value: constant.optional(),
    message_type: header.optional(),
    message_types: z
      .record(
        z.string().trim().min(1),
        z.enum(MESSAGE_TYPES, {
          error: (issue) =>
            `unknown message type ${JSON.stringify(issue.input)}; expected one of ${MESSAGE_TYPES.join(', ')}`,
        }),
      )
      .optional(),
    text: header.optional(),
  })
  .strict()
  .superRefine((columns, ctx) => {
    oneOf(ctx, [
      ['community_id', columns.community_id],
      ['community_id_value', columns.community_id_value],
    ]);
    if (columns.message_types !== undefined && columns.message_type === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['message_types'],
        message: '"message_types" needs the "message_type" column',
      });
    }
  });

const base = {
  name: z
    .string({ error: 'must be the name of the mapping (text)' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(64, { error: 'is too long (64 characters at most)' }),
  // At most 20 characters, so that `<source>-refund-<order id>` fits an event id.
  source: z
    .string({ error: 'must be the event source, a lowercase id such as "crm"' })
    .regex(/^[a-z0-9][a-z0-9._:-]{0,19}$/, {
      error: 'must be a lowercase id of at most 20 characters (a-z, 0-9, . _ : -), such as "crm"',
    }),
};

export const MappingSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ ...base, kind: z.literal('order'), columns: OrderColumnsSchema }).strict(),
    z.object({ ...base, kind: z.literal('identity_link'), columns: LinkColumnsSchema }).strict(),
    z.object({ ...base, kind: z.literal('community_join'), columns: CommunityJoinColumnsSchema }).strict(),
    z.object({ ...base, kind: z.literal('message'), columns: MessageColumnsSchema }).strict(),
  ],
  { error: 'kind must be one of order, identity_link, community_join, message' },
);

export type Mapping = z.infer<typeof MappingSchema>;
export type IdentityColumn = z.infer<typeof IdentityColumnSchema>;

/** A mapping file's content checked, or what is wrong with it, one readable line per issue. */
export function parseMapping(
  json: unknown,
): { ok: true; mapping: Mapping } | { ok: false; issues: string[] } {
  const parsed = MappingSchema.safeParse(json);
  if (parsed.success) {
    return { ok: true, mapping: parsed.data };
  }
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message;
    return path === '' ? message : `${path}: ${message}`;
  });
  return { ok: false, issues };
}
