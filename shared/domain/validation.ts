import type { $ZodError, $ZodIssue } from 'zod/v4/core';
import type { FieldError, FieldErrorCode } from './errors.ts';

/** A dotted path; an empty member name shows as "" so that every error names a field. */
const dotted = (segments: string[]): string => segments.map((segment) => (segment === '' ? '""' : segment)).join('.');

/** zod issues as field errors; unknown keys are named one by one so a typo is pointed at. */
export function toFieldErrors(error: $ZodError, prefix = ''): FieldError[] {
  return issuesToFieldErrors(error.issues, prefix ? [prefix] : []);
}

function issuesToFieldErrors(issues: readonly $ZodIssue[], base: string[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: dotted([...path, key]), code: 'unknown_field' as const, message: 'is not a known field' }));
    }
    const branch = issue.code === 'invalid_union' ? branchMeant(issue.errors) : undefined;
    if (branch) return issuesToFieldErrors(branch, path);
    return [{ field: path.length > 0 ? dotted(path) : 'body', code: codeOf(issue), message: messageOf(issue) }];
  });
}

/**
 * The one union member the input was meant for: the only one whose complaints are not about the input's own
 * type (`rule: {freq: "SOMETIMES"}` was meant as the object form, so its `rule.freq` is what to report).
 */
function branchMeant(branches: readonly (readonly $ZodIssue[])[]): readonly $ZodIssue[] | undefined {
  const meant = branches.filter((issues) => !issues.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0));
  return meant.length === 1 ? meant[0] : undefined;
}

const typeNames: Record<string, string> = { object: 'an object', record: 'an object', array: 'an array', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };

/** What JSON value the input was, for "must be a string, not null". */
function jsonTypeOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'number' && !Number.isInteger(input)) return String(input);
  return typeNames[typeof input] ?? typeof input;
}

/** "must be one of: confirmed, tentative": the allowed values as a client writes them, without zod's wording. */
function allowed(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  return shown.length === 1 ? `must be ${shown[0]}` : `must be one of: ${shown.join(', ')}`;
}

/** The discriminator's value in a discriminated union's input (`schedule.type`), undefined when absent. */
function discriminatorOf(issue: $ZodIssue): unknown {
  if (issue.code !== 'invalid_union' || !('discriminator' in issue) || typeof issue.input !== 'object' || issue.input === null) return undefined;
  return (issue.input as Record<string, unknown>)[String(issue.discriminator)];
}

/** Messages say what the field must be; parse with `reportInput: true` so that a wrong type is told from a missing field. */
function messageOf(issue: $ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return messageOf(issue.issues[0]);
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    // A query parameter is coerced first: "abc" arrives as NaN, which is no type a client sent.
    if (Number.isNaN(issue.input)) return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    return `must be ${typeNames[issue.expected] ?? issue.expected}, not ${jsonTypeOf(issue.input)}`;
  }
  if (issue.code === 'invalid_value' && issue.values.length > 0) return allowed(issue.values);
  if (issue.code === 'invalid_union') return unionMessage(issue);
  return issue.message;
}

/** A discriminated union names its allowed tags; any other union the types it takes. */
function unionMessage(issue: Extract<$ZodIssue, { code: 'invalid_union' }>): string {
  if ('options' in issue && Array.isArray(issue.options)) {
    const values = allowed(issue.options);
    return discriminatorOf(issue) === undefined ? `is required and ${values}` : values;
  }
  const expected = [...new Set(issue.errors.flatMap((issues) => issues.flatMap((inner) => (inner.code === 'invalid_type' && inner.path.length === 0 ? [typeNames[inner.expected] ?? inner.expected] : []))))];
  return expected.length > 0 ? `must be ${expected.join(' or ')}, not ${jsonTypeOf(issue.input)}` : issue.message;
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
