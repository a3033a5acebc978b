/**
 * Who may do what. One table, read by the server before it calls a use case and by the console
 * to hide what a role cannot use; README.md shows the same matrix.
 */
export const ROLES = ['admin', 'operator', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Search, list and read customers (identities masked), the overview, merge conflicts. */
  'customers.read',
  /** See identities unmasked; every unmask is audited. */
  'customers.unmask',
  /** Undo a merge. */
  'merges.undo',
  /** Read imports and their reports. */
  'imports.read',
  /** Upload shop exports. */
  'imports.create',
  /** Send events through the API. */
  'events.write',
  /** Start a rescoring of the workspace. */
  'scores.rescore',
  /**
   * Change the workspace's settings: the value model (weights, bands, KOC rule, activity thresholds)
   * and the tag rules (a rule retags the whole workspace, so it is a setting, not a daily action).
   */
  'settings.manage',
  /** Save, edit and delete segments (saved filters); reading and counting them is customers.read. */
  'segments.manage',
  /** Add and remove manual tags on a customer (audited, with a note). */
  'customers.tag',
  /** Export a segment's customers or the filtered customer list as CSV or XLSX (identities masked; audited). */
  'customers.export',
  /** Read the audit log. */
  'audit.read',
  /** Create and manage operators. */
  'operators.manage',
  /**
   * List, create and revoke the workspace's API keys. Admins only, and never an API key itself:
   * a leaked key must not be able to mint others or revoke the brand's real integrations.
   */
  'apikeys.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: readonly Permission[] = ['customers.read', 'imports.read'];
/** Analysts build and export segments: aggregate work that never shows personal data unmasked. */
const ANALYSE: readonly Permission[] = [...READ, 'segments.manage', 'customers.export'];
const CHANGE_DATA: readonly Permission[] = [
  ...ANALYSE,
  'imports.create',
  'merges.undo',
  'events.write',
  'scores.rescore',
  'customers.tag',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  admin: PERMISSIONS,
  // Operators work with customers every day (a customer on the phone): they may unmask, audited.
  operator: [...CHANGE_DATA, 'customers.unmask'],
  // Analysts read everything in aggregate, save and export segments; personal data stays masked.
  // They do not tag customers one by one: that is an operator's judgement about a person.
  analyst: ANALYSE,
  viewer: READ,
});

/**
 * API keys are the brand's own integrations: they change data and settings (a brand scripts its
 * value model), but never read the audit log, manage operators or manage API keys.
 */
export function apiKeyPermissions(canUnmask: boolean): readonly Permission[] {
  const keys: readonly Permission[] = [...CHANGE_DATA, 'settings.manage'];
  return canUnmask ? [...keys, 'customers.unmask'] : keys;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
