/**
 * Wakes the dispatcher as soon as fan-out has stored deliveries, so a first attempt does not wait for the
 * schedule. On AWS: an asynchronous invoke of the function DISPATCH_FUNCTION_NAME names. Locally that variable
 * is unset, because the runtime runs scheduled functions after every write anyway.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

let client: LambdaClient | undefined;

export async function nudgeDispatcher(): Promise<boolean> {
  const functionName = process.env.DISPATCH_FUNCTION_NAME;
  if (!functionName) return false;
  client ??= new LambdaClient({});
  await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ source: 'taqweem.fanout' })) }));
  return true;
}
