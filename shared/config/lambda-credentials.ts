/**
 * What the bundles use in place of `@aws-sdk/credential-provider-node` (esbuild `alias`, infra/bundling.ts): Lambda
 * always hands a function its role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), so the SDK's default chain (SSO, INI files, STS web identity, ECS/EC2 metadata, and
 * `@aws-sdk/nested-clients` for them: ~90 KiB) is dead weight in every bundle and parse time at every cold start
 * (docs/decisions/0007-lean-bundles.md). Node code outside the bundles (tests, the local runtime, the CDK app) keeps
 * the SDK's own chain.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

const MISSING =
  'No AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for a role) must be set, as Lambda sets them. This bundle reads credentials from the environment only (shared/config/lambda-credentials.ts replaces the SDK default chain).';

/** Credentials within five minutes of their expiry are read again, as the SDK's default chain does. */
export const credentialsTreatedAsExpired = (credentials: Credentials): boolean => credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

export const credentialsWillNeedRefresh = (credentials: Credentials): boolean => credentials.expiration !== undefined;

/**
 * The SDK's `defaultProvider` signature, reading the environment alone: memoized (the client calls it before every
 * request and treats it as memoized), read again on `forceRefresh` or near expiry; a failed read is not kept, and its
 * error names the variables.
 */
export function defaultProvider(init: FromEnvInit = {}): (options?: { forceRefresh?: boolean }) => Promise<Credentials> {
  const read = fromEnv(init);
  let pending: Promise<Credentials> | undefined;
  const load = () => {
    pending = read().catch(() => {
      pending = undefined;
      throw new Error(MISSING);
    });
    return pending;
  };
  return async (options) => {
    if (!pending || options?.forceRefresh) return load();
    const credentials = await pending;
    return credentialsTreatedAsExpired(credentials) ? load() : credentials;
  };
}
