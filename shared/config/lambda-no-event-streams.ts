/**
 * What the bundles use in place of `@smithy/core/event-streams` (esbuild `alias`, infra/bundling.ts). The SDK's
 * protocol layer imports it dynamically for operations that stream events (S3 Select, Bedrock, Transcribe…);
 * DynamoDB, the only SDK client bundled, has none, yet esbuild inlines a dynamic import: 19 KiB of every bundle with
 * the CRC32 code only it pulls (docs/decisions/0007-lean-bundles.md). Reaching it means a client with event streams
 * was added: say so.
 */
const MISSING =
  'This bundle carries no SDK event-stream support: @smithy/core/event-streams is aliased to shared/config/lambda-no-event-streams.ts (infra/bundling.ts). Remove the alias to bundle a client with event-stream operations.';

/** Fails with {@link MISSING}: the protocol layer asks for a marshaller before anything else. */
export function eventStreamSerdeProvider(): never {
  throw new Error(MISSING);
}

export class EventStreamSerde {
  constructor() {
    throw new Error(MISSING);
  }
}
