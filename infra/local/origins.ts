/**
 * Which API request a store request came from, so that a write waits for the delivery of its own stream records
 * and no one else's. The store is reached over loopback HTTP, which carries no async context: the API request's
 * context is read where the SDK sends (Node's `http.client.request.start` channel, in the caller's context) and
 * looked up by the client socket's port when the store answers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** One API request: the deliveries of the stream records its writes produced. */
export interface Origin {
  deliveries: Promise<unknown>[];
}

const CLIENT = 'http.client.request.start';
const SERVER = 'http.server.request.start';

export class RequestOrigins {
  private readonly context = new AsyncLocalStorage<Origin>();
  private readonly byPort = new Map<number, Origin>();
  private readonly onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const origin = this.context.getStore();
    const port = request.socket?.localPort;
    if (port === undefined) return;
    // A kept-alive socket serves one request at a time: the latest request on it is the one the store sees next.
    if (origin) this.byPort.set(port, origin);
    else this.byPort.delete(port);
  };

  // An in-process HTTP hop between a handler and the store (a proxy) carries the request on: a server request from
  // a port known to belong to a request runs as that request.
  private readonly onServe = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    this.context.enterWith(this.of(request.socket.remotePort) as Origin);
  };

  constructor() {
    subscribe(CLIENT, this.onStart);
    subscribe(SERVER, this.onServe);
  }

  /** Runs `work` as the given request: store writes it makes are attributed to it. */
  run<T>(origin: Origin, work: () => Promise<T>): Promise<T> {
    return this.context.run(origin, work);
  }

  /** Runs `work` as no request: stream deliveries, which no request's store writes should be charged with. */
  outside<T>(work: () => T): T {
    return this.context.exit(work);
  }

  /** The request whose store request arrived from this client port, if any. */
  of(remotePort: number | undefined): Origin | undefined {
    return remotePort === undefined ? undefined : this.byPort.get(remotePort);
  }

  close(): void {
    unsubscribe(CLIENT, this.onStart);
    unsubscribe(SERVER, this.onServe);
    this.byPort.clear();
  }
}
