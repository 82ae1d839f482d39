import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { api } from '#http/api';
import { getHealthOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(getHealthOperation(), async ({ deps }) => {
  try {
    await deps.client.send(new DescribeTableCommand({ TableName: deps.tables.journal }));
    return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
  } catch {
    return json(503, { status: 'unavailable', detail: 'the journal table cannot be reached' }, { 'cache-control': 'no-store' });
  }
});
