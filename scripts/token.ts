import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES, signToken } from '#kit/auth.ts';
import { userTokenEnv } from '#kit/config.ts';

/**
 * Prints a bearer token for local use:
 *   npm run token -- --role operator [--sub alice] [--expires 8h]
 * Signed with JWT_SECRET from the environment, else the development default.
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'viewer' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});
const role = z.enum(ROLES).safeParse(values.role);
if (!role.success) {
  console.error(`--role must be one of ${ROLES.join(', ')}`);
  process.exit(2);
}
const secret = userTokenEnv.JWT_SECRET.parse(process.env.JWT_SECRET);
console.log(
  await signToken(secret, { sub: values.sub ?? `local-${role.data}`, role: role.data }, values.expires),
);
