import type { $ZodError, $ZodIssue } from 'zod/v4/core';
import type { FieldError, FieldErrorCode } from './errors.ts';

/** zod issues as field errors; unknown keys are named one by one so a typo is pointed at. */
export function toFieldErrors(error: $ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [path, key].filter(Boolean).join('.'), code: 'unknown_field' as const, message: 'is not a known field' }));
    }
    return [{ field: path || prefix || 'body', code: codeOf(issue), message: messageOf(issue) }];
  });
}

function messageOf(issue: $ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return messageOf(issue.issues[0]);
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** A refinement names its code with `params: { code }`; zod's own issues map by kind and origin. */
function codeOf(issue: $ZodIssue): FieldErrorCode {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'invalid_type';
    case 'too_big':
      return issue.origin === 'string' ? 'too_long' : issue.origin === 'array' || issue.origin === 'set' ? 'too_many' : 'out_of_range';
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'empty' : 'too_short';
      return issue.origin === 'array' || issue.origin === 'set' ? 'too_few' : 'out_of_range';
    case 'invalid_format':
      return issue.format === 'email' ? 'invalid_email' : issue.format === 'url' ? 'invalid_url' : 'invalid_format';
    case 'custom':
      return (issue.params?.code as FieldErrorCode | undefined) ?? 'invalid_value';
    case 'invalid_key':
      return issue.issues[0] ? codeOf(issue.issues[0]) : 'invalid_value';
    default:
      return 'invalid_value';
  }
}
