/** RFC 9457 problem details: every error the API answers has this shape and names the offending field. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { statusByCode, type DomainError, type FieldError } from '#domain/errors';

const titles: Record<number, string> = {
  400: 'Invalid request',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  428: 'Precondition required',
  500: 'Internal error',
  503: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

export function fromDomainError(error: DomainError): Problem {
  const status = statusByCode[error.code];
  return {
    type: `https://taqweem.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: titles[status] ?? 'Error',
    status,
    detail: error.message,
    ...(error.errors.length > 0 ? { errors: error.errors.map((e) => ({ field: e.field, code: e.code ?? 'invalid_value', message: e.message })) } : {}),
    ...error.extra,
  };
}

/** Anything that is not a known 4xx: the client learns nothing of the internals. */
export function internalProblem(requestId: string | undefined): Problem {
  return { type: 'about:blank', title: titles[500]!, status: 500, detail: 'The request could not be completed; it is safe to retry.', requestId };
}
