/** Domain and request errors, each with a code that maps to exactly one HTTP status. */

export const statusByCode = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  precondition_required: 428,
} as const;

export type ErrorCode = keyof typeof statusByCode;

export interface FieldError {
  /** Dotted path into the request, e.g. "schedule.end", "query.from", "header.if-match". */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

export function invalidField(field: string, message: string): DomainError {
  return new DomainError('invalid', `${field}: ${message}`, [{ field, message }]);
}
