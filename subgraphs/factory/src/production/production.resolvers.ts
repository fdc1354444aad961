import { requireRole } from '#kit/auth.ts';
import { DomainError, NotFoundError, ValidationError } from '#kit/errors.ts';
import { authenticateClient } from '../clients/client-auth.ts';
import type { Context } from '../context.ts';
import type { FactoryUnit } from '../factory/factory-unit.ts';
import type { FactoryView } from '../factory/factory-view.ts';
import type { ProductionRequestInput, Resolvers } from '../generated/graphql.ts';
import { productionOrderId, type ProductionOrderDoc } from './production-order.ts';
import { pageProductionOrders } from './production-order.page.ts';
import {
  submitProductionRequest,
  submitProductionRequests,
  type ProductionRequest,
} from './production-request.service.ts';

export interface ReceiptParent {
  factory: FactoryView;
  orderNumber: string;
  productionOrders: ProductionOrderDoc[];
}

/** The factories a query covers: one by id, or every factory this process runs. */
function unitsFor(context: Context, factory: string | null | undefined): FactoryView[] {
  if (!factory) return [...context.factories.values()];
  const unit = context.factories.get(factory as never);
  if (!unit) throw new NotFoundError('Factory', factory);
  return [unit];
}

/** The factory a production request names, once its API client is authenticated for it. */
async function requestedFactory(context: Context, factory: string): Promise<FactoryUnit> {
  const unit = context.producers.get(factory as never);
  if (!unit) {
    if (!['widgets', 'gadgets', 'gizmos'].includes(factory))
      throw new ValidationError('factory', 'is not a factory');
    const readOnly = context.factories.get(factory as never);
    if (readOnly) {
      throw new DomainError(
        'NOT_FOUND',
        `${readOnly.name} is not produced by this process, which serves its reads only: send production requests to the process that runs it`,
        { id: factory },
      );
    }
    throw new NotFoundError('Factory', factory);
  }
  await authenticateClient(context, unit);
  return unit;
}

const requestOf = (input: ProductionRequestInput): ProductionRequest => ({
  orderNumber: input.orderNumber,
  lines: input.lines.map((line) => ({ ...line, lineId: String(line.lineId) })),
  traceparent: input.traceparent,
});

export const productionResolvers: Resolvers = {
  Query: {
    productionOrders: (_parent, { factory, status, orderNumber, webhookState, first, after }, context) => {
      requireRole(context.identity, 'viewer');
      return pageProductionOrders(
        unitsFor(context, factory),
        { status, orderNumber, webhookState },
        first ?? 20,
        after,
      );
    },
    failedWebhookDeliveries: (_parent, { factory, first, after }, context) => {
      requireRole(context.identity, 'viewer');
      return pageProductionOrders(unitsFor(context, factory), { webhookState: 'FAILED' }, first ?? 20, after);
    },
  },
  Mutation: {
    submitProductionRequest: async (_parent, { factory, input }, context) => {
      const unit = await requestedFactory(context, factory);
      const productionOrders = await submitProductionRequest(unit.receive, requestOf(input));
      return { factory: unit, orderNumber: productionOrders[0]!.orderNumber, productionOrders };
    },
    submitProductionRequests: async (_parent, { factory, requests }, context) => {
      const unit = await requestedFactory(context, factory);
      const results = await submitProductionRequests(unit.receive, requests.map(requestOf));
      return results.map((result) =>
        'error' in result
          ? { orderNumber: result.orderNumber, receipt: null, error: result.error }
          : {
              orderNumber: result.orderNumber,
              receipt: { factory: unit, orderNumber: result.orderNumber, productionOrders: result.orders },
              error: null,
            },
      );
    },
  },
  ProductionOrder: {
    __resolveReference: async (reference, context) => {
      requireRole(context.identity, 'viewer');
      return context.productionOrders.load(String(reference.id));
    },
    id: (doc) => productionOrderId(doc),
    factory: (doc, _args, context) => {
      const unit = context.factories.get(doc.factory);
      if (!unit) throw new NotFoundError('Factory', doc.factory);
      return unit;
    },
  },
};
