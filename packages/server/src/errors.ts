import type { ErrorCode } from '@hatchery/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one place error codes become HTTP statuses. */
export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  batch_too_large: 413,
  file_too_large: 413,
  unauthorized: 401,
  too_many_attempts: 429,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  data_dir_in_use: 503,
};
