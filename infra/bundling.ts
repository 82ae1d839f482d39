import { join } from 'node:path';
import { repositoryRoot } from './paths.ts';

/**
 * Module substitutions in every bundle, target paths relative to the repository root (docs/decisions/0007-lean-bundles.md).
 * The SDK's default credential chain (`@aws-sdk/credential-provider-node`, which the DynamoDB client's runtime config
 * imports) becomes a reader of the environment, where Lambda puts the role's credentials: the chain's SSO, INI, STS
 * and metadata providers and `@aws-sdk/nested-clients` leave every bundle. The SDK's event-stream codec (no DynamoDB
 * operation streams events), the endpoint discovery cache (discovery stays off: it is always empty) and semver (only
 * the X-Ray SDK's AWS SDK v2 patcher calls it) become modules that throw an error naming the alias if ever used.
 */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': 'shared/config/lambda-credentials.ts',
  '@smithy/core/event-streams': 'shared/config/lambda-no-event-streams.ts',
  'mnemonist/lru-cache': 'shared/config/lambda-no-endpoint-discovery.ts',
  semver: 'shared/config/lambda-no-semver.ts',
} as const;

/**
 * How every function is bundled: the CDK app passes these to NodejsFunction, and the tests bundle with the
 * same options, so what is tested is what deploys (data read from disk at run time would not survive this).
 */
export const bundling = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide one.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  // esbuild resolves an alias's target in its working directory: absolute, so any caller's directory works.
  alias: Object.fromEntries(Object.entries(bundleAliases).map(([from, to]) => [from, join(repositoryRoot, to)])),
} as const;
