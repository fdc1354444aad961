import { readFileSync } from 'node:fs';
import { IntrospectAndCompose } from '@apollo/gateway';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';
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
        // Subgraphs answer `_service { sdl }` only to the gateway: it signs a viewer identity for each.
        introspectionHeaders: async ({ name }) => ({
          [IDENTITY_HEADER]: await signGatewayIdentity(
            config.SERVICE_TOKEN_SECRET,
            { sub: 'gateway', role: 'viewer' },
            name,
          ),
        }),
      }),
    };
  }
  return { supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH, 'utf8') };
}
