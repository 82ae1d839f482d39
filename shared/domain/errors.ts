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
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof statusByCode;

/**
 * Stable, machine-readable reasons a field was refused: clients (the web page) translate these, while
 * `message` stays English prose for people reading raw responses. Add a code here before using a new one.
 */
export const fieldErrorCodes = [
  'required',
  'invalid_type',
  'unknown_field',
  'empty',
  'too_short',
  'too_long',
  'too_few',
  'too_many',
  'too_large',
  'too_deep',
  'invalid_format',
  'invalid_encoding',
  'invalid_value',
  'invalid_time_zone',
  'invalid_language',
  'invalid_country',
  'invalid_url',
  'invalid_email',
  'nonexistent_time',
  'ambiguous_time',
  'out_of_range',
  'end_before_start',
  'invalid_cursor',
  'stale',
  'unsupported',
  'unsupported_media_type',
  'not_found',
  'conflict',
  'reused_key',
  'unauthorized',
] as const;

export type FieldErrorCode = (typeof fieldErrorCodes)[number];

export interface FieldError {
  /** Dotted path into the request, e.g. "schedule.end", "query.from", "header.if-match". */
  field: string;
  /** Absent only where a caller has not named one yet; responses always carry one ("invalid_value" by default). */
  code?: FieldErrorCode;
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

export function invalidField(field: string, message: string, code: FieldErrorCode = 'invalid_value'): DomainError {
  return new DomainError('invalid', `${field}: ${message}`, [{ field, code, message }]);
}
