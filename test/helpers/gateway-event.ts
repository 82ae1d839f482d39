/** An API Gateway HTTP API (payload 2.0) event as it reaches a function, for tests that call a handler directly. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface GatewayEventInit {
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** The body as API Gateway passes it: text, or base64 with `isBase64Encoded`. */
  body?: string;
  isBase64Encoded?: boolean;
}

export function gatewayEvent(routeKey: string, path: string, init: GatewayEventInit = {}): APIGatewayProxyEventV2 {
  const [method] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: init.query ? new URLSearchParams(init.query).toString() : '',
    headers: init.headers ?? {},
    ...(init.query ? { queryStringParameters: init.query } : {}),
    ...(init.params ? { pathParameters: init.params } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      http: { method: method!, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `r-${Math.random()}`,
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
      accountId: '0',
      apiId: 'abc123',
      domainPrefix: 'abc123',
    },
  } as APIGatewayProxyEventV2;
}
