import type { Express, NextFunction, Request, Response } from 'express';
import type { Agenda } from 'agenda';
import { createExpressMiddleware } from 'agendash';
import { requireRole } from './auth.ts';
import { DomainError } from './errors.ts';
import { IDENTITY_HEADER, type SubgraphVerifier } from './service-token.ts';

/** A browser cannot send a header on Agendash's own requests; it may hold the identity in this cookie. */
export const AGENDASH_IDENTITY_COOKIE = 'ff_gateway_identity';

const cookie = (req: Request, name: string) =>
  (req.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];

/**
 * Agendash 8 for `agenda` at `path`, for an admin only: a gateway identity
 * (x-gateway-identity, or the cookie) with the admin role, as the subgraph
 * trusts nothing else. 401 without one, 403 for a viewer or an operator.
 */
export function mountAgendash(app: Express, path: string, agenda: Agenda, verifier: SubgraphVerifier): void {
  const adminOnly = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = req.get(IDENTITY_HEADER) ?? cookie(req, AGENDASH_IDENTITY_COOKIE);
      requireRole(await verifier.identity(token), 'admin');
      next();
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      const status = error.code === 'FORBIDDEN' ? 403 : 401;
      if (status === 401) res.set('www-authenticate', `Bearer realm="agendash", header="${IDENTITY_HEADER}"`);
      res.status(status).json({ error: error.message, code: error.code });
    }
  };
  app.use(path, adminOnly, createExpressMiddleware(agenda));
}
