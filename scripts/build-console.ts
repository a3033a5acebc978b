import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console (packages/console → dist) when dist is missing or older than its sources,
 * so `npm start` serves a current console without a separate build step; `--force` always builds.
 * Also used by the browser journeys before they start the server.
 */
const root = fileURLToPath(new URL('../packages/console/', import.meta.url));
const dist = join(root, 'dist', 'index.html');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export async function buildConsole(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newest(join(root, p)));
  if (!options.force && existsSync(dist) && statSync(dist).mtimeMs >= Math.max(...sources)) {
    return false;
  }
  const started = performance.now();
  console.log('Hatchery: building the console…');
  const { build } = await import('vite');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: options.quiet ? 'error' : 'warn' });
  console.log(`Hatchery: console built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildConsole({ force: process.argv.includes('--force') });
}
