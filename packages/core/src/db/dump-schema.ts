import { writeFileSync } from 'node:fs';
import { createDb } from './create-db.ts';
import { describeSchema } from './describe-schema.ts';
import { migrateToLatest } from './migrate.ts';

/** `npm run db:dump`: migrate an empty in-memory database and write schema.sql beside this file. */
const handle = await createDb({ dataDir: 'memory://' });
await migrateToLatest(handle.db as never);
const target = new URL('./schema.sql', import.meta.url);
writeFileSync(target, await describeSchema(handle.db));
await handle.close();
console.log(`wrote ${target.pathname}`);
