import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
// Hono's parseBody and the platform's Request.formData() both hold the whole upload in memory,
// and hono/body-limit buffers bodies sent without a Content-Length. @fastify/busboy parses
// multipart as a stream with per-part limits; it is the parser undici ships, maintained by the
// Fastify team, with no dependencies of its own.
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { AppError } from '@hatchery/core';

export type UploadLimits = Readonly<{
  /** The largest file accepted; a larger one is cut off as it arrives and refused. */
  maxFileBytes: number;
  /** Where the file is written while it is imported (a fresh directory per upload). */
  tempDir: string;
}>;

export type ReceivedUpload = {
  /** The uploaded file on disk, or null when the form had no part named `file`. */
  file: { path: string; name: string; bytes: number } | null;
  fields: Record<string, string>;
  /** Removes the file and its directory; safe to call more than once. */
  cleanup(): Promise<void>;
};

/** The other form fields (format, mapping, dry_run) are small: the mapping is the largest. */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 10;

/**
 * Streams a multipart upload to a temporary file: memory holds a few chunks whatever the size.
 * The file goes to disk rather than straight into the import because the form's other fields
 * (format, mapping) may come after it, and the import needs them before it reads a byte. Bodies
 * over the limit are refused from their Content-Length when there is one, and otherwise cut off
 * when the file part passes the limit; on any failure — too large, malformed, or the client
 * gone mid-upload — the temporary file is removed before the error goes up.
 */
export async function receiveUpload(request: Request, limits: UploadLimits): Promise<ReceivedUpload> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType) || request.body === null) {
    throw new AppError('invalid_request', 'send the export as multipart/form-data with a field named "file"');
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxFileBytes + MAX_FIELDS * MAX_FIELD_BYTES + 64 * 1024) {
    throw tooLarge(limits);
  }

  const dir = await mkdtemp(join(limits.tempDir, 'hatchery-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  // Written by the parser's callbacks, read once the form is through.
  const state: {
    file: ReceivedUpload['file'];
    part: BusboyFileStream | null;
    writing: Promise<void>;
    overLimit: boolean;
    badField: string | null;
  } = { file: null, part: null, writing: Promise.resolve(), overLimit: false, badField: null };

  const source = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
  try {
    const parser = Busboy({
      headers: { 'content-type': contentType },
      limits: {
        fileSize: limits.maxFileBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
      },
    });
    parser.on('file', (name: string, stream: BusboyFileStream, fileName: string) => {
      if (name !== 'file' || state.file !== null) {
        stream.resume();
        return;
      }
      state.part = stream;
      const path = join(dir, 'upload');
      const entry = { path, name: fileName, bytes: 0 };
      state.file = entry;
      stream.on('data', (chunk: Buffer) => {
        entry.bytes += chunk.byteLength;
      });
      stream.on('limit', () => {
        // Stop reading the request at once: nothing more of it will be kept.
        state.overLimit = true;
        source.destroy(tooLarge(limits));
      });
      state.writing = pipeline(stream, createWriteStream(path));
      // Awaited after the form is read; until then a failure must not go unhandled.
      state.writing.catch(() => undefined);
    });
    parser.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) {
        state.badField = name;
      }
      fields[name] = value;
    });
    await pipeline(source, parser);
    await state.writing;
  } catch (error) {
    // Close the file before removing it: the part may still be flowing into it.
    state.part?.destroy();
    await state.writing.catch(() => undefined);
    await cleanup();
    if (state.overLimit) {
      throw tooLarge(limits);
    }
    if (error instanceof AppError) {
      throw error;
    }
    throw new AppError(
      'invalid_request',
      `the upload was not received whole (${error instanceof Error ? error.message : String(error)}); send it again`,
    );
  }
  if (state.badField !== null) {
    await cleanup();
    throw new AppError('invalid_request', `${state.badField}: at most ${MAX_FIELD_BYTES / 1024} KiB`);
  }
  return { file: state.file, fields, cleanup };
}

function tooLarge(limits: UploadLimits): AppError {
  return new AppError(
    'file_too_large',
    `an upload may be at most ${limits.maxFileBytes / 1024 / 1024} MiB; split the export by date range and upload the parts`,
  );
}
