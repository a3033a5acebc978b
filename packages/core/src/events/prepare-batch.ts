import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../shared/errors.ts';
import { type PrepareResult, prepareEvent } from './prepare-event.ts';
import type { PrepareRequest, PrepareResponse } from './prepare-worker.ts';
import { readEventBatch } from './read-event-batch.ts';

/** Smaller bodies are read in place: the hop to a worker would cost more than it saves. */
const IN_PLACE_BYTES = 16 * 1024;

/**
 * Reads, validates and hashes the events of a `POST /v1/events` body (readEventBatch, then
 * prepareEvent on each) on a small pool of worker threads, so that the server's one JavaScript
 * thread keeps driving the transactions of other requests: with two batches in flight, one
 * batch's validation would otherwise hold up the statements of the other, which holds the ingest
 * lock. (Imports and other callers in one process prepare in place: with nothing else to serve,
 * a worker only adds its memory.)
 */
export async function prepareBatchBody(
  body: Uint8Array,
  hmacKey: Buffer,
  now: Date,
): Promise<PrepareResult[]> {
  if (body.byteLength < IN_PLACE_BYTES) {
    return prepareInPlace(readEventBatch(new TextDecoder().decode(body)), hmacKey, now);
  }
  return pool().run({ body, hmacKey, now: now.getTime() });
}

/** prepareEvent on each event of a batch, on this thread. */
export function prepareInPlace(raws: readonly unknown[], hmacKey: Buffer, now: Date): PrepareResult[] {
  return raws.map((raw, index) => prepareEvent(raw, index, hmacKey, now));
}

type Pending = { resolve: (results: PrepareResult[]) => void; reject: (error: unknown) => void };

/**
 * Worker threads started on first use. A worker keeps the process alive only while it holds a
 * batch: an idle pool never stops a process from exiting, and a pending batch is never dropped.
 */
class PreparePool {
  readonly #size: number;
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor(size: number) {
    this.#size = size;
  }

  run(request: Omit<PrepareRequest, 'id'>): Promise<PrepareResult[]> {
    const id = ++this.#next;
    return new Promise<PrepareResult[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const worker = this.#worker(id % this.#size);
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  }

  #worker(slot: number): Worker {
    const existing = this.#workers[slot];
    if (existing) {
      return existing;
    }
    const worker = new Worker(new URL('./prepare-worker.ts', import.meta.url));
    worker.on('message', (response: PrepareResponse) => {
      this.#settle(response);
      if (![...this.#pending.keys()].some((id) => id % this.#size === slot)) {
        worker.unref();
      }
    });
    // A worker that dies fails what it held and is replaced on the next batch.
    worker.on('error', (error) => this.#fail(slot, worker, error));
    worker.on('exit', (code) => this.#fail(slot, worker, new Error(`prepare worker exited with ${code}`)));
    this.#workers[slot] = worker;
    return worker;
  }

  #settle(response: PrepareResponse) {
    const pending = this.#pending.get(response.id);
    this.#pending.delete(response.id);
    if ('results' in response) {
      pending?.resolve(response.results);
    } else if ('refused' in response) {
      const { code, message, details } = response.refused;
      pending?.reject(new AppError(code, message, details));
    } else {
      pending?.reject(new Error(`prepare worker: ${response.failed}`));
    }
  }

  #fail(slot: number, worker: Worker, error: unknown) {
    if (this.#workers[slot] !== worker) {
      return;
    }
    delete this.#workers[slot];
    for (const [id, pending] of this.#pending) {
      if (id % this.#size === slot) {
        pending.reject(error);
        this.#pending.delete(id);
      }
    }
  }
}

let shared: PreparePool | undefined;

function pool(): PreparePool {
  // One core is left to the thread that serves requests (and, on one machine, to the database).
  shared ??= new PreparePool(Math.max(1, Math.min(4, availableParallelism() - 1)));
  return shared;
}
