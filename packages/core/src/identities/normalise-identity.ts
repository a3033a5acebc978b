import type { IdentityInput, IdentityKind, NormalisedIdentity } from './identity.schema.ts';

/** Why a value is no identity: nothing left after trimming, not the kind's form, or an id with spaces in it. */
export type NormaliseProblem = 'empty' | 'malformed' | 'whitespace';

export type NormaliseResult =
  | { ok: true; identity: NormalisedIdentity }
  | { ok: false; problem: NormaliseProblem; reason: string };

// Mainland mobile numbers: 11 digits starting 13–19, with an optional +86/0086/86 prefix.
const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Brings a value to the one form matching compares, so '+86 138-0013-8000' and
 * '13800138000' are the same phone. Masked values ('138****8000', 't**1') and platform
 * ciphertext placeholders ('##…', '$$…') are kept but marked unmatchable.
 */
export function normaliseIdentity(input: IdentityInput): NormaliseResult {
  const scope = input.scope?.trim() ?? '';
  const raw = input.value.normalize('NFKC').trim();
  if (raw === '') {
    return { ok: false, problem: 'empty', reason: 'value is empty' };
  }
  const matchable = !(raw.includes('*') || raw.startsWith('##') || raw.startsWith('$$'));
  const value = matchable ? canonical(input.kind, raw) : raw;
  if (value === null) {
    return input.kind === 'phone' || input.kind === 'email'
      ? { ok: false, problem: 'malformed', reason: `not a valid ${input.kind}` }
      : { ok: false, problem: 'whitespace', reason: `a ${input.kind} has no spaces in it` };
  }
  return { ok: true, identity: { kind: input.kind, scope, value, matchable } };
}

function canonical(kind: IdentityKind, raw: string): string | null {
  switch (kind) {
    case 'phone': {
      const digits = raw.replace(/[\s\-()]/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
      return MOBILE.test(digits) ? digits : null;
    }
    case 'email': {
      const lower = raw.toLowerCase();
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(lower) ? lower : null;
    }
    default:
      // Platform ids are case-sensitive (openids, nicks); only stray whitespace goes.
      return /\s/.test(raw) && kind !== 'taobao_nick' ? null : raw;
  }
}

/** The text hashed for matching: kind and scope are part of it, so equal values of different kinds never meet. */
export function matchKey(identity: NormalisedIdentity): string {
  return `${identity.kind}\u0000${identity.scope}\u0000${identity.value}`;
}

/** What a caller without unmask rights sees: 138****8000, ab***yz, a***@example.com. */
export function maskIdentity(kind: IdentityKind, value: string): string {
  if (value.includes('*')) {
    return value;
  }
  const chars = [...value];
  if (kind === 'phone' && chars.length === 11) {
    return `${value.slice(0, 3)}****${value.slice(7)}`;
  }
  if (kind === 'email') {
    const at = value.indexOf('@');
    return `${value.slice(0, 1)}***${value.slice(at)}`;
  }
  if (chars.length <= 2) {
    return `${chars[0]}*`;
  }
  const keep = chars.length >= 12 ? 4 : 1;
  return `${chars.slice(0, keep).join('')}***${chars.slice(-keep).join('')}`;
}
