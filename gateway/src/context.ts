import type { Identity } from '#kit/auth.ts';

/** Per-request gateway context: the verified caller, the token to forward, and the request id. */
export interface GatewayContext {
  identity: Identity;
  authorization: string;
  requestId: string;
}
