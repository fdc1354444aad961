import { requireRole } from '#kit/auth.ts';
import { ValidationError } from '#kit/errors.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { parseInterval } from './interval.ts';
import { readSettings, writeSettings } from './random-order-settings.repository.ts';

export const randomOrdersResolvers: Resolvers = {
  Query: {
    randomOrders: async (_parent, _args, { identity, em }) => {
      requireRole(identity, 'viewer');
      return readSettings(em);
    },
  },
  Mutation: {
    setRandomOrders: async (_parent, { enabled, every }, { identity, em }) => {
      requireRole(identity, 'admin');
      const current = await readSettings(em);
      // Without `every`, keep the interval already set (switching on and off keeps it).
      const text = every?.trim() || (current.everyMs > 0 ? current.every : '');
      if (enabled && !text) throw new ValidationError('every', 'is required to turn random orders on');
      const everyMs = text ? parseInterval(text, 'every') : 0;
      return writeSettings(em, enabled, text || 'off', everyMs);
    },
  },
};
