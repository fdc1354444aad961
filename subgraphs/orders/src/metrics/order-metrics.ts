import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';
import { ORDER_STATUSES } from '../order/order.entity.ts';
import { countByStatus } from '../order/order-stats.repository.ts';
import type { OutboxSink } from '../outbox/outbox-message.ts';
import { outboxBacklog } from '../outbox/outbox-status.ts';
import type { RandomOrderSchedule } from '../random-orders/random-order-schedule.ts';

export interface OrderMetricsSources {
  orm: MikroORM;
  sinks: readonly OutboxSink[];
  randomOrders: RandomOrderSchedule;
}

/**
 * The orders domain's figures, read when Prometheus scrapes (one grouped count of orders through the stats repository,
 * one backlog query per sink, one Agenda read): orders by status, each sink's
 * outbox backlog and the age of its oldest undelivered message, random orders on or off.
 */
export function registerOrderMetrics(registry: Registry, { orm, sinks, randomOrders }: OrderMetricsSources) {
  new Gauge({
    name: 'factory_floor_orders',
    help: 'Orders by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      // Every order ever placed: the window from the epoch to the year 9999.
      const rows = await countByStatus(orm.em.fork(), new Date(0), new Date('9999-12-31T00:00:00Z'));
      const countOf = new Map(rows.map((row) => [row.status, Number(row.count)]));
      for (const status of ORDER_STATUSES) this.set({ status }, countOf.get(status) ?? 0);
    },
  });
  const backlogs = () => outboxBacklog(orm, sinks);
  let pending: ReturnType<typeof backlogs> | undefined;
  // Both gauges read the same query once per scrape.
  const shared = () => (pending ??= backlogs().finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: 'factory_floor_outbox_backlog',
    help: 'Outbox messages not yet delivered to the sink.',
    labelNames: ['sink'],
    registers: [registry],
    async collect() {
      for (const { sink, backlog } of await shared()) this.set({ sink }, backlog);
    },
  });
  new Gauge({
    name: 'factory_floor_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox message not yet delivered to the sink (0 when none).',
    labelNames: ['sink'],
    registers: [registry],
    async collect() {
      for (const { sink, oldestPendingAt } of await shared())
        this.set({ sink }, oldestPendingAt ? (Date.now() - new Date(oldestPendingAt).getTime()) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'factory_floor_random_orders_enabled',
    help: '1 when random orders are on, 0 when off.',
    registers: [registry],
    async collect() {
      this.set((await randomOrders.read()).enabled ? 1 : 0);
    },
  });
}
