/**
 * A worker thread of the prepare pool (prepare-batch.ts): reads and validates the request bodies
 * it is sent and hashes their identities, off the thread that serves requests and drives
 * transactions.
 */
import { parentPort } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../shared/errors.ts';
import { type PrepareResult, prepareEvent } from './prepare-event.ts';
import { readEventBatch } from './read-event-batch.ts';

/** The bytes of a request body, read here rather than on the server's thread. */
export type PrepareRequest = { id: number; body: Uint8Array; hmacKey: Uint8Array; now: number };

export type PrepareResponse =
  | { id: number; results: PrepareResult[] }
  | { id: number; refused: { code: ErrorCode; message: string; details: unknown } }
  | { id: number; failed: string };

const port = parentPort;
if (!port) {
  throw new Error('prepare-worker.ts runs as a worker thread');
}
port.on('message', (request: PrepareRequest) => {
  port.postMessage(prepare(request));
});

function prepare(request: PrepareRequest): PrepareResponse {
  const { id } = request;
  try {
    const raws = readEventBatch(new TextDecoder().decode(request.body));
    const key = Buffer.from(request.hmacKey);
    const now = new Date(request.now);
    return { id, results: raws.map((raw, index) => prepareEvent(raw, index, key, now)) };
  } catch (error) {
    return error instanceof AppError
      ? { id, refused: { code: error.code, message: error.message, details: error.details } }
      : { id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
