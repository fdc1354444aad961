import { signToken, type Role } from '../auth.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '../service-token.ts';

/** The JWT secret every in-process test service shares. */
export const TEST_JWT_SECRET = 'factory-floor-test-secret-0123456789';
/** The key of the gateway's identities and of service tokens in tests. */
export const TEST_SERVICE_TOKEN_SECRET = 'factory-floor-test-service-token-secret-0123456789';
export const SUBGRAPHS = ['customers', 'orders', 'factory'] as const;

export const bearer = async (role: Role, sub = `test-${role}`) =>
  `Bearer ${await signToken(TEST_JWT_SECRET, { sub, role })}`;

/** What the gateway would send a subgraph for this user (audience: every subgraph, for test calls). */
export const gatewayIdentity = async (role: Role, sub = `test-${role}`) =>
  signGatewayIdentity(TEST_SERVICE_TOKEN_SECRET, { sub, role }, [...SUBGRAPHS]);

/**
 * Headers a test sends for `role`: the user's bearer token (what the gateway
 * reads) and the identity the gateway would sign (what a subgraph reads), so
 * one helper serves calls to either. The gateway ignores the second.
 */
export const callerHeaders = async (role: Role): Promise<Record<string, string>> => ({
  authorization: await bearer(role),
  [IDENTITY_HEADER]: await gatewayIdentity(role),
});
