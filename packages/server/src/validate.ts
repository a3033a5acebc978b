import { AppError } from '@hatchery/core';
import type { z } from 'zod';

/** Parses an edge input with its schema, or throws invalid_request naming the first bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') || '(body)';
    throw new AppError('invalid_request', `${path}: ${issue?.message}`, result.error.issues);
  }
  return result.data;
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new AppError('invalid_request', 'body is not valid JSON');
  }
}
