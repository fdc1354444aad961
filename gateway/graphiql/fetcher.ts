import { createClient, type Client } from 'graphql-ws';
import type { Fetcher, FetcherOpts, FetcherParams } from '@graphiql/toolkit';
import { selectOperation } from './operation.ts';

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
    const { operationName, kind } = selectOperation(params.query, params.operationName);
    const request = { query: params.query, variables: params.variables ?? undefined, operationName };
    if (kind === 'subscription') {
      // graphql-ws yields formatted results; GraphiQL reads them the same way.
      return clientFor(authorization).iterate(request) as unknown as ReturnType<Fetcher>;
    }
    return fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(request),
    }).then((response) => response.json());
  };
}
