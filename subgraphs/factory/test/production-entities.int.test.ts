import { ObjectId, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongoUrl } from '#kit/testing/databases.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { startTestFactory, submit, lineUuid } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { waitFor } from './support/wait.ts';

let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // The driver reports every command it sends when asked in the connection string.
  const url = new URL(mongoUrl());
  url.searchParams.set('monitorCommands', 'true');
  receiver = await startWebhookReceiver();
  factory = await startTestFactory({
    MONGODB_URL: url.toString(),
    ORDERS_WEBHOOK_URL: receiver.url,
    SIM_TIME_SCALE: '0',
  });
});
afterAll(async () => {
  await factory.service.close();
  await receiver.close();
});

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on ProductionOrder {
        id
        orderNumber
        status
        factory {
          id
        }
      }
    }
  }
`;

const submitted = async (factoryId: string, product: string, n: number) => {
  const lines = Array.from({ length: n }, (_, i) => ({ lineId: lineUuid(i), product, quantity: 1 }));
  const { data, errors } = await submit(factory.url, factoryId, { orderNumber: `ORD-E-${factoryId}`, lines });
  expect(errors).toBeUndefined();
  return data!.submitProductionRequest.productionOrders.map((order) => order.id);
};

describe('ProductionOrder references', () => {
  it('resolves N references across three factories with one `_id` lookup per production order, each once', async () => {
    const ids = [
      ...(await submitted('widgets', 'WIDGET', 4)),
      ...(await submitted('gadgets', 'GADGET', 3)),
      ...(await submitted('gizmos', 'GIZMO', 2)),
    ];
    // Let production and webhooks finish so only the request under test touches production_orders.
    await waitFor('every webhook delivered and no job left but the sweep', async () => {
      const units = [...factory.service.factories.values()];
      const pending = await Promise.all(
        units.map(async (unit) => {
          const all = await unit.orders.page({}, 100, null);
          const delivered = await unit.orders.page({ webhookState: 'DELIVERED' }, 100, null);
          const undelivered = all.totalCount - delivered.totalCount;
          const jobs = await unit.db
            .collection('agendaJobs')
            .countDocuments({ name: { $ne: 'factory:sweep' } });
          return undelivered + jobs;
        }),
      );
      return pending.every((count) => count === 0);
    });
    const missing = `widgets:${'0'.repeat(24)}`;
    const representations = [...ids, ids[0]!, missing].map((id) => ({ __typename: 'ProductionOrder', id }));

    const commands: CommandStartedEvent[] = [];
    const record = (event: CommandStartedEvent) => {
      if (Object.values(event.command).includes('production_orders')) commands.push(event);
    };
    factory.service.mongo.on('commandStarted', record);
    const { data, errors } = await graphql<{ _entities: ({ id: string; factory: { id: string } } | null)[] }>(
      factory.url,
      ENTITIES,
      { representations },
      'viewer',
    );
    factory.service.mongo.off('commandStarted', record);

    expect(errors).toBeUndefined();
    expect(data!._entities.map((entity) => entity?.id ?? null)).toEqual([...ids, ids[0], null]);
    expect(data!._entities.slice(0, ids.length).every((e) => e!.factory.id === e!.id.split(':')[0])).toBe(
      true,
    );
    // FerretDB serves a lone `_id` filter from its index and scans for `$in`: at most one point lookup
    // per distinct id, in its factory's database (the owner answers what it wrote from memory).
    const distinct = new Set([...ids, missing]);
    expect(commands.length).toBeLessThanOrEqual(distinct.size);
    expect(commands.some((event) => event.databaseName === `${factory.prefix}widgets`)).toBe(true); // the missing one
    for (const event of commands) {
      expect(event.commandName).toBe('find');
      expect(Object.keys(event.command.filter as object)).toEqual(['_id']);
      expect((event.command.filter as { _id: unknown })._id).toBeInstanceOf(ObjectId);
    }
  });
});
