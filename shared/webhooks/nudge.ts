/**
 * Wakes the dispatcher as soon as fan-out has stored deliveries, so a first attempt does not wait for the
 * schedule: an asynchronous invoke of the function DISPATCH_FUNCTION_NAME names. On AWS that is Lambda; the
 * local runtime answers the same Invoke API itself (AWS_ENDPOINT_URL_LAMBDA), so both take this one path.
 * ops (#11): one signed request (Lambda's Invoke API) instead of the Lambda client, 70 KiB of fan-out's and
 * replay's bundles and of their cold import (docs/decisions/0007-lean-bundles.md).
 */
import { awsRegion, signedAwsFetch } from '#config/admin-key';

export async function nudgeDispatcher(): Promise<boolean> {
  const functionName = process.env.DISPATCH_FUNCTION_NAME;
  if (!functionName) return false;
  const endpoint = new URL(process.env.AWS_ENDPOINT_URL_LAMBDA ?? `https://lambda.${awsRegion()}.amazonaws.com/`);
  const response = await signedAwsFetch('lambda', endpoint, {
    path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
    body: JSON.stringify({ source: 'taqweem.fanout' }),
  });
  await response.arrayBuffer();
  // An asynchronous invoke is accepted with 202; anything else (missing function, no permission) is a failure.
  if (response.status !== 202) throw new Error(`Invoke ${functionName} failed: ${response.status}`);
  return true;
}
