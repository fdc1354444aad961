import WebSocket from 'ws';

export interface RawSocket {
  /** Every message received, parsed. */
  messages: { type: string; id?: string; payload?: unknown }[];
  /** Resolves with the close code (and reason) when the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** Waits until a message for `id` (next, error or complete) arrives. */
  answerTo(id: string, timeoutMs?: number): Promise<{ type: string; payload?: unknown }>;
  close(): void;
}

/**
 * A graphql-transport-ws socket driven by hand, so a test can send what a
 * well-behaved client never would (huge frames, one subscription too many)
 * and read the exact close codes. Resolves once acknowledged, or closed.
 */
export async function openRawSocket(httpUrl: string, connectionParams: Record<string, unknown>) {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  socket.on('error', () => {});
  const acknowledged = new Promise<boolean>((resolve) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as RawSocket['messages'][number];
      messages.push(message);
      if (message.type === 'connection_ack') resolve(true);
    });
    void closed.then(() => resolve(false));
  });
  await new Promise<void>((resolve) => socket.on('open', () => resolve()));
  socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams }));
  const raw: RawSocket = {
    messages,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    subscribe: (id, query, variables = {}) =>
      socket.send(JSON.stringify({ type: 'subscribe', id, payload: { query, variables } })),
    answerTo: async (id, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((message) => message.id === id);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no answer to ${id} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => socket.close(1000, 'done'),
  };
  return { socket: raw, acknowledged: await acknowledged };
}
