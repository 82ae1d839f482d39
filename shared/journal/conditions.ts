/** DynamoDB's answer to a conditional write that lost, recognised the same way by every table's code. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write lost: the condition, not the request, failed (by class, or by name across SDK copies). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
