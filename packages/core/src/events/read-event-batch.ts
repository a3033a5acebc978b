import { z } from 'zod';
import { parseInput } from '../segments/parse-input.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_BATCH } from './event.schema.ts';

const BatchSchema = z.object({ events: z.array(z.unknown()).min(1) }).strict();

/**
 * The events of a `POST /v1/events` body (`{"events": [...]}`), each still to be validated on
 * its own; a body that is not JSON, not that shape or too large a batch is refused whole.
 */
export function readEventBatch(text: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'body is not valid JSON');
  }
  const { events } = parseInput(BatchSchema, json);
  checkBatchSize(events.length);
  return events;
}

/** Refuses a batch of more than MAX_BATCH events whole. */
export function checkBatchSize(count: number): void {
  if (count > MAX_BATCH) {
    throw new AppError('batch_too_large', `a batch holds at most ${MAX_BATCH} events, got ${count}`);
  }
}
