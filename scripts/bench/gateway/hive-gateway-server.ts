/**
 * Hive Gateway (the comparison in the gateway benchmarks) as its users run it: one process (or each
 * of its forks: hive-gateway.ts), its runtime on node:http, on our composed supergraph with the
 * subgraphs' addresses from the environment.
 * Auth as ours does it: the user's bearer token verified once per request (the kit's verifier), and
 * each subgraph fetch carries an identity signed for that subgraph (the kit's signer).
 *   PORT, CUSTOMERS_URL, ORDERS_URL, FACTORY_URL, JWT_SECRET, SERVICE_TOKEN_SECRET,
 *   HIVE_DEDUPLICATE=false turns off its in-flight deduplication of identical subgraph requests.
 * Subscriptions as its CLI serves them: graphql-ws at /graphql (the token in connection_init's
 * `authorization`), and to orders over graphql-ws too (its `subscriptions: { kind: 'ws' }` transport),
 * connection_init `identity` = the caller's identity signed for orders, as our gateway sends it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime, getGraphQLWSOptions, type GatewayPlugin } from '@graphql-hive/gateway';
import { normalizeNodeRequest } from '@whatwg-node/server';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { createTokenVerifier, type VerifiedIdentity } from '#kit/auth.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const env = {
  JWT_SECRET: need('JWT_SECRET'),
  SERVICE_TOKEN_SECRET: need('SERVICE_TOKEN_SECRET'),
  PORT: need('PORT'),
  HIVE_DEDUPLICATE: process.env.HIVE_DEDUPLICATE,
};
const urls: Record<string, string> = {
  customers: need('CUSTOMERS_URL'),
  orders: need('ORDERS_URL'),
  factory: need('FACTORY_URL'),
};
const supergraph = readFileSync(
  fileURLToPath(new URL('../../../schema/supergraph.graphql', import.meta.url)),
  'utf8',
).replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (_all, name: string) => {
  return `@join__graph(name: "${name}", url: "${urls[name]}")`;
});
const byUrl = new Map(Object.entries(urls).map(([name, url]) => [url, name]));

const verifyToken = createTokenVerifier({ JWT_SECRET: env.JWT_SECRET, MAX_TOKEN_LIFETIME: 86_400 });
const identities = new WeakMap<object, Promise<VerifiedIdentity>>();

// A socket's caller: the token of its connection_init, not a header of the upgrade request.
type Caller = { request?: Request; connectionParams?: { authorization?: string } };
const authorizationOf = (context: Caller) =>
  context.connectionParams?.authorization ?? context.request?.headers.get('authorization') ?? undefined;
// One signed identity per caller for orders' socket: Hive keys its upstream sockets by connectionParams.
const ordersIdentities = new Map<string, Promise<string>>();

const auth: GatewayPlugin = {
  onContextBuilding({ context, extendContext }) {
    const caller = context as Caller;
    if (!caller.connectionParams) return;
    const token = authorizationOf(caller) ?? '';
    let signed = ordersIdentities.get(token);
    if (!signed) {
      signed = verifyToken(token).then((identity) =>
        signGatewayIdentity(env.SERVICE_TOKEN_SECRET, identity, 'orders', identity.expiresAt),
      );
      ordersIdentities.set(token, signed);
    }
    return signed.then((ordersIdentity) => extendContext({ ordersIdentity } as never));
  },
  onFetch({ url, options, setOptions, context }) {
    const request = (context as { request?: Request }).request;
    const subgraph = byUrl.get(url);
    if (!request || !subgraph) return;
    let identity = identities.get(request);
    if (!identity) {
      identity = verifyToken(authorizationOf(context as Caller));
      identities.set(request, identity);
    }
    return identity
      .then((caller) => signGatewayIdentity(env.SERVICE_TOKEN_SECRET, caller, subgraph))
      .then((signed) => {
        setOptions({ ...options, headers: { ...options.headers, [IDENTITY_HEADER]: signed } });
      });
  },
};

const ordersSubscriptions = {
  subscriptions: { kind: 'ws', options: { connectionParams: { identity: '{context.ordersIdentity}' } } },
};
const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  plugins: () => [auth],
  transportEntries: {
    ...(env.HIVE_DEDUPLICATE === 'false'
      ? { '*.http': { options: { deduplicateInflightRequests: false } } }
      : {}),
    orders: { options: ordersSubscriptions as never },
  },
});
// Its own probes: /healthcheck and /readiness.
const server = createServer(gateway);
// As its CLI does (disableWebsockets unset): graphql-ws on the GraphQL endpoint.
const sockets = useServer(
  getGraphQLWSOptions<Record<string, unknown>, { request: IncomingMessage; socket: WebSocket }>(
    gateway,
    (ctx) => ({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
      request: normalizeNodeRequest(ctx.extra.request, gateway.fetchAPI),
    }),
  ),
  new WebSocketServer({ path: gateway.graphqlEndpoint, server }),
);
server.listen(Number(env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  void sockets.dispose();
  server.close();
  void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
});
