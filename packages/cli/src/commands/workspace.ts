import { parseArgs } from 'node:util';
import { AppError, createWorkspace, listWorkspaces } from '@hatchery/core';
import { withDb } from '../with-db.ts';

export async function runWorkspace(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, 'time-zone': { type: 'string' } },
  });
  const [action, slug] = positionals;
  if (action === 'create' && slug) {
    const ws = await withDb((db, config) =>
      createWorkspace(db, config.masterSecret, { slug, name: values.name, timeZone: values['time-zone'] }),
    );
    console.log(`created workspace ${ws.slug} (id ${ws.id}, time zone ${ws.timeZone})`);
    return;
  }
  if (action === 'list') {
    const rows = await withDb((db) => listWorkspaces(db));
    for (const w of rows) {
      console.log(`${w.slug}\t${w.name}\t${w.time_zone}\tcreated ${w.created_at.toISOString()}`);
    }
    return;
  }
  throw new AppError('invalid_request', 'usage: hatchery workspace create <slug> | hatchery workspace list');
}
