/**
 * What the bundles use in place of `semver` (esbuild `alias`, infra/bundling.ts). The X-Ray SDK, under Powertools
 * Tracer, requires it only to check the version of an AWS SDK v2 (`captureAWS`, `captureAWSClient`): we trace SDK
 * v3 clients (`captureAWSv3Client`), and semver is 28 KiB of every bundle (docs/decisions/0007-lean-bundles.md).
 */
const MISSING =
  'This bundle carries no semver: it is aliased to shared/config/lambda-no-semver.ts (infra/bundling.ts), as only the X-Ray SDK v2 patcher (captureAWS/captureAWSClient) calls it. Trace SDK v3 clients with tracer.captureAWSv3Client.';

/** Fails with {@link MISSING}: the X-Ray SDK's v2 patcher's only call. */
export function gte(): never {
  throw new Error(MISSING);
}
