/**
 * Known-answer tests: our signer against the vectors the official Standard Webhooks Go library publishes.
 * Data only, copied from github.com/standard-webhooks/standard-webhooks, libraries/go:
 * - `v1a`: webhook_asymmetric_test.go, TestAsymmetricWebhookSign (commit 5fb2ce9369bd9533ed635c0c84f8d7b0dac3a5bf);
 *   the key there is the base64 ed25519 seed, which is what we store after `whsk_`.
 * - `v1`: webhook_symmetric_test.go, TestSymmetricWebhookSign (commit 3ac24afe352b5989ddf44d4b4cd4f08bdfa2c2e4).
 * How the library itself verified live deliveries: docs/decisions/0026-v1a-official-verification.md.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSigningKey, publicKeyOf, signedHeaders } from '#webhooks/secrets';

const message = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', at: new Date(1614265330 * 1000), body: '{"test": 2432232314}' };
const asymmetric = { seed: 'VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=', signature: 'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==' };
const symmetric = { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };

/** Verifies a `v1a,…` signature with a `whpk_` key as a partner would, with node:crypto alone. */
function verifies(publicKey: string, signature: string, content: string): boolean {
  const x = Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url');
  return verify(null, Buffer.from(content), createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }), Buffer.from(signature.slice('v1a,'.length), 'base64'));
}

describe('signing vectors of the official Standard Webhooks Go library', () => {
  it('v1a: the published seed, message id, timestamp and payload give the published signature', () => {
    const headers = signedHeaders([`whsk_${asymmetric.seed}`], message.id, message.at, message.body);
    expect(headers).toEqual({ 'webhook-id': message.id, 'webhook-timestamp': '1614265330', 'webhook-signature': asymmetric.signature });
  });

  it('v1a: the public key we give partners for that seed verifies the published signature over "id.timestamp.body"', () => {
    const publicKey = publicKeyOf(`whsk_${asymmetric.seed}`);
    // The value the official Go library accepted for this vector (NewWebhookAsymmetric(&publicKey, nil), 0026).
    expect(publicKey).toBe('whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=');
    expect(verifies(publicKey, asymmetric.signature, `${message.id}.1614265330.${message.body}`)).toBe(true);
    expect(verifies(publicKey, asymmetric.signature, `${message.id}.1614265331.${message.body}`)).toBe(false);
  });

  it('v1: the published secret gives the published HMAC signature', () => {
    expect(signedHeaders([symmetric.secret], message.id, message.at, message.body)['webhook-signature']).toBe(symmetric.signature);
  });

  it('rotation overlap: one header carries each active key’s signature, the vector’s unchanged', () => {
    const other = newSigningKey('v1a');
    const [current, previous] = signedHeaders([other.stored, `whsk_${asymmetric.seed}`], message.id, message.at, message.body)['webhook-signature']!.split(' ');
    expect(previous).toBe(asymmetric.signature);
    expect(verifies(other.publicKey!, current!, `${message.id}.1614265330.${message.body}`)).toBe(true);
  });

  it('new v1a keys serialise as the specification says: whpk_ and the raw 32-byte key in padded base64', () => {
    const { stored, publicKey, secret } = newSigningKey('v1a');
    expect(secret).toBeUndefined();
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(publicKey!.slice('whpk_'.length), 'base64')).toHaveLength(32);
    expect(Buffer.from(stored.slice('whsk_'.length), 'base64')).toHaveLength(32);
    expect(publicKeyOf(stored)).toBe(publicKey);
  });
});
