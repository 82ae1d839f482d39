/**
 * Wakes the dispatcher as soon as fan-out has stored deliveries, so a first attempt does not wait for the
 * schedule: an asynchronous invoke of the function DISPATCH_FUNCTION_NAME names. On AWS that is Lambda; the
 * local runtime answers the same Invoke API itself (AWS_ENDPOINT_URL_LAMBDA), so both take this one path.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const clients = new Map<string, LambdaClient>();

export async function nudgeDispatcher(): Promise<boolean> {
  const functionName = process.env.DISPATCH_FUNCTION_NAME;
  if (!functionName) return false;
  // One client per endpoint: the SDK reads AWS_ENDPOINT_URL_LAMBDA when a client is made.
  const endpoint = process.env.AWS_ENDPOINT_URL_LAMBDA ?? '';
  let client = clients.get(endpoint);
  if (!client) clients.set(endpoint, (client = new LambdaClient({})));
  await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ source: 'taqweem.fanout' })) }));
  return true;
}
