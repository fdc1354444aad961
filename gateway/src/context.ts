import type { VerifiedIdentity } from '#kit/auth.ts';

/**
 * Per-request gateway context: the verified caller and the request id. The
 * user's token itself is not kept: subgraphs get an identity the gateway signs.
 */
export interface GatewayContext {
  identity: VerifiedIdentity;
  requestId: string;
  /** The caller's `Idempotency-Key` header, passed on to the subgraph of a mutation. */
  idempotencyKey?: string | undefined;
}
