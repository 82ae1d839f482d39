/**
 * What the middy stack tells operators and clients: a 5xx is counted in EMF (Lambda never sees it as an
 * error), feed answers are counted for the 304 ratio, and every URL minted names PUBLIC_BASE_URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, DynamoDBStreamEvent } from 'aws-lambda';
import { handler as createFeedToken } from '../../functions/api/feed-tokens-create.ts';
import { handler as getEvent } from '../../functions/api/events-get.ts';
import { handler as putCalendar } from '../../functions/api/calendars-put.ts';
import { hashSecret } from '#auth/keys';
import { handler as project } from '../../functions/stream/project.ts';
import { installLambdaStreaming, invokeStreaming, isStreamingHandler } from '../../infra/local/streaming.ts';
import { gatewayEvent } from '../helpers/gateway-event.ts';
import { startTestStore } from '../helpers/store.ts';

// This file reads the EMF lines the handlers print: on before Powertools' Metrics is created (at import).
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const ADMIN = 'observability-admin-key';
let store: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  store = await startTestStore();
  process.env.ADMIN_KEY_HASH = hashSecret(ADMIN);
});
afterAll(async () => {
  delete process.env.PUBLIC_BASE_URL;
  await store.close();
});

const context = { functionName: 'taqweem-test', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function apiEvent(routeKey: string, path: string, init: { params?: Record<string, string>; body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const headers = { authorization: `Bearer ${ADMIN}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers };
  return gatewayEvent(routeKey, path, { headers, params: init.params, query: init.query, body: init.body ? JSON.stringify(init.body) : undefined });
}

/** The EMF documents written to stdout while `act` runs. */
async function emfDuring(act: () => Promise<unknown>): Promise<{ names: string[]; documents: Record<string, unknown>[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  const documents = lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const names = documents.flatMap((d) => ((d._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics ?? []).flatMap((m) => m.Metrics.map((x) => x.Name)));
  return { names, documents };
}

it('counts a handled 500 as ServerErrors in EMF, and a 4xx not', async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9'; // nothing listens: the read fails, middy answers 500
  try {
    let result: APIGatewayProxyStructuredResultV2 | undefined;
    const failing = await emfDuring(async () => {
      result = (await getEvent(apiEvent('GET /events/{id}', '/events/x', { params: { id: 'x' }, headers: { authorization: '' } }), context)) as APIGatewayProxyStructuredResultV2;
    });
    expect(result!.statusCode).toBe(500);
    expect(failing.names).toContain('ServerErrors');
    expect(failing.documents[0]).toMatchObject({ service: expect.any(String) });
  } finally {
    process.env.DYNAMODB_ENDPOINT = endpoint;
  }
  const notFound = await emfDuring(() => getEvent(apiEvent('GET /events/{id}', '/events/none', { params: { id: 'none' } }), context));
  expect(notFound.names).not.toContain('ServerErrors');
}, 30_000);

it('mints feed-token URLs and Location headers on PUBLIC_BASE_URL, whatever Host the request carried', async () => {
  process.env.PUBLIC_BASE_URL = 'https://calendar.example.org/';
  const calendar = { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' };
  const put = (await putCalendar(apiEvent('PUT /calendars/{id}', '/calendars/obs', { params: { id: 'obs' }, body: calendar, headers: { host: 'evil.example' } }), context)) as APIGatewayProxyStructuredResultV2;
  expect(put.statusCode).toBe(201);
  expect(put.headers?.location).toBe('https://calendar.example.org/calendars/obs');

  const created = (await createFeedToken(
    apiEvent('POST /calendars/{id}/feed-tokens', '/calendars/obs/feed-tokens', { params: { id: 'obs' }, body: { label: 'board' }, headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } }),
    context,
  )) as APIGatewayProxyStructuredResultV2;
  expect(created.statusCode).toBe(201);
  const body = JSON.parse(created.body!) as { url: string; id: string };
  expect(body.url).toMatch(/^https:\/\/calendar\.example\.org\/feeds\/obs\.ics\?token=/);
  expect(created.headers?.location).toBe(`https://calendar.example.org/calendars/obs/feed-tokens/${body.id}`);
});

/**
 * What a function URL hands feeds-get on AWS (CloudFront's origin): payload 2.0 with routeKey `$default` and no
 * pathParameters, unlike API Gateway's events.
 */
function functionUrlEvent(method: string, url: URL, headers: Record<string, string>): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'urlid',
      domainName: 'urlid.lambda-url.us-east-1.on.aws',
      domainPrefix: 'urlid',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `r-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  } as APIGatewayProxyEventV2;
}

it('counts feed renders and 304s, the two halves of the 304 ratio, from feeds-get streamed behind its function URL', async () => {
  // The local runtime's stand-in for Lambda's streaming globals, installed before the handler loads (as on Lambda).
  installLambdaStreaming();
  const { handler: getFeed } = await import('../../functions/feeds/get.ts');
  expect(isStreamingHandler(getFeed)).toBe(true);
  const calendar = { name: { en: 'Metrics' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' };
  const put = (await putCalendar(apiEvent('PUT /calendars/{id}', '/calendars/feed-metrics', { params: { id: 'feed-metrics' }, body: calendar }), context)) as APIGatewayProxyStructuredResultV2;
  expect(put.statusCode).toBe(201);
  // The projector writes the calendar's feed head from the journal's stream records (feeds read views only).
  const records = store.records.splice(0);
  expect(records.length).toBeGreaterThan(0);
  expect(await project({ Records: records } as DynamoDBStreamEvent, context)).toEqual({ batchItemFailures: [] });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
    invokeStreaming(getFeed as never, functionUrlEvent(req.method ?? 'GET', url, headers), context, res, req.method ?? 'GET').catch((error) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/feed-metrics.ics`;
  try {
    let first: Response | undefined;
    let body = '';
    const rendered = await emfDuring(async () => {
      first = await fetch(feedUrl);
      body = await first.text();
    });
    expect(first!.status).toBe(200);
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(rendered.names).toContain('FeedRenders');
    expect(rendered.names).not.toContain('FeedNotModified');
    expect(rendered.documents.find((d) => 'FeedRenders' in d)).toMatchObject({ FeedRenders: 1 });

    const etag = first!.headers.get('etag')!;
    expect(etag).toBeTruthy();
    let again: Response | undefined;
    const notModified = await emfDuring(async () => {
      again = await fetch(feedUrl, { headers: { 'if-none-match': etag } });
      await again.arrayBuffer();
    });
    expect(again!.status).toBe(304);
    expect(notModified.names).toContain('FeedNotModified');
    expect(notModified.names).not.toContain('FeedRenders');
    expect(notModified.documents.find((d) => 'FeedNotModified' in d)).toMatchObject({ FeedNotModified: 1 });
    // A missing feed is neither half of the ratio.
    const missing = await emfDuring(async () => {
      const response = await fetch(feedUrl.replace('feed-metrics', 'no-such-calendar'));
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    });
    expect(missing.names).not.toContain('FeedRenders');
    expect(missing.names).not.toContain('FeedNotModified');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
