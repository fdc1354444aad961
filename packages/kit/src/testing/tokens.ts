import { signToken, type Role } from '../auth.ts';

/** The JWT secret every in-process test service shares. */
export const TEST_JWT_SECRET = 'factory-floor-test-secret-0123456789';

export const bearer = async (role: Role, sub = `test-${role}`) =>
  `Bearer ${await signToken(TEST_JWT_SECRET, { sub, role })}`;
