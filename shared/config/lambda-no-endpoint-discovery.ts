/**
 * What the bundles use in place of `mnemonist/lru-cache` (esbuild `alias`, infra/bundling.ts): the cache of the SDK's
 * endpoint discovery (`@aws-sdk/endpoint-cache`, 7 KiB with mnemonist's helpers and obliterator). The DynamoDB client
 * builds one and looks every request up in it, but fills it only when endpoint discovery is turned on
 * (AWS_ENABLE_ENDPOINT_DISCOVERY, `endpointDiscoveryEnabled`), which DynamoDB never requires and we never do: so it
 * stays empty, and storing in it fails, naming the alias (docs/decisions/0007-lean-bundles.md).
 */
const MISSING =
  'This bundle carries no endpoint discovery cache: mnemonist/lru-cache is aliased to shared/config/lambda-no-endpoint-discovery.ts (infra/bundling.ts). Leave AWS_ENABLE_ENDPOINT_DISCOVERY unset, or remove the alias.';

/** An LRU cache that is always empty: lookups miss, and a store throws {@link MISSING}. */
export default class EmptyLruCache<K, V> {
  has(_key: K): boolean {
    return false;
  }
  get(_key: K): V | undefined {
    return undefined;
  }
  peek(_key: K): V | undefined {
    return undefined;
  }
  set(_key: K, _value: V): never {
    throw new Error(MISSING);
  }
  clear(): void {}
}
