import { AppError } from '@hatchery/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from './auth.ts';
import type { Deps, Env } from './context.ts';
import { STATUS } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { auditRoutes } from './routes/audit.ts';
import { consoleRoutes } from './routes/console.ts';
import { customerRoutes } from './routes/customers.ts';
import { eventRoutes } from './routes/events.ts';
import { importRoutes } from './routes/imports.ts';
import { mergeConflictRoutes } from './routes/merge-conflicts.ts';
import { mergeRoutes } from './routes/merges.ts';
import { overviewRoutes } from './routes/overview.ts';
import { rankingRoutes } from './routes/rankings.ts';
import { scoringRunRoutes } from './routes/scoring-runs.ts';
import { segmentRoutes } from './routes/segments.ts';
import { sessionRoutes } from './routes/session.ts';
import { tagRuleRoutes } from './routes/tag-rules.ts';
import { tagRoutes } from './routes/tags.ts';
import { valueModelRoutes } from './routes/value-model.ts';
import { workspaceRoutes } from './routes/workspace.ts';

/** A full batch of 1,000 rich events stays well under this; anything larger is not a batch. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function createApp(deps: Deps) {
  const app = new Hono<Env>();
  app.get('/health', (c) => c.json({ ok: true }));
  const openApi = openApiDocument();
  app.get('/openapi.json', (c) => c.json(openApi));

  const v1 = new Hono<Env>();
  // Uploads have their own, larger limit (routes/imports.ts); everything else is a JSON call.
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('batch_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  v1.use(async (c, next) => (c.req.path.startsWith('/v1/imports') ? next() : jsonLimit(c, next)));
  v1.use(authenticate(deps));
  v1.route('/session', sessionRoutes(deps));
  v1.route('/events', eventRoutes(deps));
  v1.route('/customers', customerRoutes(deps));
  v1.route('/merges', mergeRoutes(deps));
  v1.route('/merge-conflicts', mergeConflictRoutes(deps));
  v1.route('/imports', importRoutes(deps));
  v1.route('/rankings', rankingRoutes(deps));
  v1.route('/scoring-runs', scoringRunRoutes(deps));
  v1.route('/value-model', valueModelRoutes(deps));
  v1.route('/tags', tagRoutes(deps));
  v1.route('/tag-rules', tagRuleRoutes(deps));
  v1.route('/segments', segmentRoutes(deps));
  v1.route('/overview', overviewRoutes(deps));
  v1.route('/audit', auditRoutes(deps));
  v1.route('/workspace', workspaceRoutes(deps));
  v1.route('/api-keys', apiKeyRoutes(deps));
  app.route('/v1', v1);
  if (deps.consoleDir !== undefined) {
    app.route('/', consoleRoutes(deps.consoleDir));
  }

  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (error instanceof AppError) {
      return c.json({ error: { code: error.code, message: error.message } }, STATUS[error.code]);
    }
    console.error(error);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
