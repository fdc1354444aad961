import { createClient, type Client } from 'graphql-ws';
import type { Fetcher, FetcherOpts, FetcherParams } from '@graphiql/toolkit';

const isSubscription = (query: string) => /^\s*subscription\b/m.test(query.replace(/#[^\n]*/g, ''));

/**
 * HTTP for queries and mutations, graphql-ws for subscriptions, both
 * carrying the Authorization header typed in the headers editor (over the
 * socket as connectionParams.authorization, as the gateway expects).
 */
export function createFetcher(httpUrl: string, wsUrl: string): Fetcher {
  let socket: { authorization: string; client: Client } | undefined;
  const clientFor = (authorization: string) => {
    if (socket?.authorization !== authorization) {
      void socket?.client.dispose();
      socket = { authorization, client: createClient({ url: wsUrl, connectionParams: { authorization } }) };
    }
    return socket.client;
  };

  return (params: FetcherParams, options?: FetcherOpts) => {
    const headers = (options?.headers ?? {}) as Record<string, string>;
    const authorization =
      Object.entries(headers).find(([key]) => key.toLowerCase() === 'authorization')?.[1] ?? '';
    if (isSubscription(params.query)) {
      const client = clientFor(authorization);
      // graphql-ws yields formatted results; GraphiQL reads them the same way.
      return client.iterate({
        query: params.query,
        variables: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
      }) as unknown as ReturnType<Fetcher>;
    }
    return fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(params),
    }).then((response) => response.json());
  };
}
