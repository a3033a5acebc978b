/**
 * Every error a caller can act on carries one of these codes. Only the server maps them to
 * HTTP statuses (packages/server/src/errors.ts); everything else branches on the code.
 */
export const ErrorCodes = {
  /** The request body is not valid JSON or not the expected shape. */
  invalid_request: 'invalid_request',
  /** A batch holds more events than one request may carry. */
  batch_too_large: 'batch_too_large',
  /** An uploaded file is larger than an upload may be. */
  file_too_large: 'file_too_large',
  /** No API key or session, an unknown or revoked key, an expired or ended session, a wrong password. */
  unauthorized: 'unauthorized',
  /** Too many failed logins: the operator is locked for a while. */
  too_many_attempts: 'too_many_attempts',
  /** The caller is known but its key or role does not allow this (for example unmasking). */
  forbidden: 'forbidden',
  /** The thing asked for does not exist in this workspace. */
  not_found: 'not_found',
  /** The request contradicts stored state (for example undoing a merge twice). */
  conflict: 'conflict',
  /** The embedded database folder is owned by a running server process. */
  data_dir_in_use: 'data_dir_in_use',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}
