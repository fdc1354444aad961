import type { Identity } from '#kit/auth.ts';

/** Per-request gateway context: the verified caller and the token to forward. */
export interface GatewayContext {
  identity: Identity;
  authorization: string;
}
