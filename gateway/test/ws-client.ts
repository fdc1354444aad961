import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Role } from '#kit/auth.ts';
import { bearer } from '#kit/testing/tokens.ts';

/** A real graphql-ws client on the gateway's /graphql, as `role` (or with `authorization` given). */
export const wsClient = (
  httpUrl: string,
  auth: Role | { authorization: string },
  retryAttempts = 0,
): Client =>
  createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts,
    connectionParams: async () => ({
      authorization: typeof auth === 'string' ? await bearer(auth) : auth.authorization,
    }),
  });

export interface Collected<T> {
  events: T[];
  errors: unknown[];
  completed: boolean;
  stop(): void;
}

/** Subscribes and keeps every event (data or errors) until stopped. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const collected: Collected<T> = {
    events: [],
    errors: [],
    completed: false,
    stop: client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) collected.errors.push(...value.errors);
          if (value.data) collected.events.push(value.data as T);
        },
        error: (error) => collected.errors.push(error),
        complete: () => {
          collected.completed = true;
        },
      },
    ),
  };
  return collected;
}

/** The close event a connection attempt ends with (or 'open' if it is accepted). */
export const closeCodeOf = async (httpUrl: string, connectionParams: Record<string, unknown>) =>
  new Promise<{ code: number; reason: string }>((resolve) => {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })),
    );
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') socket.close(1000, 'ok');
    });
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });

/** Polls until `check` returns a value or the deadline passes. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
