import { existsSync, mkdirSync, openAsBlob, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * An empty PGlite cluster, just initialised, as the tarball `dumpDataDir` writes. A new embedded
 * database starts from a copy of it instead of running initdb, which PGlite does in a second
 * WebAssembly instance: ≈ 4 s on disk and 2.5 s in memory, against ≈ 1 s to unpack the copy.
 * That is most of the first start's database set-up and of every PGlite test file's.
 *
 * The image is made once per PGlite version (at `npm install`, or by the first process that
 * needs it) and kept in `node_modules/.cache/hatchery`; a process that cannot write there keeps
 * it in memory. Copies of one cluster share its system identifier, which nothing here reads.
 */
let image: Promise<Blob> | undefined;

export function emptyClusterImage(): Promise<Blob> {
  image ??= readOrMake();
  return image;
}

/** Whether a PGlite data directory holds no cluster yet (PGlite refuses to unpack over one). */
export function isEmptyDataDir(dataDir: string): boolean {
  return dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'PG_VERSION'));
}

async function readOrMake(): Promise<Blob> {
  const file = imageFile();
  if (existsSync(file)) {
    return openAsBlob(file);
  }
  const pglite = await PGlite.create('memory://');
  const made = await pglite.dumpDataDir('none');
  await pglite.close();
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Written aside and renamed, so that a process reading the image never sees half of it.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, new Uint8Array(await made.arrayBuffer()));
    renameSync(partial, file);
    // Read from the file when needed, rather than held in this process's memory.
    return openAsBlob(file);
  } catch (error) {
    console.warn(`PGlite cluster image not cached, made again by the next process: ${String(error)}`);
    return made;
  }
}

/** `node_modules/.cache/hatchery/pglite-<version>.tar`, beside the installed PGlite. */
function imageFile(): string {
  // …/node_modules/@electric-sql/pglite/dist/index.js
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return join(dirname(dirname(packageDir)), '.cache', 'hatchery', `pglite-${version}.tar`);
}
