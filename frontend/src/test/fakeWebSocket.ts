import { vi } from "vitest";

type Emit = { next: (data: unknown) => void; error: (errors: unknown[]) => void; complete: () => void };
export type SubscriptionScript = (operation: { query: string; variables: Record<string, unknown> }, emit: Emit) => void;

interface Sent {
  type: string;
  id?: string;
  payload?: { query: string; variables?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * A WebSocket that speaks the server side of graphql-transport-ws: it acknowledges the
 * connection and hands each subscription to `script`, which emits results.
 */
export function fakeWebSocket(
  script: SubscriptionScript,
  options: {
    /** Answer `connection_init` by closing with this code and reason (a rejected token) instead of acknowledging. */
    rejectInit?: { code: number; reason: string };
  } = {},
) {
  const connectionParams: unknown[] = [];
  const subscriptions: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const sockets: FakeSocket[] = [];

  class FakeSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly url: string;
    readonly protocol: string;
    readyState = FakeSocket.CONNECTING;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onclose: ((event: CloseEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;

    constructor(url: string, protocol: string) {
      this.url = url;
      this.protocol = protocol;
      sockets.push(this);
      setTimeout(() => {
        this.readyState = FakeSocket.OPEN;
        this.onopen?.(new Event("open"));
      }, 0);
    }

    send(raw: string) {
      const message = JSON.parse(raw) as Sent;
      if (message.type === "connection_init") {
        connectionParams.push(message.payload);
        if (options.rejectInit) this.serverClose(options.rejectInit.code, options.rejectInit.reason);
        else this.deliver({ type: "connection_ack" });
      } else if (message.type === "subscribe" && message.id && message.payload) {
        const id = message.id;
        const operation = { query: message.payload.query, variables: message.payload.variables ?? {} };
        subscriptions.push(operation);
        script(operation, {
          next: (payload) => this.deliver({ type: "next", id, payload: { data: payload } }),
          error: (errors) => this.deliver({ type: "error", id, payload: errors }),
          complete: () => this.deliver({ type: "complete", id }),
        });
      } else if (message.type === "ping") {
        this.deliver({ type: "pong" });
      }
    }

    close(code = 1000, reason = "") {
      if (this.readyState === FakeSocket.CLOSED) return;
      this.readyState = FakeSocket.CLOSED;
      setTimeout(() => this.onclose?.(new CloseEvent("close", { code, reason, wasClean: true })), 0);
    }

    /** The server (or the network) ends the connection, after the messages already sent. */
    serverClose(code: number, reason = "") {
      setTimeout(() => {
        if (this.readyState === FakeSocket.CLOSED) return;
        this.readyState = FakeSocket.CLOSED;
        this.onclose?.(new CloseEvent("close", { code, reason, wasClean: code !== 1006 }));
      }, 0);
    }

    addEventListener() {}
    removeEventListener() {}

    private deliver(message: unknown) {
      setTimeout(() => {
        if (this.readyState === FakeSocket.OPEN) this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(message) }));
      }, 0);
    }
  }

  vi.stubGlobal("WebSocket", FakeSocket);
  return { connectionParams, subscriptions, sockets };
}
