/**
 * Reads the admin key from Secrets Manager with one signed HTTPS call (SigV4 by @smithy/signature-v4, which
 * the DynamoDB client already bundles) instead of the Secrets Manager client: that client would add 13 KiB
 * to every API bundle for one request every few minutes (docs/decisions/0007-lean-bundles.md).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array => (typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape SignatureV4 takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** The secret's string value (GetSecretValue). AWS_ENDPOINT_URL_SECRETS_MANAGER overrides the endpoint, as for the SDK. */
export async function getSecretString(secretId: string): Promise<string | undefined> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = new URL(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com/`);
  const body = JSON.stringify({ SecretId: secretId });
  const signer = new SignatureV4({ service: 'secretsmanager', region, credentials: fromEnv(), sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body,
  });
  const response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GetSecretValue failed: ${response.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { SecretString?: string }).SecretString;
}
