import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../shared/errors.ts';

/**
 * PGlite lets one process own a data folder; a second one would corrupt it. The owner writes
 * its pid into `owner.lock`; a lock whose process is gone is stale and taken over.
 */
export function claimDataDir(dataDir: string, owner: string): () => void {
  const file = join(dataDir, 'owner.lock');
  try {
    writeFileSync(file, JSON.stringify({ pid: process.pid, owner }), { flag: 'wx' });
  } catch {
    const held = readLock(file);
    if (held && held.pid !== process.pid && isAlive(held.pid)) {
      throw new AppError(
        'data_dir_in_use',
        `${dataDir} is in use by ${held.owner} (pid ${held.pid}); stop it first, or point DATABASE_URL at PostgreSQL`,
      );
    }
    writeFileSync(file, JSON.stringify({ pid: process.pid, owner }));
  }
  return () => rmSync(file, { force: true });
}

function readLock(file: string): { pid: number; owner: string } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; owner: string };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
