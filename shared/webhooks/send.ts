/** One delivery attempt: a POST to the vetted address only, no redirects followed, bounded in time. */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { TargetRefused, vetTarget } from './targets.ts';

export interface AttemptOutcome {
  at: string;
  statusCode?: number;
  durationMs: number;
  error?: string;
  /** The first 1 KB of the response body. */
  response?: string;
  retryAfter?: string;
}

const RESPONSE_BYTES = 1024;

/**
 * Connections are kept alive between attempts to the same endpoint: a new TCP (and TLS) connection per
 * message was most of an attempt's cost. Only the connecting is pinned and vetted, so a kept socket is one that
 * was vetted when it connected; one that hangs is destroyed with its attempt, never reused.
 */
const agents = { http: new HttpAgent({ keepAlive: true, maxFreeSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxFreeSockets: 64 }) };

/** At most `bytes` bytes of UTF-8 text, never ending in part of a character. */
export function utf8Prefix(buffer: Buffer, bytes: number): string {
  // StringDecoder holds back an incomplete trailing sequence instead of turning it into U+FFFD.
  return new StringDecoder('utf8').write(buffer.subarray(0, bytes));
}

function readStart(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < RESPONSE_BYTES) chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_BYTES) response.destroy();
    });
    const done = () => resolve(utf8Prefix(Buffer.concat(chunks), RESPONSE_BYTES));
    response.on('end', done);
    response.on('close', done);
    response.on('error', done);
  });
}

export async function postWebhook(rawUrl: string, body: string, headers: Record<string, string>, timeoutMs: number, now: () => Date): Promise<AttemptOutcome> {
  const at = now().toISOString();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target;
  try {
    target = await vetTarget(rawUrl);
  } catch (error) {
    return { at, durationMs: elapsed(), error: error instanceof TargetRefused ? `refused: ${error.message}` : String(error) };
  }
  // Connect to the address that was vetted, whatever DNS says a moment later.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const [send, agent] = target.url.protocol === 'https:' ? [httpsRequest, agents.https] : [httpRequest, agents.http];
  return new Promise<AttemptOutcome>((resolve) => {
    // One timer bounds the whole attempt, connecting and reading included (cheaper than an AbortSignal and a socket timeout each).
    let timer: NodeJS.Timeout | undefined;
    let responded = false;
    const settle = (outcome: AttemptOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    let req: ReturnType<typeof send>;
    let resent = false;
    const start = () => {
      req = send(
        target.url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Taqweem-Webhooks/1', ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: pinned,
          agent,
        },
        (response) => {
          responded = true;
          void readStart(response).then((text) => {
            const retryAfter = response.headers['retry-after'];
            settle({ at, statusCode: response.statusCode, durationMs: elapsed(), response: text, ...(retryAfter ? { retryAfter: String(retryAfter) } : {}) });
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the endpoint closed as it was reused fails before any answer: sent once more on a new
        // socket, as Node's documentation advises (the same webhook-id, so at most a duplicate the partner can spot).
        if (!responded && !resent && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
          resent = true;
          start();
          return;
        }
        settle({ at, durationMs: elapsed(), error: error.message });
      });
      req.end(body);
    };
    start();
    timer = setTimeout(() => {
      // An answer whose body is still coming is cut short, and counts by its status (as the attempt's abort did).
      const error = new Error(`timed out after ${timeoutMs} ms`);
      if (!responded) settle({ at, durationMs: elapsed(), error: error.message });
      req.destroy(error);
    }, timeoutMs);
  });
}
