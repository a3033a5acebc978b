import { parseArgs } from 'node:util';
import { AppError, createApiKey, getWorkspace, listApiKeys, revokeApiKey } from '@hatchery/core';
import { withDb } from '../with-db.ts';

export async function runKey(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, unmask: { type: 'boolean', default: false } },
  });
  const [action, slug, id] = positionals;
  if (!slug) {
    throw new AppError('invalid_request', 'usage: hatchery key create|list|revoke <workspace> [key-id]');
  }
  await withDb(async (db, config) => {
    const workspace = await getWorkspace(db, config.masterSecret, slug);
    if (action === 'create') {
      const created = await createApiKey(db, workspace, {
        name: values.name ?? 'cli',
        canUnmask: values.unmask,
        actor: 'cli',
      });
      console.log(`API key ${created.id} for ${slug} (shown once, keep it safe):\n${created.key}`);
    } else if (action === 'list') {
      for (const k of await listApiKeys(db, workspace)) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active';
        console.log(`${k.id}\t${k.prefix}…\t${k.name}\t${k.can_unmask ? 'may unmask' : 'masked'}\t${state}`);
      }
    } else if (action === 'revoke' && id && /^\d+$/.test(id)) {
      await revokeApiKey(db, workspace, Number(id), 'cli');
      console.log(`revoked API key ${id} of ${slug}`);
    } else {
      throw new AppError('invalid_request', 'usage: hatchery key create|list|revoke <workspace> [key-id]');
    }
  });
}
