import { z } from 'zod';

/** Every kind of identifier Hatchery can match a customer on. */
export const IDENTITY_KINDS = [
  'phone',
  'wechat_unionid',
  'wechat_openid',
  'wecom_external_userid',
  /** A personal WeChat account id, the only sender id group-chat exports carry. */
  'wechat_wxid',
  'taobao_nick',
  'jd_pin',
  'youzan_uid',
  'douyin_id',
  'xhs_id',
  'email',
  'shop_buyer_id',
] as const;

export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/**
 * Kinds of which one person has exactly one value (per scope): a profile holding two different
 * unionids is two people, so a record that would create one is a merge conflict, not a merge.
 */
export const UNIQUE_PER_PERSON: ReadonlySet<IdentityKind> = new Set([
  'wechat_unionid',
  'wechat_openid',
  'wecom_external_userid',
]);

/** Kinds whose values only mean something within a scope (an app, a shop). */
export const SCOPED: ReadonlySet<IdentityKind> = new Set(['wechat_openid', 'shop_buyer_id']);

export const IdentityInputSchema = z
  .object({
    kind: z.enum(IDENTITY_KINDS),
    value: z.string().min(1).max(256),
    scope: z.string().min(1).max(128).optional(),
  })
  .strict()
  .superRefine((identity, ctx) => {
    if (SCOPED.has(identity.kind) && identity.scope === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope'],
        message: `${identity.kind} needs a scope (app or shop id)`,
      });
    }
    if (
      !SCOPED.has(identity.kind) &&
      identity.scope !== undefined &&
      identity.kind !== 'wecom_external_userid'
    ) {
      ctx.addIssue({ code: 'custom', path: ['scope'], message: `${identity.kind} takes no scope` });
    }
  });

export type IdentityInput = z.infer<typeof IdentityInputSchema>;

/** An identity after normalisation: the value is canonical and `key` is what hashing sees. */
export type NormalisedIdentity = Readonly<{
  kind: IdentityKind;
  scope: string;
  value: string;
  /** False for masked values and platform ciphertext: kept for display, never matched. */
  matchable: boolean;
}>;
