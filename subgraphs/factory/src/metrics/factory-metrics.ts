import { Gauge, type Registry } from 'prom-client';
import type { FactoryId } from '../factory/factories.ts';
import type { FactoryUnit } from '../factory/factory-unit.ts';

/**
 * Each factory's figures, read when Prometheus scrapes (one grouped count and
 * one webhook count per factory): queue depth, busy and total production lines,
 * completed production orders, and completion webhooks waiting for a retry or failed.
 */
export function registerFactoryMetrics(registry: Registry, factories: ReadonlyMap<FactoryId, FactoryUnit>) {
  const units = () => [...factories.values()];
  let pending:
    Promise<Map<FactoryUnit, Awaited<ReturnType<FactoryUnit['orders']['countByStatus']>>>> | undefined;
  // The gauges below share one count per factory per scrape.
  const counts = () =>
    (pending ??= Promise.all(units().map(async (unit) => [unit, await unit.orders.countByStatus()] as const))
      .then((entries) => new Map(entries))
      .finally(() => setTimeout(() => (pending = undefined), 0)));
  const perFactory = (name: string, help: string, value: (unit: FactoryUnit) => Promise<number> | number) =>
    new Gauge({
      name,
      help,
      labelNames: ['factory'],
      registers: [registry],
      async collect() {
        for (const unit of units()) this.set({ factory: unit.id }, await value(unit));
      },
    });
  perFactory(
    'factory_floor_factory_queue_depth',
    'Production orders queued, waiting for a line.',
    async (unit) => (await counts()).get(unit)!.queued,
  );
  perFactory(
    'factory_floor_factory_lines_busy',
    'Production lines running an order.',
    async (unit) => (await counts()).get(unit)!.inProduction,
  );
  perFactory(
    'factory_floor_factory_lines',
    'Production lines of the factory.',
    (unit) => unit.productionLines,
  );
  perFactory(
    'factory_floor_production_orders_completed',
    'Production orders completed.',
    async (unit) => (await counts()).get(unit)!.completed,
  );
  perFactory(
    'factory_floor_webhook_retries_pending',
    'Completion webhooks attempted and not yet delivered: waiting for a retry.',
    async (unit) => (await unit.orders.countWebhooks()).retrying,
  );
  perFactory(
    'factory_floor_webhooks_failed',
    'Completion webhooks that used up WEBHOOK_MAX_ATTEMPTS (FAILED).',
    async (unit) => (await unit.orders.countWebhooks()).failed,
  );
}
