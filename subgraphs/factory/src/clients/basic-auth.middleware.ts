import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '#kit/logger.ts';
import type { FactoryId } from '../factory/factories.ts';
import type { ApiClientRepository } from './api-client.repository.ts';
import { TooManyChecksError, type CheckLimiter } from './check-limiter.ts';
import { isBasicScheme, parseBasicAuth, type VerifiedClient } from './client-auth.ts';

const verified = new WeakMap<Request, VerifiedClient>();

/** The API client the edge verified for this request, if it came with Basic credentials. */
export const verifiedClientOf = (req: Request) => verified.get(req);

const refuse = (
  res: Response,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
) => {
  res
    .status(status)
    .set(headers)
    .json({ errors: [{ message, extensions: { code } }] });
};

/**
 * In front of /graphql: a request with `Authorization: Basic` is served only
 * when a factory of this process knows the client and its secret. Otherwise
 * it is answered here, before any GraphQL runs: 401 with a Basic challenge,
 * or 429 once the caller has used up its allowance of secret checks.
 */
export function basicAuthMiddleware(options: {
  factories: () => Iterable<{ id: FactoryId; clients: ApiClientRepository }>;
  limiter: CheckLimiter;
  logger: Logger;
}): RequestHandler {
  return async (req, res, next) => {
    const authorization = req.headers.authorization;
    if (!isBasicScheme(authorization)) return next();
    const credentials = parseBasicAuth(authorization);
    const challenge = { 'www-authenticate': 'Basic realm="factory", charset="UTF-8"' };
    if (!credentials) return refuse(res, 401, 'UNAUTHENTICATED', 'Malformed Basic credentials', challenge);
    const address = req.socket.remoteAddress ?? 'unknown';
    const budget = options.limiter.budgetFor(credentials.name, address);
    const limited = (retryAfterS: number) => {
      options.logger.warn({ client: credentials.name, address }, 'API client logins rate limited');
      const message = `Too many failed API client logins; retry in ${retryAfterS} s`;
      refuse(res, 429, 'RATE_LIMITED', message, { 'retry-after': String(retryAfterS) });
    };
    // A login with a secret not accepted lately costs one of the caller's allowance, taken before any
    // lookup (so a burst of guesses is refused at once) and given back when it succeeds.
    const known = [...options.factories()].some((f) =>
      f.clients.acceptedLately(credentials.name, credentials.secret),
    );
    try {
      if (!known) await budget.take();
      for (const factory of options.factories()) {
        if (await factory.clients.verify(credentials.name, credentials.secret)) {
          if (!known) await budget.refund();
          verified.set(req, { ...credentials, factories: new Set([factory.id]) });
          return next();
        }
      }
    } catch (error) {
      if (!(error instanceof TooManyChecksError)) return next(error);
      return limited(error.retryAfterS);
    }
    options.logger.warn({ client: credentials.name, address }, 'API client login refused');
    return refuse(res, 401, 'UNAUTHENTICATED', 'Unknown API client or wrong secret', challenge);
  };
}
