import { deriveWorkspaceKeys, type WorkspaceKeys } from '../shared/crypto.ts';

/** A workspace as services see it: who it is, its business time zone, and its derived keys. */
export type Workspace = Readonly<{
  id: number;
  slug: string;
  name: string;
  timeZone: string;
  keys: WorkspaceKeys;
}>;

export function toWorkspace(
  row: { id: number; slug: string; name: string; time_zone: string; key_salt: Uint8Array },
  masterSecret: Buffer,
): Workspace {
  return Object.freeze({
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    keys: deriveWorkspaceKeys(masterSecret, Buffer.from(row.key_salt)),
  });
}

/** Where a workspace keeps its business days unless told otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * An IANA zone name as the runtime knows it (Intl's canonical names, and UTC). The database
 * computes business days in the zone too, so a change also asks it (workspaces.queries.ts).
 */
export function isTimeZone(name: string): boolean {
  return name === 'UTC' || Intl.supportedValuesOf('timeZone').includes(name);
}
