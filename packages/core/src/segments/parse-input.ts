import type { z } from 'zod';
import { AppError } from '../shared/errors.ts';

/** Parses a use case's input with its schema, or throws invalid_request naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AppError(
      'invalid_request',
      `${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      result.error.issues,
    );
  }
  return result.data;
}
