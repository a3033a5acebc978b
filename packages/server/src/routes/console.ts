import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/**
 * The built console at `/`: files from its dist folder, and index.html for any other page path
 * so the console's own router can answer deep links (/customers/42). Vite's hashed assets are
 * cached for good; index.html never, so a new build is picked up at once.
 */
export function consoleRoutes(dir: string) {
  const app = new Hono();
  if (!existsSync(join(dir, 'index.html'))) {
    return app;
  }
  app.use(
    '/assets/*',
    serveStatic({
      root: dir,
      onFound: (_path, c) => {
        c.header('cache-control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('*', serveStatic({ root: dir, onFound: noCache }));
  app.get('*', (c, next) =>
    c.req.path.startsWith('/v1/') || c.req.path.startsWith('/assets/')
      ? next()
      : serveStatic({ root: dir, path: 'index.html', onFound: noCache })(c, next),
  );
  return app;
}

function noCache(_path: string, c: { header: (name: string, value: string) => void }): void {
  c.header('cache-control', 'no-cache');
}
