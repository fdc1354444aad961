import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES, signToken } from '#kit/auth.ts';
import { commonEnv, userTokenEnv } from '#kit/config.ts';
import { signGatewayIdentity } from '#kit/service-token.ts';

/**
 * Prints a bearer token for local use:
 *   npm run token -- --role operator [--sub alice] [--expires 8h]
 * Signed with JWT_SECRET from the environment, else the development default.
 * With `--subgraph orders` it prints instead what the gateway would send that
 * subgraph (the x-gateway-identity header, valid 60 s, signed with
 * SERVICE_TOKEN_SECRET), for operator routes such as orders' GET /outbox.
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'viewer' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '12h' },
    subgraph: { type: 'string' },
  },
});
const role = z.enum(ROLES).safeParse(values.role);
if (!role.success) {
  console.error(`--role must be one of ${ROLES.join(', ')}`);
  process.exit(2);
}
const identity = { sub: values.sub ?? `local-${role.data}`, role: role.data };
if (values.subgraph) {
  const secret = commonEnv.SERVICE_TOKEN_SECRET.parse(process.env.SERVICE_TOKEN_SECRET);
  console.log(await signGatewayIdentity(secret, identity, values.subgraph));
} else {
  const secret = userTokenEnv.JWT_SECRET.parse(process.env.JWT_SECRET);
  console.log(await signToken(secret, identity, values.expires));
}
