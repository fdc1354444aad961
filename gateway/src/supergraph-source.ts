import { readFileSync } from 'node:fs';
import { IntrospectAndCompose } from '@apollo/gateway';
import { signToken } from '#kit/auth.ts';
import { subgraphUrls, type GatewayConfig } from './config.ts';

const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

/**
 * The supergraph composed at build time (default), or, in development,
 * introspected from the running subgraphs and composed at start-up.
 */
export function supergraphSource(config: GatewayConfig): { supergraphSdl: string | IntrospectAndCompose } {
  if (config.SUPERGRAPH_SOURCE === 'introspect') {
    return {
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: Object.entries(subgraphUrls(config)).map(([name, url]) => ({ name, url })),
        // Subgraphs answer only verified callers; the gateway signs a short-lived viewer token for itself.
        introspectionHeaders: async () => ({
          authorization: `Bearer ${await signToken(config.JWT_SECRET, { sub: 'gateway', role: 'viewer' }, '5m')}`,
        }),
      }),
    };
  }
  return { supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH, 'utf8') };
}
