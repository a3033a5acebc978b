import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { AppError, getImport, getImportProblems, importFile } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { startInBackground } from '../background.ts';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { receiveUpload } from '../receive-upload.ts';
import { parse } from '../validate.ts';

/**
 * Uploads stream to a temporary file and the import streams from it, so memory does not grow
 * with the file; the cap is there for disk and time. A year of a busy shop's order report is a
 * few hundred MB (the 1,000,000-row Taobao export of bench/import is about 300 MB in GBK).
 */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

const UploadSchema = z.object({
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
    .post('/', needs('imports.create'), async (c) => {
      const upload = await receiveUpload(c.req.raw, {
        maxFileBytes: deps.uploads?.maxFileBytes ?? MAX_UPLOAD_BYTES,
        tempDir: deps.uploads?.tempDir ?? tmpdir(),
      });
      let started = false;
      try {
        const form = parse(UploadSchema, upload.fields);
        if (upload.file === null) {
          throw new AppError('invalid_request', 'send the export as a multipart field named "file"');
        }
        const file = upload.file;
        const caller = c.get('caller');
        // The import runs on after the answer; the id comes back as soon as the import exists.
        // The temporary file goes when the import ends, however it ends.
        const id = await startInBackground('import', (onStart) =>
          importFile(deps.db, caller.workspace, {
            fileName: file.name || 'upload',
            fileBytes: file.bytes,
            source: createReadStream(file.path),
            format: form.format,
            mapping: form.mapping === undefined ? undefined : parseJson(form.mapping),
            dryRun: form.dry_run === 'true',
            actor: caller.actor,
            onStart: (importId) => {
              started = true;
              onStart(importId);
            },
          }).finally(() => upload.cleanup()),
        );
        return c.json(await getImport(deps.db, caller.workspace, id), 202);
      } catch (error) {
        if (!started) {
          await upload.cleanup();
        }
        throw error;
      }
    })
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
