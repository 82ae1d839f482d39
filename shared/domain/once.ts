/**
 * A value built on its first use, then kept. Every zod schema in shared/domain is one: a function builds only the
 * schemas its own route validates with, not every route's at import (the cold start, docs/decisions/0007-lean-bundles.md).
 * Module-level calls carry a `@__PURE__` annotation: esbuild then leaves out of a bundle every schema it never reads
 * (an unmarked call is kept, and with it every zod schema its builder names: the size, 0007).
 */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
