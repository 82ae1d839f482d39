import { afterEach, beforeEach, expect, it } from 'vitest';
import { defaultProvider } from '#config/lambda-credentials';

const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_PROFILE'] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
});
afterEach(() => {
  for (const name of names)
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
});
const setEnv = (key: string, secret: string, token?: string) => Object.assign(process.env, { AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret }, token ? { AWS_SESSION_TOKEN: token } : {});

it('reads the credentials Lambda puts in the environment, once, until asked to refresh', async () => {
  setEnv('AKID1', 'secret1', 'token1');
  const provider = defaultProvider();
  expect(await provider()).toMatchObject({ accessKeyId: 'AKID1', secretAccessKey: 'secret1', sessionToken: 'token1' });
  setEnv('AKID2', 'secret2');
  expect((await provider()).accessKeyId).toBe('AKID1');
  expect(await provider({ forceRefresh: true })).toMatchObject({ accessKeyId: 'AKID2', secretAccessKey: 'secret2' });
});

it('reads again credentials that expire within five minutes', async () => {
  setEnv('AKID1', 'secret1');
  process.env.AWS_CREDENTIAL_EXPIRATION = new Date(Date.now() + 60_000).toISOString();
  const provider = defaultProvider();
  expect((await provider()).accessKeyId).toBe('AKID1');
  setEnv('AKID2', 'secret2');
  process.env.AWS_CREDENTIAL_EXPIRATION = new Date(Date.now() + 3_600_000).toISOString();
  expect((await provider()).accessKeyId).toBe('AKID2');
  setEnv('AKID3', 'secret3');
  expect((await provider()).accessKeyId).toBe('AKID2');
});

it('names the variables when the environment has none, and keeps no failure', async () => {
  const provider = defaultProvider();
  await expect(provider()).rejects.toThrow('No AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  setEnv('AKID1', 'secret1');
  expect((await provider()).accessKeyId).toBe('AKID1');
});
