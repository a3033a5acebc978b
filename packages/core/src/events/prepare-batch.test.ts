import { expect, test } from 'vitest';
import { generateDemoEvents } from '../demo/generate-demo.ts';
import { AppError } from '../shared/errors.ts';
import { prepareBatchBody, prepareInPlace } from './prepare-batch.ts';

const key = Buffer.alloc(32, 3);
const now = new Date('2026-11-21T00:00:00Z');
const events: unknown[] = generateDemoEvents({
  seed: 5,
  customers: 60,
  days: 30,
  end: now,
  communities: 2,
}).slice(0, 300);
const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

test('a body read on a worker thread gives what preparing its events in place gives', async () => {
  const raws = [...events, { id: 'bad', kind: 'teleport' }, 'not an event'];
  const body = encode({ events: raws });
  expect(body.byteLength).toBeGreaterThan(16 * 1024);
  const pooled = await prepareBatchBody(body, key, now);
  expect(pooled).toEqual(prepareInPlace(raws, key, now));
  expect(pooled.filter((r) => !r.ok)).toHaveLength(2);
});

test('bad bodies are refused with their codes, read on the worker or in place', async () => {
  const refused = async (body: Uint8Array) => {
    const error = await prepareBatchBody(body, key, now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    return { code: (error as AppError).code, message: (error as AppError).message };
  };
  const padding = ' '.repeat(20 * 1024);
  const notJson = { code: 'invalid_request', message: 'body is not valid JSON' };
  expect(await refused(encode(`{"events": [${padding}`))).toEqual(notJson);
  expect(await refused(encode('{"events": ['))).toEqual(notJson);
  expect(await refused(encode(`{"events": [], "x": 1}${padding}`))).toMatchObject({
    code: 'invalid_request',
  });
  expect(await refused(encode({ events: Array.from({ length: 1001 }, () => events[0]) }))).toEqual({
    code: 'batch_too_large',
    message: 'a batch holds at most 1000 events, got 1001',
  });
});
