import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import type { TokenVerifier } from '#kit/auth.ts';
import { DomainError } from '#kit/errors.ts';
import type { GatewayContext } from '../context.ts';
import { requestIdOf } from '../request-id.ts';

/** Apollo context for HTTP: the caller must hold a valid bearer token (401 otherwise). */
export const httpContext =
  (verifyToken: TokenVerifier) =>
  async ({ req }: { req: Request }): Promise<GatewayContext> => {
    try {
      return {
        identity: await verifyToken(req.headers.authorization),
        requestId: requestIdOf(req),
        idempotencyKey: req.get('idempotency-key') ?? undefined,
      };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
    }
  };
