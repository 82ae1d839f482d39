/** The admin key is read with one SigV4-signed GetSecretValue call, checked here against a real HTTP server on 127.0.0.1. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getSecretString } from '#config/admin-key';

const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    seen.push({ headers: req.headers, body });
    const known = JSON.parse(body).SecretId === 'arn:aws:secretsmanager:eu-west-1:1:secret:admin';
    res.writeHead(known ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(known ? { SecretString: 'the-admin-key' } : { __type: 'ResourceNotFoundException' }));
  });
});
const saved = { ...process.env };
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'session',
  });
});
afterAll(() => {
  process.env = saved;
  server.close();
});

it('sends a signed GetSecretValue and returns the SecretString', async () => {
  expect(await getSecretString('arn:aws:secretsmanager:eu-west-1:1:secret:admin')).toBe('the-admin-key');
  const [request] = seen;
  expect(request!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/);
  expect(request!.headers['x-amz-security-token']).toBe('session');
  expect(JSON.parse(request!.body)).toEqual({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:admin' });
});

it('fails loudly when Secrets Manager refuses', async () => {
  await expect(getSecretString('unknown')).rejects.toThrow(/GetSecretValue failed: 400/);
});
