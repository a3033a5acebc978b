import { AppError, getImport, getImportProblems, importFile } from '@hatchery/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

/** Uploads are read into memory by the multipart parser, so they are capped well below the memory at hand. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

const UploadSchema = z.object({
  file: z.instanceof(File, { message: 'send the export as a multipart field named "file"' }),
  format: z.string().min(1).max(64).optional(),
  mapping: z
    .string()
    .max(64 * 1024)
    .optional(),
  dry_run: z.enum(['true', 'false']).optional(),
});

const ProblemsSchema = z.object({
  after_line: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function importRoutes(deps: Deps) {
  return new Hono<Env>()
    .post(
      '/',
      needs('imports.create'),
      bodyLimit({
        maxSize: MAX_UPLOAD_BYTES,
        onError: () => {
          throw new AppError(
            'file_too_large',
            `an upload may be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`,
          );
        },
      }),
      async (c) => {
        const form = parse(UploadSchema, await readForm(c.req.raw));
        const caller = c.get('caller');
        // The import runs on after the answer; the id comes back as soon as the import exists.
        const id = await new Promise<number>((resolve, reject) => {
          let started = false;
          importFile(deps.db, caller.workspace, {
            fileName: form.file.name || 'upload',
            fileBytes: form.file.size,
            source: form.file.stream(),
            format: form.format,
            mapping: form.mapping === undefined ? undefined : parseJson(form.mapping),
            dryRun: form.dry_run === 'true',
            actor: caller.actor,
            onStart: (importId) => {
              started = true;
              resolve(importId);
            },
          }).catch((error: unknown) => {
            if (started) {
              // Already answered: the import is marked failed; the cause is a bug worth a log line.
              console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
            } else {
              reject(error);
            }
          });
        });
        return c.json(await getImport(deps.db, caller.workspace, id), 202);
      },
    )
    .get('/:id', needs('imports.read'), async (c) => {
      const id = parse(IdSchema, c.req.param('id'));
      return c.json(await getImport(deps.db, c.get('caller').workspace, id));
    })
    .get('/:id/problems', needs('imports.read'), async (c) => {
      const id = parse(IdSchema, c.req.param('id'));
      const page = parse(ProblemsSchema, c.req.query());
      return c.json(
        await getImportProblems(deps.db, c.get('caller').workspace, id, {
          afterLine: page.after_line,
          limit: page.limit,
        }),
      );
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'mapping: not valid JSON');
  }
}

async function readForm(request: Request): Promise<Record<string, unknown>> {
  try {
    return Object.fromEntries((await request.formData()).entries());
  } catch {
    throw new AppError('invalid_request', 'send the export as multipart/form-data with a field named "file"');
  }
}
