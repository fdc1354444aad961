import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { listen, type Listening } from '#kit/http.ts';

/**
 * Two small real subgraphs for exercising the subscription engine alone:
 * `ticks` pushes Tick entities over graphql-ws, `labels` resolves their
 * `label` by key. (The e2e tests use the real supergraph.)
 */
const ticksSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Tick @key(fields: "id") { id: ID! n: Int! }
  type Query { ping: String }
  type Subscription { ticks(from: Int!): Tick! }
`);
const labelsSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Tick @key(fields: "id") { id: ID! label: String! }
  type Query { version: String }
`);

const serve = async (schema: GraphQLSchema, port = 0, ws = false): Promise<Listening> => {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      const result = await graphql({ schema, source: query, variableValues: variables });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result));
    });
  });
  const listening = await listen(server, port);
  if (!ws) return listening;
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer({ schema }, wss);
  return {
    ...listening,
    // Like a crash: sockets dropped without a close handshake.
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await listening.close();
    },
  };
};

export async function startTinySubgraphs(options: { failLabelFor?: number; eventEveryMs?: number } = {}) {
  const ticksSchema = buildSubgraphSchema({
    typeDefs: ticksSdl,
    resolvers: {
      Subscription: {
        ticks: {
          subscribe: async function* (_: unknown, { from }: { from: number }) {
            for (let n = from; ; n++) {
              await new Promise((resolve) => setTimeout(resolve, options.eventEveryMs ?? 20));
              yield { ticks: { id: `t${n}`, n } };
            }
          },
        },
      },
    } as never,
  });
  const labelsSchema = buildSubgraphSchema({
    typeDefs: labelsSdl,
    resolvers: {
      Tick: {
        __resolveReference: ({ id }: { id: string }) => ({ id }),
        label: ({ id }: { id: string }) => {
          if (id === `t${options.failLabelFor}`) throw new Error('label store is down');
          return `label-${id}`;
        },
      },
    } as never,
  });
  let ticks = await serve(ticksSchema, 0, true);
  const labels = await serve(labelsSchema);
  const composed = composeServices([
    { name: 'ticks', url: `${ticks.url}/graphql`, typeDefs: ticksSdl },
    { name: 'labels', url: `${labels.url}/graphql`, typeDefs: labelsSdl },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  return {
    supergraphSdl: composed.supergraphSdl,
    urls: { ticks: `${ticks.url}/graphql`, labels: `${labels.url}/graphql` },
    /** Stops the ticks subgraph (dropping its sockets) and starts a new one on the same port. */
    restartTicks: async (downMs: number) => {
      const port = ticks.port;
      await ticks.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      ticks = await serve(ticksSchema, port, true);
    },
    close: async () => {
      await Promise.all([ticks.close(), labels.close()]);
    },
  };
}
