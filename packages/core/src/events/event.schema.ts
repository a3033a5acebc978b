import { z } from 'zod';
import { IdentityInputSchema } from '../identities/identity.schema.ts';

/** Shops an order can come from (DESIGN.md glossary). */
export const SHOPS = ['taobao', 'tmall', 'jd', 'youzan', 'miniapp', 'douyin', 'pdd', 'store'] as const;
export type Shop = (typeof SHOPS)[number];

export const MAX_BATCH = 1000;

const id = z.string().min(1).max(128);
const fen = z.number().int().min(0).max(1e12);
const count = z.number().int().min(0).max(1e12);

const OrderItemSchema = z
  .object({
    sku: z.string().max(128).optional(),
    name: z.string().min(1).max(256),
    quantity: z.number().int().min(1).max(100000),
    price_fen: fen,
  })
  .strict();

/** Kind-specific properties. Chat text is not accepted: only its length matters and it is personal. */
export const PropertySchemas = {
  'order.paid': z
    .object({
      shop: z.enum(SHOPS),
      order_id: id,
      amount_fen: fen,
      items: z.array(OrderItemSchema).max(200).default([]),
    })
    .strict(),
  // The line items of an order, told apart from its payment: some shops export them in a file of
  // their own without the buyer or the amount (Taobao's ExportOrderDetailList), so they arrive
  // after or before the order.paid, which has been sent without items. They replace the order's
  // items; the order's payment and customer are left as they are.
  'order.items': z
    .object({ shop: z.enum(SHOPS), order_id: id, items: z.array(OrderItemSchema).min(1).max(200) })
    .strict(),
  'order.refunded': z
    .object({ shop: z.enum(SHOPS), order_id: id, refund_id: id.optional(), amount_fen: fen.min(1) })
    .strict(),
  'community.joined': z
    .object({
      community_id: id,
      community_name: z.string().min(1).max(128).optional(),
      via: z.enum(['package_card', 'qr_code', 'invitation', 'search', 'other']).optional(),
    })
    .strict(),
  'community.left': z.object({ community_id: id, reason: z.enum(['left', 'removed']).optional() }).strict(),
  'message.sent': z
    .object({
      community_id: id,
      message_type: z.enum(['text', 'image', 'voice', 'video', 'link', 'emoji', 'other']).default('text'),
      length: count.optional(),
    })
    .strict(),
  pat: z.object({ community_id: id, target: IdentityInputSchema }).strict(),
  checkin: z.object({ activity_id: id.optional(), community_id: id.optional() }).strict(),
  share: z.object({ content_id: id.optional(), channel: z.string().min(1).max(64).optional() }).strict(),
  'questionnaire.submitted': z
    .object({
      questionnaire_id: id,
      answers: z.record(
        z.string().max(128),
        z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(256)).max(50)]),
      ),
    })
    .strict(),
  'content.published': z
    .object({
      content_id: id,
      platform: z.enum(['xhs', 'douyin', 'wechat_moments', 'weibo', 'community', 'other']),
      title: z.string().max(256).optional(),
      url: z.url().max(2048).optional(),
    })
    .strict(),
  'content.metrics': z
    .object({
      content_id: id,
      exposure: count,
      likes: count.default(0),
      comments: count.default(0),
      saves: count.default(0),
      shares: count.default(0),
    })
    .strict(),
  referral: z.object({ invitee: IdentityInputSchema, campaign_id: id.optional() }).strict(),
  'identity.linked': z
    .object({
      via: z.enum(['package_card', 'oauth', 'form', 'operator', 'other']).optional(),
      shop: z.enum(SHOPS).optional(),
      order_id: id.optional(),
    })
    .strict(),
} as const;

export type EventKind = keyof typeof PropertySchemas;
export const EVENT_KINDS = Object.keys(PropertySchemas) as EventKind[];

export const EventEnvelopeSchema = z
  .object({
    id,
    kind: z.enum(EVENT_KINDS as [EventKind, ...EventKind[]]),
    occurred_at: z.iso.datetime({ offset: true }),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/)
      .default('api'),
    identities: z.array(IdentityInputSchema).min(1).max(20),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

export type EventInput = z.input<typeof EventEnvelopeSchema>;
