/**
 * A value built on its first use, then kept. Every zod schema in shared/domain is one: a function builds only the
 * schemas its own route validates with, not every route's at import (the cold start, docs/decisions/0007-lean-bundles.md).
 */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
