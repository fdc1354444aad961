import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const ACCEPTABLE = /^[\w.:-]{1,128}$/;

/** The caller's x-request-id when it looks sane, else a new one. */
export const pickRequestId = (incoming: unknown) =>
  typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();

const ids = new WeakMap<Request, string>();

/** Express middleware: fixes the request id and echoes it in the response header. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction) {
  const id = pickRequestId(req.headers['x-request-id']);
  ids.set(req, id);
  res.setHeader('x-request-id', id);
  next();
}

export const requestIdOf = (req: Request) => ids.get(req) ?? pickRequestId(req.headers['x-request-id']);
