/**
 * Hive Gateway (the comparison in the gateway benchmarks) as its users run it: one process, its
 * runtime on node:http, on our composed supergraph with the subgraphs' addresses from the environment.
 * Auth as ours does it: the user's bearer token verified once per request (the kit's verifier), and
 * each subgraph fetch carries an identity signed for that subgraph (the kit's signer).
 *   PORT, CUSTOMERS_URL, ORDERS_URL, FACTORY_URL, JWT_SECRET, SERVICE_TOKEN_SECRET,
 *   HIVE_DEDUPLICATE=false turns off its in-flight deduplication of identical subgraph requests.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway';
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

const auth: GatewayPlugin = {
  onFetch({ url, options, setOptions, context }) {
    const request = (context as { request?: Request }).request;
    const subgraph = byUrl.get(url);
    if (!request || !subgraph) return;
    let identity = identities.get(request);
    if (!identity) {
      identity = verifyToken(request.headers.get('authorization') ?? undefined);
      identities.set(request, identity);
    }
    return identity
      .then((caller) => signGatewayIdentity(env.SERVICE_TOKEN_SECRET, caller, subgraph))
      .then((signed) => {
        setOptions({ ...options, headers: { ...options.headers, [IDENTITY_HEADER]: signed } });
      });
  },
};

const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  plugins: () => [auth],
  ...(env.HIVE_DEDUPLICATE === 'false'
    ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } }
    : {}),
});
// Its own probes: /healthcheck and /readiness.
const server = createServer(gateway);
server.listen(Number(env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
});
