/**
 * A stand-in for what Lambda's Node.js runtime gives a function with response streaming (the `awslambda`
 * global: streamifyResponse and HttpResponseStream), so the local runtime runs the same handler entry as AWS.
 * On Lambda the runtime's own global is there first and this is never installed.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

interface HttpMetadata {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
}

type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<unknown>;

/**
 * Adds streamifyResponse and HttpResponseStream to `globalThis.awslambda` unless a runtime provides them (the AWS
 * SDK creates an empty `awslambda` of its own, so its presence says nothing). Call before loading handlers.
 */
export function installLambdaStreaming(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof global.awslambda?.streamifyResponse === 'function') return;
  global.awslambda = Object.assign(global.awslambda ?? {}, {
    streamifyResponse<T extends object>(handler: T): T {
      return Object.assign(handler, { [STREAMING]: 'response' });
    },
    HttpResponseStream: {
      from(stream: Writable, metadata: HttpMetadata): Writable {
        (stream as Partial<HttpResponseWriter>).setMetadata?.(metadata);
        return stream;
      },
    },
  });
}

/** True for a handler wrapped by awslambda.streamifyResponse. */
export function isStreamingHandler(handler: unknown): handler is StreamingHandler {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';
}

/** The response stream a function URL gives a handler: the metadata becomes the status and headers, the rest the body. */
export class HttpResponseWriter extends Writable {
  private metadata: HttpMetadata = { statusCode: 200 };
  private headWritten = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly method: string,
  ) {
    super();
  }

  setMetadata(metadata: HttpMetadata): void {
    this.metadata = metadata;
  }

  private writeHead(): void {
    if (this.headWritten) return;
    this.headWritten = true;
    this.res.statusCode = this.metadata.statusCode ?? 200;
    for (const [name, value] of Object.entries(this.metadata.headers ?? {})) this.res.setHeader(name, String(value));
    if (this.metadata.cookies?.length) this.res.setHeader('set-cookie', this.metadata.cookies);
  }

  private get bodyless(): boolean {
    return this.method === 'HEAD' || this.res.statusCode === 204 || this.res.statusCode === 304;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeHead();
    if (this.bodyless || chunk.length === 0) callback();
    else if (this.res.write(chunk)) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.writeHead();
    this.res.end(callback);
  }
}

/** Invokes a streaming handler as a function URL would, writing its response to `res`. */
export async function invokeStreaming(handler: StreamingHandler, event: unknown, context: unknown, res: ServerResponse, method: string): Promise<void> {
  const writer = new HttpResponseWriter(res, method);
  const finished = new Promise<void>((resolve, reject) => {
    writer.once('finish', resolve);
    writer.once('error', reject);
  });
  await handler(event, writer, context);
  await finished;
}
