/**
 * Calls to AWS APIs the functions make once in a while (the admin key from Secrets Manager, waking the
 * dispatcher through Lambda's Invoke API), each one signed HTTPS request (SigV4 by @smithy/signature-v4, which
 * the DynamoDB client already bundles) instead of a service client: the Secrets Manager client would add 13 KiB
 * to every API bundle, the Lambda client 70 KiB (and its import time) to fan-out and replay
 * (docs/decisions/0007-lean-bundles.md).
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

/** The AWS region the function runs in. */
export const awsRegion = (): string => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

/**
 * One SigV4-signed request to an AWS service with the function's credentials (AWS_ACCESS_KEY_ID, …, as Lambda sets
 * them). `endpoint` is the service's base URL (AWS_ENDPOINT_URL_<SERVICE> overrides it, as for the SDK).
 */
export async function signedAwsFetch(service: string, endpoint: URL, request: { path: string; headers: Record<string, string>; body: string }): Promise<Response> {
  const region = awsRegion();
  const path = `${endpoint.pathname.replace(/\/$/, '')}${request.path}`;
  const signer = new SignatureV4({ service, region, credentials: fromEnv(), sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path,
    headers: { host: endpoint.host, ...request.headers },
    body: request.body,
  });
  return fetch(new URL(path, endpoint), { method: 'POST', headers: signed.headers, body: request.body, signal: AbortSignal.timeout(5_000) });
}

/** The secret's string value (GetSecretValue). AWS_ENDPOINT_URL_SECRETS_MANAGER overrides the endpoint, as for the SDK. */
export async function getSecretString(secretId: string): Promise<string | undefined> {
  const endpoint = new URL(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${awsRegion()}.amazonaws.com/`);
  const response = await signedAwsFetch('secretsmanager', endpoint, {
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body: JSON.stringify({ SecretId: secretId }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GetSecretValue failed: ${response.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { SecretString?: string }).SecretString;
}
